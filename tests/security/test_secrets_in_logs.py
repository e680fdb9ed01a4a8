"""Passwords, access tokens, the JWT secret and the LLM key never reach the logs of the API or
the worker, whatever happens: sign-ups, good and bad sign-ins, a full answer through the LLM."""

import time

import httpx

from load.platform import Platform
from tests.security.conftest import JWT_SECRET, OPENAI_KEY, Account, log_text, register

WRONG_PASSWORD = "wrong-password-Zq81x"


def _answer(api: httpx.Client, account: Account) -> dict[str, object]:
    """Send a message and wait until the worker has answered it through the LLM."""
    conversation = api.post("/api/conversations", json={}, headers=account.headers).json()["id"]
    sent = api.post(
        f"/api/conversations/{conversation}/messages",
        json={"content": "tell me a story"},
        headers=account.headers,
    )
    answer_id = sent.json()["assistant_message"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message: dict[str, object] = api.get(
            f"/api/messages/{answer_id}", headers=account.headers
        ).json()
        if message["status"] not in ("queued", "running"):
            return message
        time.sleep(0.2)
    raise AssertionError(f"answer {answer_id} not finished within 60 s")


def test_no_secret_appears_in_any_log(api: httpx.Client, platform: Platform) -> None:
    account = register(api, "logged")
    api.post(
        "/api/auth/token",
        data={"username": account.email, "password": WRONG_PASSWORD},
        headers={"X-Forwarded-For": account.address},
    )
    api.get("/api/users/me", headers={"Authorization": f"Bearer {account.token}x"})
    assert _answer(api, account)["status"] == "done"
    time.sleep(0.5)  # let the processes flush their last lines

    logs = log_text(platform)
    assert "POST /api/auth/token" in logs or "api/auth/token" in logs, "no request was logged"
    secrets = {
        "password": account.password,
        "wrong password": WRONG_PASSWORD,
        "access token": account.token,
        "token signature": account.token.rsplit(".", 1)[1],
        "JWT secret": JWT_SECRET,
        "LLM key": OPENAI_KEY,
    }
    leaked = [name for name, value in secrets.items() if value in logs]
    assert not leaked, f"found in the logs: {leaked}"
