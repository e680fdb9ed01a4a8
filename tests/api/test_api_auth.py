"""Registration, sign-in and access tokens through HTTP."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt

from tests.api.support import PASSWORD, TEST_JWT_SECRET, Api


def test_register_answers_the_public_user(api: Api) -> None:
    with api.client() as client:
        response = client.post(
            "/api/auth/register",
            json={"email": "Mina@Example.com", "password": PASSWORD, "display_name": "Mina"},
        )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "mina@example.com"
    assert body["display_name"] == "Mina"
    assert body["locale"] == "ko"
    assert "password" not in json.dumps(body)
    assert body["created_at"].endswith("Z")


def test_register_refuses_a_taken_email_in_any_case(api: Api) -> None:
    api.register("taken@example.com")
    with api.client() as client:
        response = client.post(
            "/api/auth/register", json={"email": "TAKEN@example.com", "password": PASSWORD}
        )
    assert response.status_code == 409
    assert response.json() == {"detail": "Email is already registered"}


def test_register_validates_email_and_password(api: Api) -> None:
    with api.client() as client:
        bad_email = client.post("/api/auth/register", json={"email": "nope", "password": PASSWORD})
        short = client.post(
            "/api/auth/register", json={"email": "a@example.com", "password": "1234567"}
        )
    assert bad_email.status_code == 422
    assert bad_email.json()["detail"][0]["loc"] == ["body", "email"]
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "password"]
    assert "at least 8 characters" in short.json()["detail"][0]["msg"]


def test_token_is_a_bearer_jwt_naming_the_user(api: Api) -> None:
    api.register("jwt@example.com")
    with api.client() as client:
        response = client.post(
            "/api/auth/token", data={"username": "JWT@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200
        token = response.json()
        assert token["token_type"] == "bearer"
        assert token["expires_in"] > 0
        claims = jwt.decode(token["access_token"], TEST_JWT_SECRET, algorithms=["HS256"])
        me = client.get(
            "/api/users/me", headers={"Authorization": f"Bearer {token['access_token']}"}
        )
    assert me.status_code == 200
    assert claims["sub"] == str(me.json()["id"])


def test_wrong_password_and_unknown_email_are_the_same_401(api: Api) -> None:
    api.register("known@example.com")
    with api.client() as client:
        wrong = client.post(
            "/api/auth/token", data={"username": "known@example.com", "password": "wrong-pass"}
        )
        unknown = client.post(
            "/api/auth/token", data={"username": "ghost@example.com", "password": PASSWORD}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Incorrect email or password"}
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_protected_routes_refuse_missing_and_bad_tokens(api: Api) -> None:
    user_id, token = _registered(api)
    secret_claims = {"sub": str(user_id), "exp": datetime.now(UTC) + timedelta(minutes=5)}
    expired = {"sub": str(user_id), "exp": datetime.now(UTC) - timedelta(seconds=5)}
    forged = [
        "not-a-jwt",
        _with_payload(token, {"sub": str(user_id + 1)}),  # tampered: signature no longer matches
        _unsigned(secret_claims),  # alg: none
        jwt.encode(secret_claims, "another-secret-" + "y" * 40, algorithm="HS256"),
        jwt.encode(expired, TEST_JWT_SECRET, algorithm="HS256"),
        jwt.encode({"sub": str(user_id)}, TEST_JWT_SECRET, algorithm="HS256"),  # no expiry
        jwt.encode({**secret_claims, "sub": "999999"}, TEST_JWT_SECRET, algorithm="HS256"),
    ]
    with api.client() as client:
        assert client.get("/api/users/me").status_code == 401
        for bad in forged:
            response = client.get("/api/users/me", headers={"Authorization": f"Bearer {bad}"})
            assert response.status_code == 401, bad
            assert response.json() == {"detail": "Could not validate credentials"}
        good = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert good.status_code == 200


def test_failed_sign_ins_are_throttled_per_account_and_address(api: Api) -> None:
    api.register("guess@example.com")
    api.register("other@example.com")
    wrong = {"username": "guess@example.com", "password": "wrong-password"}
    with api.client() as client:
        statuses = [client.post("/api/auth/token", data=wrong).status_code for _ in range(5)]
        throttled = client.post("/api/auth/token", data=wrong)
        right_password = client.post(
            "/api/auth/token", data={"username": "guess@example.com", "password": PASSWORD}
        )
        other_account = client.post(
            "/api/auth/token", data={"username": "other@example.com", "password": PASSWORD}
        )
    assert statuses == [401] * 5
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 300  # a window, not a lockout
    assert right_password.status_code == 429
    assert other_account.status_code == 200


def _registered(api: Api) -> tuple[int, str]:
    token = api.register()
    with api.client(token) as client:
        return int(client.get("/api/users/me").json()["id"]), token


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, default=lambda value: int(value.timestamp())).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _with_payload(token: str, changes: dict[str, object]) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{_b64(claims | changes)}.{signature}"


def _unsigned(claims: dict[str, object]) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
