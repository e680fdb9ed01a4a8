"""The real processes: `aira-api` and `aira-worker` started as subprocesses (each in its own
process group, so a test can SIGKILL or SIGTERM them like a crashed or stopped container), the
OpenAI-speaking test server over HTTP, and the database and queue under test."""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from load.network import free_port, wait_http
from load.processes import Service
from tests.conftest import SqsQueues
from tests.support.openai_server import RunningServer, running_openai_server

LEASE_SECONDS = 5
MAX_RECEIVES = 3
BIN = Path(sys.executable).parent


@pytest.fixture
def llm() -> Iterator[RunningServer]:
    with running_openai_server(latency=0.5) as server:
        yield server


@pytest.fixture
def base_env(
    database_url: str, db_engine: Engine, llm: RunningServer, tmp_path: Path
) -> dict[str, str]:
    """What every process of one test shares (the database is migrated by `db_engine`)."""
    return {
        "AIRA_ENV": "test",
        "AIRA_DATA_DIR": str(tmp_path / "data"),
        "AIRA_DATABASE_URL": database_url,
        "AIRA_QUEUE_URL": "local",
        "AIRA_WEB_DIST": str(tmp_path / "no-web-build"),
        "AIRA_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "AIRA_MAX_RECEIVES": str(MAX_RECEIVES),
        "AIRA_LOG_LEVEL": "INFO",
        "OPENAI_API_KEY": "sk-integrity-test-key",
        "OPENAI_BASE_URL": llm.base_url,
        "AIRA_WORKER_CONCURRENCY": "4",
        "AIRA_WORKER_METRICS_PORT": "0",
        "AIRA_WORKER_RECEIVE_WAIT_SECONDS": "1",
        "AIRA_WORKER_SHUTDOWN_GRACE_SECONDS": "10",
        "AIRA_WORKER_SWEEP_INTERVAL_SECONDS": "1",
        "AIRA_WORKER_SWEEP_AFTER_SECONDS": "3",
        "AIRA_WORKER_LLM_READ_TIMEOUT_SECONDS": "3",
        "AIRA_WORKER_FLUSH_INTERVAL_SECONDS": "0.1",
        "AIRA_WORKER_BACKOFF_BASE_SECONDS": "0.5",
        "AIRA_WORKER_BACKOFF_MAX_SECONDS": "2",
    }


class Processes:
    """Starts the platform's processes for one test and stops whatever is left at the end."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.started: list[Service] = []

    def api(self, **overrides: str) -> tuple[Service, str]:
        port = free_port()
        env = self.env | {"AIRA_PORT": str(port)} | overrides
        base_url = f"http://127.0.0.1:{port}"
        service = Service(
            f"api-{len(self.started)}",
            [str(BIN / "aira-api")],
            env,
            self.log_dir,
            ready=lambda s: wait_http(f"{base_url}/healthz", 60, s.alive),
        )
        self.started.append(service.start())
        return service, base_url

    def worker(self, **overrides: str) -> Service:
        service = Service(
            f"worker-{len(self.started)}",
            [str(BIN / "aira-worker")],
            self.env | overrides,
            self.log_dir,
        )
        self.started.append(service.start())
        return service

    def stop_all(self) -> None:
        for service in self.started:
            service.stop(timeout=15)

    def logs(self) -> str:
        return "\n".join(f"== {s.name} ==\n{s.log_tail(40)}" for s in self.started)


@pytest.fixture
def processes(base_env: dict[str, str], tmp_path: Path) -> Iterator[Processes]:
    running = Processes(base_env, tmp_path / "logs")
    try:
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def use_sqs(
    base_env: dict[str, str],
    make_sqs_queues: Callable[..., SqsQueues],
    monkeypatch: pytest.MonkeyPatch,
) -> SqsQueues:
    """Run the processes on SQS FIFO queues on moto's server instead of the local queue (this
    process gets the same environment, to look at the queues)."""
    queues = make_sqs_queues(max_receives=MAX_RECEIVES, visibility_timeout=LEASE_SECONDS)
    base_env.update(queues.env())
    for name, value in queues.env().items():
        monkeypatch.setenv(name, value)
    return queues
