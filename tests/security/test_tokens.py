"""Only a token this server signed (HS256, with its secret, not expired) opens the API."""

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from tests.security.conftest import JWT_SECRET, Account


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(user_id: str, **changes: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {"sub": user_id, "iat": now, "exp": now + timedelta(hours=1)} | changes


def _user_id(api: httpx.Client, account: Account) -> str:
    return str(api.get("/api/users/me", headers=account.headers).json()["id"])


def forged_tokens(valid: str, user_id: str, other_id: str) -> dict[str, str]:
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    expired = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "tampered subject": f"{header}.{_b64(claims | {'sub': other_id})}.{signature}",
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "alg none, no signature part": f"{_b64({'alg': 'none'})}.{_b64(claims)}",
        "expired": jwt.encode(_claims(user_id, exp=expired), JWT_SECRET, algorithm="HS256"),
        "wrong secret": jwt.encode(_claims(user_id), "x" * 48, algorithm="HS256"),
        "other algorithm": jwt.encode(_claims(user_id), JWT_SECRET, algorithm="HS512"),
        "no expiry": jwt.encode({"sub": user_id}, JWT_SECRET, algorithm="HS256"),
        "unknown user": jwt.encode(_claims("987654321"), JWT_SECRET, algorithm="HS256"),
        "signature stripped": f"{header}.{payload}.",
        "garbage": "not-a-token",
    }


def test_the_valid_token_works(api: httpx.Client, alice: Account) -> None:
    assert api.get("/api/users/me", headers=alice.headers).status_code == 200


@pytest.mark.parametrize("path", ["/api/users/me", "/api/conversations", "/api/stories"])
def test_forged_tokens_are_rejected(
    api: httpx.Client, alice: Account, bob: Account, path: str
) -> None:
    tokens = forged_tokens(alice.token, _user_id(api, alice), _user_id(api, bob))
    for kind, token in tokens.items():
        response = api.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, f"{kind}: {response.status_code} {response.text}"
        assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


def test_missing_or_malformed_authorization_is_rejected(api: httpx.Client, alice: Account) -> None:
    for header in ({}, {"Authorization": alice.token}, {"Authorization": f"Basic {alice.token}"}):
        assert api.get("/api/users/me", headers=header).status_code == 401
