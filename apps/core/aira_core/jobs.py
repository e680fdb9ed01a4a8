"""Job state transitions, each one conditional UPDATE in its own short transaction.

A job is an assistant message or a story row (models.JobFields). The row is the only truth: the
queue just says "look at job X". Transitions:

    queued --claim--> running --complete--> done
      ^                  |  \\--fail------> failed --retry--> queued (attempt + 1)
      |--release---------|   \\--(stop)----> cancelled --retry--> queued (attempt + 1)
      \\-- claim again when the running lease expired (worker died)
"""

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Update, func, or_, select, update
from sqlmodel import Session, col

from aira_core.db import session_scope
from aira_core.models import JOB_TABLES, JobKind, JobStatus, Message, Story, utcnow
from aira_core.queue.port import JobQueue

log = logging.getLogger(__name__)

ACTIVE = (JobStatus.queued, JobStatus.running)


@dataclass(frozen=True)
class JobRef:
    """What travels through the queue: which job, and which attempt of it."""

    kind: JobKind
    id: int
    attempt: int

    def body(self) -> str:
        return json.dumps({"kind": self.kind.value, "id": self.id, "attempt": self.attempt})

    @property
    def dedup_id(self) -> str:
        return f"{self.kind.value}-{self.id}-{self.attempt}"

    @classmethod
    def parse(cls, body: str) -> "JobRef":
        data = json.loads(body)
        return cls(JobKind(data["kind"]), int(data["id"]), int(data["attempt"]))


@dataclass(frozen=True)
class Claim:
    """A running job owned by one worker until `lease_token` changes."""

    ref: JobRef
    token: str


def group_id(row: Message | Story) -> str:
    """FIFO group: answers in one conversation run in order; stories run independently."""
    if isinstance(row, Message):
        return f"conversation-{row.conversation_id}"
    return f"story-{row.id}"


def ref_of(row: Message | Story) -> JobRef:
    kind = JobKind.chat if isinstance(row, Message) else JobKind.story
    assert row.id is not None
    return JobRef(kind, row.id, row.attempt)


def publish(engine: Engine, queue: JobQueue, row: Message | Story) -> bool:
    """Send a committed queued job to the queue. A failed send is not an error: the row stays
    queued and the sweeper sends it again."""
    ref = ref_of(row)
    try:
        queue.send(ref.body(), group_id=group_id(row), dedup_id=ref.dedup_id)
    except Exception:
        log.warning("queue send failed for %s; the sweeper will resend it", ref, exc_info=True)
        return False
    _update(engine, ref, {"enqueued_at": utcnow()}, status=JobStatus.queued)
    return True


def claim(engine: Engine, ref: JobRef, lease_seconds: int) -> Claim | None:
    """Take a queued job, or a running one whose lease expired (its worker died)."""
    table = JOB_TABLES[ref.kind]
    now = utcnow()
    token = str(uuid.uuid4())
    stmt = (
        update(table)
        .where(col(table.id) == ref.id, col(table.attempt) == ref.attempt)
        .where(
            or_(
                col(table.status) == JobStatus.queued,
                (col(table.status) == JobStatus.running) & (col(table.lease_until) < now),
            )
        )
        .values(
            status=JobStatus.running,
            lease_token=token,
            lease_until=now + timedelta(seconds=lease_seconds),
            content="",
            error_code=None,
            error=None,
            updated_at=now,
        )
    )
    with engine.begin() as connection:
        claimed = connection.execute(stmt).rowcount == 1
    return Claim(ref, token) if claimed else None


def renew(engine: Engine, claim: Claim, lease_seconds: int) -> bool:
    """Heartbeat; False when the job is no longer ours (stopped by the user or reclaimed)."""
    lease_until = utcnow() + timedelta(seconds=lease_seconds)
    return _update_claimed(engine, claim, {"lease_until": lease_until}, touch=False)


def save_progress(engine: Engine, claim: Claim, content: str) -> bool:
    """Store the partial text so far; False when the job is no longer ours."""
    return save_progress_batch(engine, [(claim, content)])[0]


def save_progress_batch(engine: Engine, progress: Sequence[tuple[Claim, str]]) -> list[bool]:
    """Store several jobs' partial texts in one transaction; False for each job that is no
    longer ours."""
    now = utcnow()
    with engine.begin() as connection:
        return [
            connection.execute(_claimed(claim, {"content": text, "updated_at": now})).rowcount == 1
            for claim, text in progress
        ]


def complete(engine: Engine, claim: Claim, content: str, **fields: Any) -> bool:
    values = {"content": content, "status": JobStatus.done, "lease_until": None, **fields}
    return _update_claimed(engine, claim, values)


def fail(engine: Engine, claim: Claim, code: str, error: str) -> bool:
    values = {"status": JobStatus.failed, "error_code": code, "error": error[:1000]}
    return _update_claimed(engine, claim, values | {"lease_until": None})


def release(engine: Engine, claim: Claim) -> bool:
    """Give a running job back (retryable failure): the next receive claims it afresh."""
    values = {"status": JobStatus.queued, "lease_token": None, "lease_until": None}
    return _update_claimed(engine, claim, values)


def fail_unclaimed(engine: Engine, ref: JobRef, code: str, error: str) -> bool:
    """Mark a job failed that no worker holds (its last receive is ending)."""
    values = {"status": JobStatus.failed, "error_code": code, "error": error[:1000]}
    table = JOB_TABLES[ref.kind]
    with session_scope(engine) as session:
        stmt = (
            update(table)
            .where(col(table.id) == ref.id, col(table.attempt) == ref.attempt)
            .where(col(table.status).in_(ACTIVE))
            .values(**values, lease_token=None, lease_until=None, updated_at=utcnow())
        )
        return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def cancel(engine: Engine, kind: JobKind, job_id: int) -> bool:
    """Stop a queued or running job; partial text is kept."""
    table = JOB_TABLES[kind]
    with session_scope(engine) as session:
        stmt = (
            update(table)
            .where(col(table.id) == job_id, col(table.status).in_(ACTIVE))
            .values(
                status=JobStatus.cancelled, lease_token=None, lease_until=None, updated_at=utcnow()
            )
        )
        return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def retry(engine: Engine, kind: JobKind, job_id: int) -> JobRef | None:
    """Start a new attempt of a failed or cancelled job; the caller publishes it.

    One conditional UPDATE, so of two concurrent retries exactly one starts an attempt."""
    table = JOB_TABLES[kind]
    final = col(table.status).in_((JobStatus.failed, JobStatus.cancelled))
    with session_scope(engine) as session:
        return _new_attempt(session, kind, job_id, final)


def regenerate(engine: Engine, answer_id: int) -> JobRef | None:
    """Start a new attempt of a done answer while it is the latest message of its conversation;
    the caller publishes it. Of concurrent requests exactly one starts an attempt."""
    with session_scope(engine) as session:
        conversation = session.execute(
            select(col(Message.conversation_id)).where(col(Message.id) == answer_id)
        ).scalar_one_or_none()
        if conversation is None:
            return None
        # The latest id through a derived table: MySQL lets an UPDATE read its own table only
        # from a materialised derived table (one with LIMIT always is).
        latest = (
            select(col(Message.id))
            .where(col(Message.conversation_id) == conversation)
            .order_by(col(Message.id).desc())
            .limit(1)
            .subquery("latest")
        )
        allowed = (col(Message.status) == JobStatus.done) & (
            col(Message.id) == select(latest.c.id).scalar_subquery()
        )
        return _new_attempt(session, JobKind.chat, answer_id, allowed)


def _new_attempt(
    session: Session, kind: JobKind, job_id: int, allowed: ColumnElement[bool]
) -> JobRef | None:
    """Queue the job again as its next attempt, if `allowed` holds for its row."""
    table = JOB_TABLES[kind]
    stmt = (
        update(table)
        .where(col(table.id) == job_id, allowed)
        .values(
            status=JobStatus.queued,
            attempt=col(table.attempt) + 1,
            content="",
            error_code=None,
            error=None,
            lease_token=None,
            lease_until=None,
            enqueued_at=None,
            updated_at=utcnow(),
        )
    )
    if session.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
        return None
    attempt = session.execute(select(col(table.attempt)).where(col(table.id) == job_id))
    return JobRef(kind, job_id, attempt.scalar_one())


def is_current(engine: Engine, ref: JobRef) -> bool:
    """True while this attempt may still run: it is queued or running with this attempt."""
    table = JOB_TABLES[ref.kind]
    with session_scope(engine) as session:
        stmt = select(col(table.status)).where(
            col(table.id) == ref.id, col(table.attempt) == ref.attempt
        )
        status = session.execute(stmt).scalar_one_or_none()
    return status in ACTIVE


def stale_jobs(
    engine: Engine, kind: JobKind, queued_for: float, limit: int = 500
) -> list[Message | Story]:
    """Jobs to send again: queued and not (re)sent for `queued_for` seconds, or running with an
    expired lease (their worker died; the message may be gone)."""
    table = JOB_TABLES[kind]
    now = utcnow()
    cutoff = now - timedelta(seconds=queued_for)
    stuck_queued = (col(table.status) == JobStatus.queued) & or_(
        col(table.enqueued_at).is_(None) & (col(table.updated_at) < cutoff),
        col(table.enqueued_at) < cutoff,
    )
    lease_expired = (col(table.status) == JobStatus.running) & (col(table.lease_until) < now)
    with session_scope(engine) as session:
        stmt = select(table).where(or_(stuck_queued, lease_expired)).limit(limit)
        return list(session.execute(stmt).scalars())


def oldest_queued_age(engine: Engine) -> float:
    """Seconds the longest-waiting queued job has waited to start (0 when none waits).

    The rows tell it for either queue (SQS reports the age of its oldest message only as a
    CloudWatch metric). A queued job's `updated_at` is when it became queued (stored, retried or
    given back); `enqueued_at` would not do, since every re-send by the sweeper renews it. One
    statement, an index lookup per job table (status, updated_at).
    """
    oldest_per_table = [
        select(func.min(col(table.updated_at)))
        .where(col(table.status) == JobStatus.queued)
        .scalar_subquery()
        for table in JOB_TABLES.values()
    ]
    now = utcnow()
    with engine.connect() as connection:
        since = connection.execute(select(*oldest_per_table)).one()
    waiting = [moment for moment in since if moment is not None]
    return max((now - min(waiting)).total_seconds(), 0.0) if waiting else 0.0


def _update_claimed(
    engine: Engine, claim: Claim, values: dict[str, Any], touch: bool = True
) -> bool:
    if touch:
        values = values | {"updated_at": utcnow()}
    with engine.begin() as connection:
        return connection.execute(_claimed(claim, values)).rowcount == 1


def _claimed(claim: Claim, values: dict[str, Any]) -> Update:
    """The UPDATE of a job that only applies while `claim` still holds it. Run on a connection,
    not a session: the ORM would look for the rows among its loaded objects on every write."""
    table = JOB_TABLES[claim.ref.kind]
    return (
        update(table)
        .where(col(table.id) == claim.ref.id, col(table.lease_token) == claim.token)
        .where(col(table.status) == JobStatus.running)
        .values(**values)
    )


def _update(engine: Engine, ref: JobRef, values: dict[str, Any], status: JobStatus) -> bool:
    table = JOB_TABLES[ref.kind]
    stmt = (
        update(table)
        .where(col(table.id) == ref.id, col(table.attempt) == ref.attempt)
        .where(col(table.status) == status)
        .values(**values)
    )
    with engine.begin() as connection:
        return connection.execute(stmt).rowcount == 1
