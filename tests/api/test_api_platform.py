"""Probes, metrics, security headers, CORS, the web app and public metadata."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aira_core.db import create_db_engine
from aira_core.queue import open_queue
from aira_core.settings import Settings
from sqlalchemy import Engine

from tests.api.support import Api, Launch

# Nothing listens on port 1: connections are refused at once.
UNREACHABLE_DATABASE = "mysql+pymysql://root@127.0.0.1:1/nowhere"


@pytest.fixture
def unreachable_engine() -> Iterator[Engine]:
    engine = create_db_engine(UNREACHABLE_DATABASE)
    yield engine
    engine.dispose()


def test_liveness_and_readiness(api: Api) -> None:
    with api.client() as client:
        live = client.get("/healthz")
        ready = client.get("/readyz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "queue": "ok"}}


def test_readiness_names_an_unreachable_queue(
    launch_api: Launch, unreachable_engine: Engine, make_settings: Callable[..., Settings]
) -> None:
    # The local queue lives in a database; this one cannot be reached.
    queue = open_queue(make_settings(), unreachable_engine)
    with launch_api(queue=queue) as api, api.client() as client:
        ready = client.get("/readyz")
        live = client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "queue": "unavailable"},
    }
    assert live.status_code == 200


def test_readiness_names_an_unreachable_database(
    launch_api: Launch, unreachable_engine: Engine
) -> None:
    with launch_api(engine=unreachable_engine) as api, api.client() as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "unavailable"


def test_metrics_count_requests_by_route_template(api: Api) -> None:
    with api.user() as client:
        client.get("/api/messages/424242")
        client.get("/api/messages/434343")
        client.get("/no/such/page")
        metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    by_template = _sample(
        text,
        "aira_http_requests_total",
        route="/api/messages/{message_id}",
        method="GET",
        status="404",
    )
    assert by_template >= 2
    assert "/api/messages/424242" not in text
    assert (
        _sample(text, "aira_http_requests_total", route="unmatched", method="GET", status="404")
        >= 1
    )
    timed = _sample(
        text,
        "aira_http_request_duration_seconds_count",
        route="/api/messages/{message_id}",
        method="GET",
    )
    assert timed >= 2


def test_security_headers_on_every_response(api: Api) -> None:
    with api.client() as client:
        responses = [client.get("/healthz"), client.get("/api/users/me"), client.get("/api/nope")]
        docs = client.get("/docs")
    for response in responses:
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert headers["x-frame-options"] == "DENY"
    assert docs.status_code == 200
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]


def test_cors_allows_only_configured_origins(launch_api: Launch) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    with launch_api(cors_origins=["https://app.example"]) as api, api.client() as client:
        allowed = client.options(
            "/api/conversations", headers={"Origin": "https://app.example", **preflight}
        )
        refused = client.options(
            "/api/conversations", headers={"Origin": "https://evil.example", **preflight}
        )
        simple = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-origin" not in simple.headers


def test_serves_the_web_app_with_client_side_routes(launch_api: Launch, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Aira</title>")
    (dist / "assets" / "app-3f2a.js").write_text("console.log('aira')")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    with launch_api(web_dist=dist) as api, api.client() as client:
        root = client.get("/")
        deep_link = client.get("/stories/12")
        asset = client.get("/assets/app-3f2a.js")
        icon = client.get("/favicon.svg")
        escape = client.get("/%2e%2e/secret.txt")
        api_get = client.get("/api/no-such-thing")
        api_post = client.post("/api/no-such-thing", json={})
        health = client.get("/healthz")
    assert root.status_code == deep_link.status_code == 200
    assert "<title>Aira</title>" in root.text and deep_link.text == root.text
    assert root.headers["cache-control"] == "no-cache"
    assert asset.text == "console.log('aira')"
    assert "immutable" in asset.headers["cache-control"]
    assert icon.text == "<svg/>"
    assert "not for the web" not in escape.text
    assert api_get.status_code == api_post.status_code == 404
    assert api_get.json() == api_post.json() == {"detail": "Not Found"}
    assert health.json() == {"status": "ok"}


def test_without_a_web_build_only_the_api_answers(api: Api) -> None:
    with api.client() as client:
        root = client.get("/")
        docs = client.get("/openapi.json")
    assert root.status_code == 404 and root.json() == {"detail": "Not Found"}
    assert docs.status_code == 200
    assert "/api/conversations/{conversation_id}/messages" in docs.json()["paths"]


def test_meta_says_whether_answers_are_offline(
    launch_api: Launch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with launch_api() as api, api.client() as client:
        offline = client.get("/api/meta").json()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with launch_api(llm_model="gpt-4o-mini") as api, api.client() as client:
        online = client.get("/api/meta").json()
    assert offline == {"offline": True, "model": None}
    assert online == {"offline": False, "model": "gpt-4o-mini"}


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        match = re.match(rf"^{re.escape(name)}\{{(.*)\}} (\S+)$", line)
        if match is None:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if found == labels:
            return float(match.group(2))
    return 0.0


def test_every_response_carries_a_request_id(api: Api) -> None:
    with api.client() as client:
        generated = client.get("/healthz").headers["x-request-id"]
        echoed = client.get("/healthz", headers={"X-Request-ID": "lb-trace-0001"})
        unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert echoed.headers["x-request-id"] == "lb-trace-0001"
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])
