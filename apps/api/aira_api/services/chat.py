"""Sending a message: the user's message and the assistant's answer (the job) are stored in one
transaction; the answer is published to the queue only after that commit."""

from dataclasses import dataclass

from aira_core.models import Conversation, JobStatus, Message, utcnow
from fastapi import HTTPException, status
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, col, select

TITLE_FROM_MESSAGE_CHARS = 60
INSERT_ATTEMPTS = 3
MYSQL_DEADLOCK = 1213


@dataclass(frozen=True)
class SentPair:
    user_message: Message
    answer: Message
    replayed: bool  # True when an earlier request with the same Idempotency-Key created it


def store_message(
    session: Session, conversation: Conversation, content: str, idempotency_key: str | None
) -> SentPair:
    if idempotency_key is not None:
        earlier = _pair_for_key(session, conversation, idempotency_key, content)
        if earlier is not None:
            return earlier
    attempts_left = INSERT_ATTEMPTS
    while True:
        try:
            return _insert_pair(session, conversation, content, idempotency_key)
        except (IntegrityError, OperationalError) as exc:
            # A concurrent request with the same key won the race (a duplicate key, or on
            # InnoDB sometimes a deadlock between the two inserts): answer with its pair.
            session.rollback()
            if idempotency_key is not None:
                earlier = _pair_for_key(session, conversation, idempotency_key, content)
                if earlier is not None:
                    return earlier
            attempts_left -= 1
            if not _is_deadlock(exc) or attempts_left == 0:
                raise


def _insert_pair(
    session: Session, conversation: Conversation, content: str, idempotency_key: str | None
) -> SentPair:
    assert conversation.id is not None
    now = utcnow()
    user_message = Message(
        conversation_id=conversation.id,
        role="user",
        content=content,
        status=JobStatus.done,  # never a job: nothing generates it
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    session.add(user_message)
    session.flush()  # the answer gets the next id, so history ordered by id stays in turn order
    answer = Message(
        conversation_id=conversation.id,
        role="assistant",
        status=JobStatus.queued,
        idempotency_key=_answer_key(idempotency_key),
        created_at=now,
        updated_at=now,
    )
    session.add(answer)
    conversation.updated_at = now
    if not conversation.title:
        conversation.title = _title_from(content)
    session.add(conversation)
    session.commit()
    return SentPair(user_message, answer, replayed=False)


def _pair_for_key(
    session: Session, conversation: Conversation, key: str, content: str
) -> SentPair | None:
    stmt = select(Message).where(
        Message.conversation_id == conversation.id,
        col(Message.idempotency_key).in_([key, _answer_key(key)]),
    )
    rows = {row.role: row for row in session.exec(stmt)}
    if "user" not in rows or "assistant" not in rows:
        return None
    if rows["user"].content != content:
        raise HTTPException(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="Idempotency-Key was already used for a different message",
        )
    return SentPair(rows["user"], rows["assistant"], replayed=True)


def _answer_key(key: str | None) -> str | None:
    """The answer row carries a key derived from the request's, which links the pair."""
    return None if key is None else f"{key}#answer"


def _title_from(content: str) -> str:
    first_line = content.strip().splitlines()[0]
    if len(first_line) <= TITLE_FROM_MESSAGE_CHARS:
        return first_line
    return first_line[: TITLE_FROM_MESSAGE_CHARS - 1].rstrip() + "…"


def _is_deadlock(exc: DBAPIError) -> bool:
    args: tuple[object, ...] = getattr(exc.orig, "args", ())
    return bool(args) and args[0] == MYSQL_DEADLOCK
