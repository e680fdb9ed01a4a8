"""The local launcher starts Prometheus and AlertManager with the rules, scraping real targets."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter, start_http_server

from observability.monitoring import parse_options, prometheus_config
from observability.webhook import start_receiver


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _eventually(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except (OSError, KeyError, IndexError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.3)


@pytest.fixture
def api_target() -> Iterator[tuple[str, Counter]]:
    """A real /metrics endpoint exporting the API's request counter."""
    registry = CollectorRegistry()
    requests = Counter(
        "aira_http_requests", "requests", ["route", "method", "status"], registry=registry
    )
    server, _ = start_http_server(0, addr="127.0.0.1", registry=registry)
    yield f"127.0.0.1:{server.server_port}", requests
    server.shutdown()


@pytest.fixture
def launcher(tmp_path: Path, api_target: tuple[str, Counter]) -> Iterator[dict[str, int]]:
    ports = {"prometheus": _free_port(), "alertmanager": _free_port(), "webhook": _free_port()}
    command = [
        sys.executable, "-m", "observability.monitoring",
        f"--api-target={api_target[0]}",
        f"--worker-target=127.0.0.1:{_free_port()}",
        f"--prometheus-port={ports['prometheus']}",
        f"--alertmanager-port={ports['alertmanager']}",
        f"--webhook-port={ports['webhook']}",
        "--scrape-interval=1s",
        f"--data-dir={tmp_path / 'monitoring'}",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ
    )
    banner = [process.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
    assert banner[0].startswith("Prometheus:"), "".join(banner) + process.stdout.read()  # type: ignore[union-attr]
    alerts_url = banner[0].split("alerts: ")[1].rstrip(")\n")
    with urllib.request.urlopen(alerts_url, timeout=5) as page:
        assert b"AiraWorkerHeartbeatMissing" in page.read()
    yield ports
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)


def test_prometheus_loads_the_rules_and_scrapes_the_api(
    launcher: dict[str, int], api_target: tuple[str, Counter]
) -> None:
    _, requests = api_target
    requests.labels("/api/conversations", "GET", "200").inc(3)
    prometheus = f"http://127.0.0.1:{launcher['prometheus']}"

    rules = _get_json(f"{prometheus}/api/v1/rules?type=alert")["data"]["groups"]
    assert sum(len(group["rules"]) for group in rules) == 7

    query = f"{prometheus}/api/v1/query?query=aira_http_requests_total"
    series = _eventually(lambda: _get_json(query)["data"]["result"])
    assert series[0]["metric"]["job"] == "aira-api"
    assert series[0]["value"][1] == "3"

    # Nothing listens on the worker port: the heartbeat alert notices within a scrape or two.
    alerts_url = f"{prometheus}/api/v1/alerts"
    _eventually(
        lambda: any(
            alert["labels"]["alertname"] == "AiraWorkerHeartbeatMissing"
            for alert in _get_json(alerts_url)["data"]["alerts"]
        )
    )


def test_alertmanager_runs_with_the_local_webhook(launcher: dict[str, int]) -> None:
    status = _get_json(f"http://127.0.0.1:{launcher['alertmanager']}/api/v2/status")
    assert f"127.0.0.1:{launcher['webhook']}/alerts/critical" in status["config"]["original"]


def test_listens_only_on_loopback(tmp_path: Path) -> None:
    config = prometheus_config(parse_options([f"--data-dir={tmp_path}"]))
    assert config["scrape_configs"][0]["static_configs"][0]["targets"] == ["127.0.0.1:8000"]
    assert config["scrape_configs"][1]["static_configs"][0]["targets"] == ["127.0.0.1:9101"]


def test_webhook_prints_one_line_per_alert() -> None:
    out = io.StringIO()
    server = start_receiver("127.0.0.1", 0, out)
    notification = {
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "AiraDeadLetterQueueNotEmpty"},
                "annotations": {"summary": "2 job(s) in the dead-letter queue"},
            }
        ]
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.server_port}/alerts/warning",
        data=json.dumps(notification).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204
    server.shutdown()
    assert out.getvalue() == (
        "[alert] firing warning AiraDeadLetterQueueNotEmpty: 2 job(s) in the dead-letter queue\n"
    )
