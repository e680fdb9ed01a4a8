"""open_queue picks the adapter from the settings; aira-migrate migrates the configured database."""

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aira_core.db import create_db_engine
from aira_core.migrate import current_revision
from aira_core.queue import LocalQueue, SqsQueue, open_queue
from aira_core.settings import Settings
from sqlalchemy import Engine

if TYPE_CHECKING:
    from tests.conftest import SqsQueues


def test_local_selects_the_queue_table(db_engine: Engine) -> None:
    queue = open_queue(Settings(queue_url="local", job_lease_seconds=45, max_receives=4), db_engine)
    assert isinstance(queue, LocalQueue)
    assert (queue.visibility_timeout, queue.max_receives) == (45, 4)
    queue.ping()


def test_an_sqs_url_selects_sqs_at_the_configured_endpoint(
    sqs_queues: "SqsQueues", sqlite_url: str
) -> None:
    settings = Settings()  # AIRA_QUEUE_URL, AIRA_DLQ_URL and AWS_ENDPOINT_URL_SQS from the env
    assert settings.queue_url == sqs_queues.queue_url
    engine = create_db_engine(sqlite_url)
    queue = open_queue(settings, engine)
    engine.dispose()
    assert isinstance(queue, SqsQueue)
    queue.send('{"kind": "chat", "id": 1, "attempt": 1}', group_id="conversation-1", dedup_id="a")
    [message] = queue.receive(wait_seconds=1)
    assert (message.group_id, message.receive_count) == ("conversation-1", 1)
    assert queue.stats().in_flight == 1


def test_the_generic_aws_endpoint_variable_is_honoured_too(
    sqs_queues: "SqsQueues", monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_SQS")
    monkeypatch.setenv("AWS_ENDPOINT_URL", sqs_queues.endpoint_url)
    queue = SqsQueue(
        sqs_queues.queue_url, dlq_url=None, region=sqs_queues.region, visibility_timeout=30
    )
    queue.ping()


def test_aira_migrate_brings_the_configured_database_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'aira.db'}"
    script = Path(sys.executable).parent / "aira-migrate"
    result = subprocess.run(
        [str(script)],
        env=os.environ | {"AIRA_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    engine = create_db_engine(url)
    try:
        assert current_revision(engine) is not None
    finally:
        engine.dispose()
