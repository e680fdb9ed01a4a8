"""Cross-origin calls only from the configured origins; security headers on every answer."""

import httpx
import pytest

from tests.security.conftest import ALLOWED_ORIGIN, Account

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization",
}


def test_preflight_from_the_configured_origin_is_allowed(api: httpx.Client) -> None:
    response = api.options("/api/conversations", headers={"Origin": ALLOWED_ORIGIN, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "https://app.aira.example.evil"]
)
def test_other_origins_get_no_cors_grant(api: httpx.Client, alice: Account, origin: str) -> None:
    preflight = api.options("/api/conversations", headers={"Origin": origin, **PREFLIGHT})
    assert "access-control-allow-origin" not in preflight.headers
    simple = api.get("/api/conversations", headers={"Origin": origin, **alice.headers})
    assert "access-control-allow-origin" not in simple.headers
    assert simple.headers.get("access-control-allow-credentials") != "true"


@pytest.mark.parametrize("path", ["/healthz", "/api/users/me", "/api/nowhere", "/openapi.json"])
def test_security_headers_on_every_answer(api: httpx.Client, path: str) -> None:
    headers = api.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["strict-transport-security"].startswith("max-age=")
