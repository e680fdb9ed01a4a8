"""The API on SQS (moto's server over HTTP): jobs are sent with their FIFO group and
deduplication id, readiness asks the queue, and a queue that is down costs the user nothing."""

import json
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from aira_core.models import Message
from aira_core.queue import open_queue
from aira_core.settings import Settings
from sqlalchemy import Engine
from sqlmodel import Session

from tests.api.support import Launch

if TYPE_CHECKING:
    from tests.conftest import SqsQueues


def _sqs_messages(queues: "SqsQueues") -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", endpoint_url=queues.endpoint_url)
    response = sqs.receive_message(
        QueueUrl=queues.queue_url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId"],
    )
    messages: list[dict[str, Any]] = response.get("Messages", [])
    return messages


def _ask(client: Any) -> dict[str, Any]:
    conversation = client.post("/api/conversations", json={}).json()
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": "hi"}
    )
    assert response.status_code == 202
    return dict(response.json()["assistant_message"], conversation_id=conversation["id"])


def test_answers_are_sent_to_sqs_fifo(
    launch_api: Launch,
    sqs_queues: "SqsQueues",
    db_engine: Engine,
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(queue_url=sqs_queues.queue_url, dlq_url=sqs_queues.dlq_url)
    with launch_api(queue=open_queue(settings, db_engine)) as api, api.user() as client:
        ready = client.get("/readyz")
        answer = _ask(client)
    [message] = _sqs_messages(sqs_queues)
    assert ready.status_code == 200
    assert json.loads(message["Body"]) == {"kind": "chat", "id": answer["id"], "attempt": 1}
    attributes = message["Attributes"]
    assert attributes["MessageGroupId"] == f"conversation-{answer['conversation_id']}"
    assert attributes["MessageDeduplicationId"] == f"chat-{answer['id']}-1"


def test_an_unreachable_queue_is_not_the_users_error(
    launch_api: Launch,
    db_engine: Engine,
    make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", f"http://127.0.0.1:{closed_port}")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    queue_url = f"http://127.0.0.1:{closed_port}/123456789012/aira-jobs.fifo"
    queue = open_queue(make_settings(queue_url=queue_url), db_engine)
    with launch_api(queue=queue) as api, api.user() as client:
        ready = client.get("/readyz")
        answer = _ask(client)
    with Session(db_engine) as session:
        row = session.get(Message, answer["id"])
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "queue": "unavailable"}
    assert answer["status"] == "queued"
    assert row is not None and row.status == "queued" and row.enqueued_at is None  # for the sweeper
