"""Shared fixtures: databases (SQLite file, fresh MariaDB database) and SQS on moto's server.

- `sqlite_url`, `mariadb_url`: a SQLAlchemy URL of an empty database, removed after the test.
- `database_url`: parametrised over both, so a test using it runs on SQLite and on MariaDB.
- `db_engine`: an engine on `database_url` with the schema in place.
- `clean_mariadb_engine`: faster than a fresh database: one migrated MariaDB database shared by
  the session, its tables emptied before each test.
- `moto_server`: endpoint URL of moto's server (real HTTP), one per test session; fake AWS
  credentials are set while it runs.
- `make_sqs_queues` / `sqs_queues`: a fresh SQS FIFO job queue with its FIFO dead-letter queue.

MariaDB is expected at 127.0.0.1:3306 as root without password; `AIRA_TEST_MARIADB_URL`
(e.g. `mysql+pymysql://root@db:3306`) points the tests elsewhere.

Every session records the AWS calls the services' code makes and checks them against their IAM
manifests (tests/iam_recorder/README.md).
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aira_core.models  # noqa: F401  (puts every table on SQLModel.metadata)
import boto3
import pymysql
import pytest
from aira_core.db import create_db_engine
from aira_core.migrate import migrate
from moto.server import ThreadedMotoServer
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

pytest_plugins = ["tests.iam_recorder.plugin"]

MARIADB_SERVER_URL = os.environ.get("AIRA_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306")
AWS_TEST_REGION = "us-east-1"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": AWS_TEST_REGION,
    "AWS_DEFAULT_REGION": AWS_TEST_REGION,
}


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'aira.db'}"


@contextmanager
def fresh_mariadb_database() -> Iterator[str]:
    """Create a uniquely named utf8mb4 database, yield its URL, drop it. The charset is set
    explicitly on the database and the connection: a server started with --no-defaults would
    otherwise use latin1."""
    server = make_url(MARIADB_SERVER_URL)
    name = f"aira_t_{uuid.uuid4().hex[:12]}"
    admin = pymysql.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 3306,
        user=server.username or "root",
        password=server.password or "",
        charset="utf8mb4",
        autocommit=True,
    )
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        url = server.set(database=name, query={"charset": "utf8mb4"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A fresh, empty utf8mb4 database, dropped after the test."""
    with fresh_mariadb_database() as url:
        yield url


@pytest.fixture(scope="session")
def shared_mariadb_url() -> Iterator[str]:
    """One migrated MariaDB database for the whole session (schema DDL costs about a second per
    database); use it through `clean_mariadb_engine`."""
    with fresh_mariadb_database() as url:
        engine = create_db_engine(url)
        migrate(engine)
        engine.dispose()
        yield url


@pytest.fixture
def clean_mariadb_engine(shared_mariadb_url: str) -> Iterator[Engine]:
    """An engine on the shared migrated MariaDB database with every table emptied. For tests
    that need the schema but not a database of their own."""
    engine = create_db_engine(shared_mariadb_url)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "mariadb"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on MariaDB."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    """An engine on `database_url` with all migrations applied."""
    engine = create_db_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """Endpoint URL of moto's server on a free port (real HTTP, one per session)."""
    with pytest.MonkeyPatch.context() as env:
        for key, value in FAKE_AWS_ENV.items():
            env.setenv(key, value)
        env.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@dataclass(frozen=True)
class SqsQueues:
    """An SQS FIFO job queue and its FIFO dead-letter queue on moto's server."""

    endpoint_url: str
    queue_url: str
    dlq_url: str
    max_receives: int
    visibility_timeout: int
    region: str = AWS_TEST_REGION

    def env(self) -> dict[str, str]:
        """Environment that points the apps (in-process or subprocesses) at these queues."""
        return FAKE_AWS_ENV | {
            "AWS_ENDPOINT_URL_SQS": self.endpoint_url,
            "AIRA_QUEUE_URL": self.queue_url,
            "AIRA_DLQ_URL": self.dlq_url,
            "AIRA_MAX_RECEIVES": str(self.max_receives),
            "AIRA_JOB_LEASE_SECONDS": str(self.visibility_timeout),
        }


def create_sqs_queues(
    endpoint_url: str, *, max_receives: int = 5, visibility_timeout: int = 60
) -> SqsQueues:
    """Create a uniquely named FIFO queue whose redrive policy moves a message to a FIFO DLQ
    after `max_receives` receives (as the JobQueue component does in AWS)."""
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=AWS_TEST_REGION)
    name = f"aira-jobs-{uuid.uuid4().hex[:10]}"
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq.fifo", Attributes=fifo)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "{max_receives}"}}'
    attributes = fifo | {
        "VisibilityTimeout": str(visibility_timeout),
        "RedrivePolicy": redrive,
    }
    queue_url = sqs.create_queue(QueueName=f"{name}.fifo", Attributes=attributes)["QueueUrl"]
    return SqsQueues(endpoint_url, queue_url, dlq_url, max_receives, visibility_timeout)


@pytest.fixture
def make_sqs_queues(moto_server: str) -> Callable[..., SqsQueues]:
    """Factory: `make_sqs_queues(max_receives=3, visibility_timeout=2)`."""

    def make(*, max_receives: int = 5, visibility_timeout: int = 60) -> SqsQueues:
        return create_sqs_queues(
            moto_server, max_receives=max_receives, visibility_timeout=visibility_timeout
        )

    return make


@pytest.fixture
def sqs_queues(
    make_sqs_queues: Callable[..., SqsQueues], monkeypatch: pytest.MonkeyPatch
) -> SqsQueues:
    """Fresh queues with the default limits; the environment points at them for this test."""
    queues = make_sqs_queues()
    for key, value in queues.env().items():
        monkeypatch.setenv(key, value)
    return queues
