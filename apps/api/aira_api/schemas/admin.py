"""The operators' console: queue depth, recent jobs and failures, dead letters."""

from typing import Literal

from aira_core.models import JobKind, JobStatus
from pydantic import BaseModel, Field

from aira_api.schemas.common import UtcDatetime


class QueueDepth(BaseModel):
    visible: int
    in_flight: int
    dead_letters: int
    oldest_age_seconds: float


class StatusCount(BaseModel):
    kind: JobKind
    status: JobStatus
    count: int


class FailureCount(BaseModel):
    error_code: str
    count: int
    last_at: UtcDatetime


class ConsoleOverview(BaseModel):
    queue: QueueDepth
    jobs_last_hour: list[StatusCount] = Field(description="Jobs created in the last hour")
    failures: list[FailureCount] = Field(description="Failed jobs by error code, most first")
    failures_hours: int


class DeadLetterPublic(BaseModel):
    message_id: str
    receive_count: int
    kind: JobKind | None
    job_id: int | None
    attempt: int | None
    status: str
    error_code: str
    error: str
    action: Literal["retry", "move", "obsolete"] = Field(
        description="What a redrive does: retry the failed job, move the message back for a job "
        "still waiting, or move back a message the worker will discard"
    )


class RedriveRequest(BaseModel):
    confirm: Literal[True] = Field(description="Must be true: a redrive cannot be undone")


class RedriveResult(BaseModel):
    retried: int
    moved: int
