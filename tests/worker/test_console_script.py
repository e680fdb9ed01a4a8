"""`aira-worker` as deployed: one clear line and exit 2 on bad settings; otherwise it serves
/metrics, answers (offline here) and exits 0 on SIGTERM."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from aira_core.models import JobKind, JobStatus
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from load.network import free_port
from tests.support.jobs import ask, create_conversation, create_user, wait_final, wait_until

WORKER = str(Path(sys.executable).parent / "aira-worker")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("AIRA_JOB_LEASE_SECONDS", "1"), ("AIRA_WORKER_METRICS_PORT", "not-a-port")],
)
def test_bad_settings_stop_the_worker_with_one_line_naming_the_variable(
    variable: str, value: str, tmp_path: Path
) -> None:
    env = os.environ | {"AIRA_DATA_DIR": str(tmp_path), variable: value}
    result = subprocess.run([WORKER], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert variable in result.stderr


@pytest.mark.parametrize("stack", ["sqlite-local"], indirect=True)
def test_the_worker_serves_metrics_answers_and_stops_on_sigterm(
    db_engine: Engine, queue: JobQueue, worker_env: dict[str, str]
) -> None:
    port = free_port()
    env = os.environ | worker_env | {"AIRA_WORKER_METRICS_PORT": str(port)}
    process = subprocess.Popen(
        [WORKER], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        answer = ask(db_engine, queue, create_conversation(db_engine, create_user(db_engine)), "hi")
        assert wait_final(db_engine, JobKind.chat, answer.id or 0, 60).status == JobStatus.done
        metrics = wait_until(lambda: _metrics(port), 30, "the metrics endpoint")
        assert 'aira_jobs_total{kind="chat",outcome="done"} 1.0' in metrics
        assert "aira_worker_heartbeat_timestamp_seconds" in metrics
        assert 'aira_queue_lag_seconds_count{kind="chat"} 1.0' in metrics
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        _, errors = process.communicate(timeout=10)
    assert '"service": "worker"' in errors  # structured JSON logs


def _metrics(port: int) -> str | None:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
    except httpx.HTTPError:
        return None
    return response.text if response.is_success else None
