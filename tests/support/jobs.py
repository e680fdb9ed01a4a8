"""Creating users, conversations, chat turns and stories straight in the database (as the API
does: the rows in one transaction, then the send after commit), and waiting for jobs to settle."""

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from aira_core import jobs
from aira_core.db import session_scope
from aira_core.models import (
    FINAL_STATUSES,
    JOB_TABLES,
    Conversation,
    JobKind,
    JobStatus,
    Message,
    Story,
    User,
)
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine
from sqlmodel import col, select

T = TypeVar("T")


def create_user(engine: Engine, *, locale: str = "en", **profile: object) -> int:
    user = User(
        email=f"user-{uuid.uuid4().hex[:10]}@example.com",
        password_hash="not-a-real-hash",
        locale=locale,
        **profile,
    )
    with session_scope(engine) as session:
        session.add(user)
        session.flush()
        assert user.id is not None
        return user.id


def create_conversation(engine: Engine, user_id: int) -> int:
    conversation = Conversation(user_id=user_id, title="test")
    with session_scope(engine) as session:
        session.add(conversation)
        session.flush()
        assert conversation.id is not None
        return conversation.id


def ask(engine: Engine, queue: JobQueue | None, conversation_id: int, text: str) -> Message:
    """Store a user message and its queued answer, then send the job (unless `queue` is None,
    as when the send failed after the commit)."""
    with session_scope(engine) as session:
        session.add(
            Message(conversation_id=conversation_id, role="user", content=text, status="done")
        )
        answer = Message(conversation_id=conversation_id, role="assistant")
        session.add(answer)
    if queue is not None:
        jobs.publish(engine, queue, answer)
    return answer


def request_story(engine: Engine, queue: JobQueue | None, user_id: int, **fields: object) -> Story:
    values: dict[str, object] = {
        "child_name": "Mina",
        "age": 5,
        "theme": "a dragon who is afraid of the dark",
        "moral": "courage",
        "length": "short",
        "language": "en",
    }
    story = Story(user_id=user_id, **(values | fields))
    with session_scope(engine) as session:
        session.add(story)
    if queue is not None:
        jobs.publish(engine, queue, story)
    return story


def load(engine: Engine, kind: JobKind, job_id: int) -> Message | Story:
    with session_scope(engine) as session:
        row = session.get(JOB_TABLES[kind], job_id)
        assert row is not None
        return row


def conversation_messages(engine: Engine, conversation_id: int) -> list[Message]:
    with session_scope(engine) as session:
        stmt = (
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(col(Message.id))
        )
        return list(session.exec(stmt).all())


def wait_until(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def wait_final(engine: Engine, kind: JobKind, job_id: int, timeout: float = 30) -> Message | Story:
    def settled() -> Message | Story | None:
        row = load(engine, kind, job_id)
        return row if row.status in FINAL_STATUSES else None

    return wait_until(settled, timeout, f"{kind.value} job {job_id} to finish")


def wait_status(
    engine: Engine, kind: JobKind, job_id: int, status: JobStatus, timeout: float = 30
) -> Message | Story:
    def reached() -> Message | Story | None:
        row = load(engine, kind, job_id)
        return row if row.status == status else None

    return wait_until(reached, timeout, f"{kind.value} job {job_id} to be {status.value}")
