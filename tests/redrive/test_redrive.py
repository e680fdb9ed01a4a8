"""`python -m scripts.redrive` on the local queue (SQLite and MariaDB): a dead-lettered job whose
receives ran out gets a new attempt and the user an answer; a waiting job's message goes back as
it is; dry runs change nothing. (SQS is covered by the chaos run in tests/load.)"""

import json

import pytest
from aira_core import jobs
from aira_core.models import Conversation, JobStatus, Message, User
from aira_core.queue import LocalQueue
from sqlalchemy import Engine
from sqlmodel import Session

from scripts import redrive

MAX_RECEIVES = 2


@pytest.fixture
def queue(db_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> LocalQueue:
    monkeypatch.setenv("AIRA_DATABASE_URL", database_url)
    monkeypatch.setenv("AIRA_QUEUE_URL", "local")
    monkeypatch.setenv("AIRA_MAX_RECEIVES", str(MAX_RECEIVES))
    monkeypatch.setenv("AIRA_JOB_LEASE_SECONDS", "30")
    return LocalQueue(db_engine, visibility_timeout=30, max_receives=MAX_RECEIVES)


@pytest.fixture
def answer(db_engine: Engine) -> Message:
    with Session(db_engine, expire_on_commit=False) as session:
        user = User(email="reader@example.com", password_hash="x")
        session.add(user)
        session.flush()
        conversation = Conversation(user_id=user.id)
        session.add(conversation)
        session.flush()
        session.add(Message(conversation_id=conversation.id, role="user", content="hi"))
        reply = Message(conversation_id=conversation.id, role="assistant")
        session.add(reply)
        session.commit()
    return reply


def dead_letter(engine: Engine, queue: LocalQueue, answer: Message, *, fail: bool) -> None:
    """Deliver the job's message until its receives run out, as a worker failing each time
    would; on the last receive the worker marks the job failed (when `fail`)."""
    assert jobs.publish(engine, queue, answer)
    for _ in range(MAX_RECEIVES):
        [message] = queue.receive(wait_seconds=0)
        queue.change_visibility(message.receipt, 0)
    if fail:
        jobs.fail_unclaimed(engine, jobs.ref_of(answer), redrive.RETRIES_EXHAUSTED, "LLM down")
    assert queue.receive(wait_seconds=0) == []  # the next delivery dead-letters it
    assert len(queue.dead_letters()) == 1


def status_of(engine: Engine, answer: Message) -> tuple[JobStatus, int]:
    with Session(engine) as session:
        row = session.get(Message, answer.id)
        assert row is not None
        return row.status, row.attempt


def test_dry_run_lists_and_changes_nothing(
    db_engine: Engine, queue: LocalQueue, answer: Message, capsys: pytest.CaptureFixture[str]
) -> None:
    dead_letter(db_engine, queue, answer, fail=True)
    assert redrive.main(["--dry-run"]) == 0
    output = capsys.readouterr().out
    assert f"chat-{answer.id}" in output and "retries_exhausted" in output and "retry" in output
    assert len(queue.dead_letters()) == 1
    assert status_of(db_engine, answer) == (JobStatus.failed, 1)


def test_failed_job_gets_a_new_attempt(
    db_engine: Engine, queue: LocalQueue, answer: Message
) -> None:
    dead_letter(db_engine, queue, answer, fail=True)
    assert redrive.main(["--rate", "1000"]) == 0
    assert queue.dead_letters() == []
    assert status_of(db_engine, answer) == (JobStatus.queued, 2)
    # The new attempt comes first in its group; the old message follows and is stale.
    [first] = queue.receive(wait_seconds=0)
    assert json.loads(first.body)["attempt"] == 2
    claim = jobs.claim(db_engine, jobs.JobRef.parse(first.body), 30)
    assert claim is not None


def test_waiting_job_message_goes_back_as_it_is(
    db_engine: Engine, queue: LocalQueue, answer: Message, capsys: pytest.CaptureFixture[str]
) -> None:
    dead_letter(db_engine, queue, answer, fail=False)
    assert redrive.main([]) == 0
    assert " move" in capsys.readouterr().out
    assert queue.dead_letters() == []
    assert status_of(db_engine, answer) == (JobStatus.queued, 1)
    [message] = queue.receive(wait_seconds=0)
    assert json.loads(message.body)["attempt"] == 1


def test_empty_dead_letter_queue(queue: LocalQueue, capsys: pytest.CaptureFixture[str]) -> None:
    assert redrive.main([]) == 0
    assert "empty" in capsys.readouterr().out
