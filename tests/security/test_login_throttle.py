"""Password guessing is slowed down (429 with Retry-After) without locking the real user out:
the block is per account and client address, and it ends."""

import httpx

from tests.security.conftest import register

ATTACKER = {"X-Forwarded-For": "203.0.113.66"}
MAX_GUESSES_BEFORE_429 = 10
LONGEST_BLOCK_S = 15 * 60


def _login(api: httpx.Client, email: str, password: str, headers: dict[str, str]) -> httpx.Response:
    form = {"username": email, "password": password}
    return api.post("/api/auth/token", data=form, headers=headers)


def test_guessing_is_throttled_and_the_real_user_still_gets_in(api: httpx.Client) -> None:
    victim = register(api, "victim")
    statuses = []
    for guess in range(MAX_GUESSES_BEFORE_429 + 1):
        response = _login(api, victim.email, f"guess-{guess}", ATTACKER)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {401}
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= LONGEST_BLOCK_S

    # The attacker stays blocked, even with the right password...
    assert _login(api, victim.email, victim.password, ATTACKER).status_code == 429
    # ...while the real user, from their own address, signs in at once.
    real_user = {"X-Forwarded-For": victim.address}
    assert _login(api, victim.email, victim.password, real_user).status_code == 200


def test_guessing_one_account_does_not_block_others(api: httpx.Client) -> None:
    target, bystander = register(api, "target"), register(api, "bystander")
    shared_network = {"X-Forwarded-For": "203.0.113.99"}
    for guess in range(MAX_GUESSES_BEFORE_429):
        _login(api, target.email, f"guess-{guess}", shared_network)
    assert _login(api, bystander.email, bystander.password, shared_network).status_code == 200
