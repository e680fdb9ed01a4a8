"""Database tables. Assistant messages and stories are also generation jobs (see jobs.py).

Times are naive UTC (MySQL DATETIME has no time zone). Long texts use MEDIUMTEXT on MySQL, where
SQLModel's plain `str` would become VARCHAR(255).
"""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.mysql import DATETIME, MEDIUMTEXT
from sqlmodel import Field, SQLModel

LongText = Text().with_variant(MEDIUMTEXT(), "mysql", "mariadb")
# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# Microseconds: streams poll for rows "updated since the last tick".
Timestamp = DateTime().with_variant(DATETIME(fsp=6), "mysql", "mariadb")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


FINAL_STATUSES = frozenset({JobStatus.done, JobStatus.failed, JobStatus.cancelled})


class JobKind(StrEnum):
    chat = "chat"
    story = "story"


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=100)
    locale: str = Field(default="ko", max_length=8)
    child_name: str | None = Field(default=None, max_length=100)
    child_age: int | None = None
    interests: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    is_admin: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_updated", "user_id", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    title: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)


class JobFields(SQLModel):
    """Columns that make a row a generation job: its state, lease and outcome.

    `lease_token` identifies the claim of the worker running the job: every write of a running job
    is conditional on it, so a worker whose lease expired can no longer touch the row.
    """

    status: JobStatus = Field(default=JobStatus.queued, sa_type=String(16))
    attempt: int = 1
    lease_token: str | None = Field(default=None, max_length=36)
    lease_until: datetime | None = Field(default=None, sa_type=Timestamp)
    error_code: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=1000)
    enqueued_at: datetime | None = Field(default=None, sa_type=Timestamp)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)


class Message(JobFields, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "idempotency_key", name="uq_messages_idempotency"),
        Index("ix_messages_conversation", "conversation_id", "id"),
        Index("ix_messages_status_updated", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", ondelete="CASCADE")
    role: str = Field(max_length=16)  # "user" | "assistant"
    content: str = Field(default="", sa_column=Column(LongText, nullable=False))
    idempotency_key: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)


class Story(JobFields, table=True):
    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_user", "user_id", "id"),
        Index("ix_stories_status_updated", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    child_name: str = Field(max_length=100)
    age: int
    theme: str = Field(max_length=200)
    moral: str | None = Field(default=None, max_length=200)
    length: str = Field(max_length=8)  # "short" | "medium" | "long"
    language: str = Field(max_length=8)  # "ko" | "en"
    title: str = Field(default="", max_length=300)
    content: str = Field(default="", sa_column=Column(LongText, nullable=False))
    pages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)


JOB_TABLES: dict[JobKind, type[Message] | type[Story]] = {
    JobKind.chat: Message,
    JobKind.story: Story,
}


class QueueState(StrEnum):
    ready = "ready"  # waiting, or in flight while `visible_at` lies in the future
    dead = "dead"  # in the dead-letter queue
    deleted = "deleted"  # consumed; kept for the deduplication window, then purged


class QueueMessage(SQLModel, table=True):
    """A message of the local durable queue (aira_core.queue.local), with SQS FIFO semantics.

    The id gives the order within a group. `receipt` changes with every receive, so a consumer
    holding an old receipt can no longer delete or extend the message. `trace_context` holds the
    sender's propagation headers (`traceparent`, ...), as SQS message attributes would.
    """

    __tablename__ = "queue_messages"
    __table_args__ = (
        UniqueConstraint("dedup_id", name="uq_queue_messages_dedup"),
        # Receive walks waiting messages oldest first, skipping deleted and dead ones; stats,
        # peeks and the purge of deleted messages read one state each.
        Index("ix_queue_messages_state_id", "state", "id"),
        # "Is there an older message in this group?" for FIFO delivery.
        Index("ix_queue_messages_state_group", "state", "group_id", "id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    group_id: str = Field(max_length=128)
    dedup_id: str | None = Field(default=None, max_length=128)
    body: str = Field(sa_column=Column(Text, nullable=False))
    state: QueueState = Field(default=QueueState.ready, sa_type=String(8))
    receive_count: int = 0
    receipt: str | None = Field(default=None, max_length=36)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)
    visible_at: datetime = Field(default_factory=utcnow, sa_type=Timestamp)
    trace_context: dict[str, str] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
