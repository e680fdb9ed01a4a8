from typing import Annotated

from aira_core.models import JobStatus, Message
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from aira_api.schemas.common import UtcDatetime
from aira_api.streaming.snapshot import visible_text

MAX_CONTENT_CHARS = 8000
# Letters, digits and a few separators: keys are stored and compared, never shown.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("content must not be blank")
    return value


Content = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_CONTENT_CHARS),
    AfterValidator(_not_blank),
]


class MessageCreate(BaseModel):
    content: Content


class MessagePublic(BaseModel):
    id: int
    conversation_id: int
    role: str
    content: str
    status: JobStatus
    attempt: int
    error_code: str | None
    error: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, row: Message) -> "MessagePublic":
        assert row.id is not None
        return cls(
            id=row.id,
            conversation_id=row.conversation_id,
            role=row.role,
            content=visible_text(row.status, row.content),
            status=row.status,
            attempt=row.attempt,
            error_code=row.error_code,
            error=row.error,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class MessagePair(BaseModel):
    """A sent message and the assistant answer generated for it."""

    user_message: MessagePublic
    assistant_message: MessagePublic = Field(description="The answer, a job: queued at first")
