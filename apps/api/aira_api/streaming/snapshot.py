"""What a stream sees of a job row."""

from typing import TypeAlias

from aira_core.models import JobStatus, Message, Story

JobRow: TypeAlias = Message | Story


def visible_text(status: JobStatus, content: str) -> str:
    """The answer text as users see it. A queued job has not started (again): text left over from
    a released attempt is about to be regenerated, so it is not shown."""
    return "" if status == JobStatus.queued else content


def run_of(row: JobRow) -> str | None:
    """Identifies one claim of the job: when a worker dies and another re-claims the same attempt,
    the text starts over and the run changes."""
    return row.lease_token[:8] if row.lease_token else None
