"""The console scripts as operators run them: `aira-api` and `aira-dev` in real processes."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This environment without Aira or metrics settings, plus a private data dir and `settings`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRA_", "OPENAI_", "PROMETHEUS_"))
    }
    return clean | {
        "AIRA_ENV": "test",
        "AIRA_DATA_DIR": str(tmp_path / "data"),
        "AIRA_WEB_DIST": str(tmp_path / "no-web-build"),
        **settings,
    }


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the process exited early"
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base_url} did not become healthy")


@contextmanager
def _running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_bad_settings_stop_the_start_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "aira-api")],
        env=_env(tmp_path, AIRA_PORT="70000"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "AIRA_PORT" in lines[0]


def test_api_workers_share_their_metrics(tmp_path: Path) -> None:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _env(tmp_path, AIRA_PORT=str(port), AIRA_API_WORKERS="2")
    with _running([str(BIN / "aira-api")], env, tmp_path / "api.log") as process:
        _wait_healthy(base_url, process)
        requests = 40
        for _ in range(requests):  # a new connection each time, so both processes answer
            assert httpx.get(f"{base_url}/healthz").status_code == 200
        scrapes = [httpx.get(f"{base_url}/metrics").text for _ in range(4)]
    metrics_dir = tmp_path / "data" / "prometheus"
    writers = {re.sub(r"^\w+_(\d+)\.db$", r"\1", p.name) for p in metrics_dir.glob("*.db")}
    assert len(writers) >= 2, "both worker processes write samples"
    for text in scrapes:  # whichever process answers, it reports all of them
        total = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("aira_http_requests_total{") and 'route="/healthz"' in line
        )
        assert total >= requests


def test_dev_runs_the_platform_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "dev.log"
    env = _env(
        tmp_path,
        AIRA_PORT=str(port),
        AIRA_WORKER_METRICS_PORT="0",  # other processes on this machine may hold the default
        AIRA_WORKER_RECEIVE_WAIT_SECONDS="1",  # an idle worker notices SIGTERM within a second
    )
    with _running([str(BIN / "aira-dev")], env, log) as process:
        _wait_healthy(base_url, process)
        answer = _ask(base_url)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=40)
    output = log.read_text()
    assert f"Aira is running on {base_url}" in output
    assert answer["status"] == "done"
    assert "offline" in answer["content"].lower() or "오프라인" in answer["content"]
    assert code == 0
    assert not re.search(r"aira-(api|worker) exited with", output)


def _ask(base_url: str) -> dict[str, str]:
    """Sign up, ask a question and wait for the worker's answer."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        account = {"email": "dev@example.com", "password": "password-1"}
        assert client.post("/api/auth/register", json=account).status_code == 201
        form = {"username": account["email"], "password": account["password"]}
        token = client.post("/api/auth/token", data=form).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        conversation = client.post("/api/conversations", json={}).json()
        sent = client.post(
            f"/api/conversations/{conversation['id']}/messages", json={"content": "Hello?"}
        ).json()
        path = f"/api/messages/{sent['assistant_message']['id']}"
        deadline = time.monotonic() + 30
        while (message := client.get(path).json())["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, "no answer from the worker"
            time.sleep(0.2)
        return dict(message)
