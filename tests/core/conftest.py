"""Queue backends for the contract suite: the local queue on SQLite and on MariaDB, and SQS on
moto's server over HTTP. Each test gets fresh, empty queues."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aira_core.db import create_db_engine
from aira_core.migrate import migrate
from aira_core.queue import JobQueue, LocalQueue, SqsQueue
from sqlalchemy import Engine

QUEUE_BACKENDS = ["local-sqlite", "local-mariadb", "sqs"]


@dataclass(frozen=True)
class QueueBackend:
    """Makes queues of one kind; `unreachable()` is one whose backing service is down."""

    name: str
    make: Callable[..., JobQueue]
    unreachable: Callable[[], JobQueue]


def local_backend(name: str, engine: Engine, unreachable_url: str) -> QueueBackend:
    def make(*, visibility_timeout: int = 30, max_receives: int = 3) -> JobQueue:
        return LocalQueue(
            engine,
            visibility_timeout=visibility_timeout,
            max_receives=max_receives,
            poll_interval=0.05,
        )

    def unreachable() -> JobQueue:
        return LocalQueue(create_db_engine(unreachable_url), visibility_timeout=30, max_receives=3)

    return QueueBackend(name, make, unreachable)


def sqs_backend(make_sqs_queues: Callable[..., Any]) -> QueueBackend:
    def make(*, visibility_timeout: int = 30, max_receives: int = 3) -> JobQueue:
        queues = make_sqs_queues(visibility_timeout=visibility_timeout, max_receives=max_receives)
        return SqsQueue(
            queues.queue_url,
            dlq_url=queues.dlq_url,
            region=queues.region,
            visibility_timeout=visibility_timeout,
        )

    def unreachable() -> JobQueue:
        # Nothing listens on port 9 (discard) on the test machine: connection refused.
        with pytest.MonkeyPatch.context() as env:
            env.setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9")
            return SqsQueue(
                "http://127.0.0.1:9/123456789012/absent.fifo",
                dlq_url=None,
                region="us-east-1",
                visibility_timeout=30,
            )

    return QueueBackend("sqs", make, unreachable)


@pytest.fixture(params=["sqlite", "mariadb"])
def engine(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Engine]:
    """A migrated, empty database on SQLite (fresh file) or MariaDB (the session's shared
    database, emptied)."""
    if request.param == "mariadb":
        yield request.getfixturevalue("clean_mariadb_engine")
        return
    sqlite_engine = create_db_engine(sqlite_url)
    migrate(sqlite_engine)
    yield sqlite_engine
    sqlite_engine.dispose()


@pytest.fixture(params=QUEUE_BACKENDS)
def queue_backend(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> QueueBackend:
    if request.param == "sqs":
        monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", request.getfixturevalue("moto_server"))
        return sqs_backend(request.getfixturevalue("make_sqs_queues"))
    missing_file = tmp_path_factory.mktemp("gone") / "missing" / "aira.db"
    if request.param == "local-sqlite":
        engine = create_db_engine(request.getfixturevalue("sqlite_url"))
        request.addfinalizer(engine.dispose)
        migrate(engine)
        return local_backend(request.param, engine, f"sqlite:///{missing_file}")
    engine = request.getfixturevalue("clean_mariadb_engine")
    return local_backend(request.param, engine, "mysql+pymysql://root@127.0.0.1:9/aira")


@pytest.fixture
def queue(queue_backend: QueueBackend) -> JobQueue:
    """A queue with a 30 s visibility timeout and three receives before dead-lettering."""
    return queue_backend.make()
