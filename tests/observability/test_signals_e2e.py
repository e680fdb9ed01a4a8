"""Real traffic through the real processes: the metrics move, one trace joins the API request to
the worker's job, and the logs are JSON lines with ids and without secrets."""

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from observability.catalog import METRICS
from tests.observability.conftest import OtlpCollector
from tests.observability.observed_platform import OPENAI_KEY, ObservedPlatform, observed_platform

pytestmark = pytest.mark.timeout(180)

PASSWORD = "observability-Passw0rd-never-logged"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def collector() -> Iterator[OtlpCollector]:
    running = OtlpCollector()
    yield running
    running.server.shutdown()


@pytest.fixture(scope="module")
def platform(
    tmp_path_factory: pytest.TempPathFactory, collector: OtlpCollector
) -> Iterator[ObservedPlatform]:
    with observed_platform(tmp_path_factory.mktemp("observed"), collector.endpoint) as running:
        yield running


@pytest.fixture(scope="module")
def token(platform: ObservedPlatform) -> str:
    email = f"observer-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=platform.api_url, timeout=10) as client:
        created = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
        assert created.status_code == 201, created.text
        issued = client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
        assert issued.status_code == 200, issued.text
        return str(issued.json()["access_token"])


def _client(platform: ObservedPlatform, token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=platform.api_url, headers=headers, timeout=10)


def _answered_message(platform: ObservedPlatform, token: str, text: str = "Hello") -> dict:
    """Send a chat message and wait until the worker has settled its answer."""
    with _client(platform, token) as client:
        conversation = client.post("/api/conversations", json={"title": "observed"}).json()
        sent = client.post(
            f"/api/conversations/{conversation['id']}/messages", json={"content": text}
        )
        assert sent.status_code == 202, sent.text
        answer_id = sent.json()["assistant_message"]["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answer = client.get(f"/api/messages/{answer_id}").json()
            if answer["status"] in ("done", "failed", "cancelled"):
                return answer
            time.sleep(0.2)
    raise AssertionError(f"answer {answer_id} not settled:\n{platform.log_tail()}")


def _scrape(url: str) -> tuple[Samples, dict[str, str]]:
    """Every sample by (name, labels), and each family's type."""
    text = httpx.get(url, timeout=5).text
    samples: Samples = {}
    types: dict[str, str] = {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples, types


def _total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def test_contract_metrics_are_exported_and_move_with_traffic(
    platform: ObservedPlatform, token: str
) -> None:
    api_url, worker_url = f"{platform.api_url}/metrics", platform.worker_metrics_url
    api_before, _ = _scrape(api_url)
    worker_before, _ = _scrape(worker_url)

    assert _answered_message(platform, token)["status"] == "done"
    platform.llm.inject("server_error", 1)  # one retryable LLM failure, then success
    assert _answered_message(platform, token, "Once more")["status"] == "done"
    time.sleep(1.5)  # one queue statistics refresh

    api_after, api_types = _scrape(api_url)
    worker_after, worker_types = _scrape(worker_url)
    route = "/api/conversations/{conversation_id}/messages"
    assert (
        _total(api_after, "aira_http_requests_total", route=route, status="202")
        - _total(api_before, "aira_http_requests_total", route=route, status="202")
        == 2
    )
    assert _total(api_after, "aira_http_request_duration_seconds_count", route=route) > _total(
        api_before, "aira_http_request_duration_seconds_count", route=route
    )
    moved = {
        ("aira_jobs_total", "done"): 2,
        ("aira_jobs_total", "released"): 1,
        ("aira_llm_errors_total", None): 1,
        ("aira_job_duration_seconds_count", None): 2,
        ("aira_llm_time_to_first_token_seconds_count", None): 2,
    }
    for (name, outcome), increase in moved.items():
        labels = {"kind": "chat", **({"outcome": outcome} if outcome else {})}
        change = _total(worker_after, name, **labels) - _total(worker_before, name, **labels)
        assert change == increase, (name, outcome, change)
    lag = "aira_queue_lag_seconds_count"
    assert _total(worker_after, lag, kind="chat") - _total(worker_before, lag, kind="chat") >= 2
    heartbeat = _total(worker_after, "aira_worker_heartbeat_timestamp_seconds")
    assert time.time() - heartbeat < 30
    states = {dict(ls)["state"] for n, ls in worker_after if n == "aira_queue_messages"}
    assert states == {"visible", "in_flight", "dead_letter"}

    exported = {("api", n): t for n, t in api_types.items()} | {
        ("worker", n): t for n, t in worker_types.items()
    }
    for metric in METRICS:
        family = metric.name.removesuffix("_total")
        assert exported.get((metric.source, family)) == metric.type, metric.name
        samples = api_after if metric.source == "api" else worker_after
        label_sets = {
            frozenset(k for k, _ in ls) - {"le"} for n, ls in samples if n in metric.series_names
        }
        # Contract metrics have series after this traffic; extras at least the right labels.
        if metric.contract:
            assert label_sets == {frozenset(metric.labels)}, (metric.name, label_sets)
        else:
            assert label_sets <= {frozenset(metric.labels)}, (metric.name, label_sets)


def test_one_trace_joins_the_api_request_and_the_worker_job(
    platform: ObservedPlatform, token: str, collector: OtlpCollector
) -> None:
    answer = _answered_message(platform, token, "Trace me")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        jobs = [
            span
            for span in collector.spans
            if span.service == "aira-worker"
            and span.attributes.get("aira.job.id") == str(answer["id"])
        ]
        if jobs:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"no worker span for job {answer['id']}: {collector.spans}")
    (job,) = jobs
    in_trace = [span for span in collector.spans if span.trace_id == job.trace_id]
    api_spans = [span for span in in_trace if span.service == "aira-api"]
    assert api_spans, f"the worker span's trace has no API span: {in_trace}"
    assert job.parent_span_id in {span.span_id for span in api_spans}


def test_logs_are_json_with_ids_and_without_secrets(platform: ObservedPlatform, token: str) -> None:
    # Requests carrying secrets where they leak most easily: the query string (access log), a
    # failed login's form body, and the Authorization header.
    with _client(platform, token) as client:
        client.get(f"/api/users/me?access_token={token}&password={PASSWORD}")
        client.post(
            "/api/auth/token", data={"username": "nobody@example.com", "password": PASSWORD}
        )
        request_id = f"req-{uuid.uuid4().hex[:12]}"
        client.get("/api/users/me", headers={"X-Request-ID": request_id})
    answer = _answered_message(platform, token, f"my password is {PASSWORD}")
    time.sleep(0.5)

    api_lines = _json_lines(platform.api_log)
    worker_lines = _json_lines(platform.worker_log)
    everything = platform.api_log.read_text() + platform.worker_log.read_text()
    for secret in (PASSWORD, token, OPENAI_KEY):
        assert secret not in everything
    assert any(line.get("request_id") == request_id for line in api_lines)
    job_lines = [line for line in worker_lines if line.get("job_id") == f"chat-{answer['id']}"]
    assert job_lines and all(line["service"] == "worker" for line in job_lines)
    assert all("trace_id" in line for line in job_lines)


def _json_lines(log: Path) -> list[dict]:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"{log.name}: not a JSON line: {line!r}") from None
    return parsed
