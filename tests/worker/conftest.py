"""Worker fixtures: the worker (in a thread, with its production wiring) against the OpenAI-speaking
test server over HTTP, on SQLite and MariaDB (`db_engine`), with the local queue and SQS on moto's
server (`queue_env`), with short leases and timeouts so faults resolve in seconds."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from aira_core.queue import open_queue
from aira_core.queue.port import JobQueue
from aira_core.settings import Settings
from aira_worker.config import WorkerSettings
from aira_worker.responder import create_responder
from aira_worker.worker import Worker
from sqlalchemy import Engine

from tests.support.openai_server import RunningServer, running_openai_server

LEASE_SECONDS = 5
MAX_RECEIVES = 3
LLM_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


@pytest.fixture
def llm() -> Iterator[RunningServer]:
    with running_openai_server(latency=0.3) as server:
        yield server


# Database and queue a test runs on. By default each database and each queue once; tests whose
# behaviour differs most between them take every pair (`@all_stacks`).
DIAGONAL = ["sqlite-local", "mariadb-sqs"]
EVERY_PAIR = ["sqlite-local", "sqlite-sqs", "mariadb-local", "mariadb-sqs"]
all_stacks = pytest.mark.parametrize("stack", EVERY_PAIR, indirect=True)


@pytest.fixture(params=DIAGONAL)
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(stack: str, request: pytest.FixtureRequest) -> str:
    """SQLite or a fresh MariaDB database, as `stack` says."""
    database = stack.split("-")[0]
    return str(request.getfixturevalue(f"{database}_url"))


@pytest.fixture
def queue_env(stack: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """The local queue, or SQS FIFO queues on moto's server (over HTTP), as `stack` says."""
    if stack.endswith("-local"):
        return {"AIRA_QUEUE_URL": "local"}
    make_sqs_queues = request.getfixturevalue("make_sqs_queues")
    queues = make_sqs_queues(max_receives=MAX_RECEIVES, visibility_timeout=LEASE_SECONDS)
    return dict(queues.env())


@pytest.fixture
def worker_env(
    database_url: str,
    db_engine: Engine,
    queue_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """The environment of a worker under test (also set on this process)."""
    env = {
        "AIRA_ENV": "test",
        "AIRA_DATA_DIR": str(tmp_path / "data"),
        "AIRA_DATABASE_URL": database_url,
        "AIRA_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "AIRA_MAX_RECEIVES": str(MAX_RECEIVES),
        "AIRA_WORKER_CONCURRENCY": "4",
        "AIRA_WORKER_METRICS_PORT": "0",
        "AIRA_WORKER_RECEIVE_WAIT_SECONDS": "1",
        "AIRA_WORKER_SHUTDOWN_GRACE_SECONDS": "3",
        "AIRA_WORKER_SWEEP_INTERVAL_SECONDS": "1",
        "AIRA_WORKER_SWEEP_AFTER_SECONDS": "3",
        "AIRA_WORKER_STATS_INTERVAL_SECONDS": "1",
        "AIRA_WORKER_LLM_READ_TIMEOUT_SECONDS": "1.5",
        "AIRA_WORKER_FLUSH_INTERVAL_SECONDS": "0.1",
        "AIRA_WORKER_BACKOFF_BASE_SECONDS": "0.5",
        "AIRA_WORKER_BACKOFF_MAX_SECONDS": "2",
    } | queue_env
    for name in LLM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def queue(worker_env: dict[str, str], db_engine: Engine) -> JobQueue:
    """The queue the jobs are sent to (the one the worker consumes)."""
    return open_queue(Settings(), db_engine)


@contextmanager
def _running(engine: Engine) -> Iterator[Worker]:
    settings, worker_settings = Settings(), WorkerSettings()
    responder = create_responder(settings, worker_settings)
    worker = Worker(settings, worker_settings, engine, open_queue(settings, engine), responder)
    failures: list[BaseException] = []

    async def main() -> None:
        try:
            await worker.run()
        finally:
            await responder.aclose()

    def target() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=target, name="worker", daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.started.wait(timeout=10)
        if not worker.stopping:
            worker.stop_threadsafe()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the worker did not stop"
    assert not failures, failures


RunWorker = Callable[[], AbstractContextManager[Worker]]


@pytest.fixture
def run_worker(worker_env: dict[str, str], db_engine: Engine) -> RunWorker:
    """`with run_worker() as worker:` runs the worker until the block ends (with the LLM the
    environment points at: set OPENAI_BASE_URL first, or get the offline responder)."""
    return lambda: _running(db_engine)


@pytest.fixture
def use_llm(
    llm: RunningServer, worker_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> RunningServer:
    """Point the worker at the OpenAI-speaking test server."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-for-the-fake-server")
    monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
    return llm
