"""Stop and retry for any generation job (an assistant answer or a story), and regenerating the
latest answer of a conversation."""

from aira_core import jobs
from aira_core.models import JobKind, JobStatus, Message
from aira_core.queue.port import JobQueue
from fastapi import HTTPException, status
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

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


def regenerate(session: Session, engine: Engine, queue: JobQueue, answer: Message) -> Message:
    """Write a done answer again as a new attempt that replaces its text, while it is the latest
    message of its conversation. Of concurrent requests exactly one starts the attempt."""
    assert answer.id is not None
    session.commit()
    started = jobs.regenerate(engine, answer.id)
    session.refresh(answer)
    if started is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=_not_regenerated(session, answer))
    jobs.publish(engine, queue, answer)
    return answer


def _not_regenerated(session: Session, answer: Message) -> str:
    """Why a regenerate request started nothing."""
    if answer.status in jobs.ACTIVE:
        return f"Already {JobStatus(answer.status).value}: the answer is being written"
    if answer.status != JobStatus.done:
        return f"Only a done answer can be regenerated: retry a {answer.status} one"
    latest = session.exec(
        select(func.max(col(Message.id))).where(Message.conversation_id == answer.conversation_id)
    ).one()
    if latest != answer.id:
        return "Only the latest answer of a conversation can be regenerated"
    return "The answer changed meanwhile; try again"
