"""Stop and retry for any generation job (an assistant answer or a story)."""

from aira_core import jobs
from aira_core.models import JobKind, JobStatus
from aira_core.queue.port import JobQueue
from fastapi import HTTPException, status
from sqlalchemy import Engine
from sqlmodel import Session

from aira_api.streaming.snapshot import JobRow


def stop(session: Session, engine: Engine, kind: JobKind, row: JobRow) -> JobRow:
    """Cancel a queued or running job; the text generated so far is kept. Stopping a cancelled
    job again is harmless; a finished one cannot be stopped."""
    assert row.id is not None
    session.commit()  # end the read transaction so the re-read below sees the update
    stopped = jobs.cancel(engine, kind, row.id)
    session.refresh(row)
    if not stopped and row.status != JobStatus.cancelled:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"Already {JobStatus(row.status).value}"
        )
    return row


def retry(session: Session, engine: Engine, queue: JobQueue, kind: JobKind, row: JobRow) -> JobRow:
    assert row.id is not None
    session.commit()
    if jobs.retry(engine, kind, row.id) is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="Only a failed or cancelled job can be retried"
        )
    session.refresh(row)
    jobs.publish(engine, queue, row)
    return row
