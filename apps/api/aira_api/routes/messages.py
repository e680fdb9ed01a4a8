from typing import Annotated

from aira_core import jobs
from aira_core.models import JobKind, Message
from fastapi import Header, HTTPException, Response, status
from sse_starlette import EventSourceResponse

from aira_api.deps import CurrentUser, EngineDep, PollerDep, QueueDep, SessionDep
from aira_api.responses import errors
from aira_api.routing import api_router
from aira_api.schemas.common import Id
from aira_api.schemas.messages import (
    IDEMPOTENCY_KEY_PATTERN,
    MessageCreate,
    MessagePair,
    MessagePublic,
)
from aira_api.services import job_control
from aira_api.services.chat import store_message
from aira_api.services.ownership import owned_conversation, owned_message
from aira_api.streaming.response import job_event_response
from aira_api.streaming.snapshot import JobRow

router = api_router(prefix="/api", tags=["messages"], responses=errors(401, 404, 413))

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Repeat a send safely: the same key returns the same pair and starts no job",
    ),
]


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessagePair,
)
def send_message(
    conversation_id: Id,
    body: MessageCreate,
    user: CurrentUser,
    session: SessionDep,
    engine: EngineDep,
    queue: QueueDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> MessagePair:
    """Store the message and queue its answer; follow the answer with its `events` stream."""
    conversation = owned_conversation(session, user, conversation_id)
    sent = store_message(session, conversation, body.content, idempotency_key)
    if sent.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        jobs.publish(engine, queue, sent.answer)
    return MessagePair(
        user_message=MessagePublic.of(sent.user_message),
        assistant_message=MessagePublic.of(sent.answer),
    )


@router.get("/messages/{message_id}", response_model=MessagePublic)
def read_message(message_id: Id, user: CurrentUser, session: SessionDep) -> MessagePublic:
    """The message as stored now: a polling alternative to the event stream."""
    return MessagePublic.of(owned_message(session, user, message_id))


@router.get(
    "/messages/{message_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_message(
    message_id: Id,
    user: CurrentUser,
    session: SessionDep,
    poller: PollerDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    """Server-Sent Events: `delta` `{"text"}` appends text, `reset` clears it (the answer is
    being generated again), then one of `done`, `failed`, `cancelled` carrying the message.
    Reconnect with `Last-Event-ID` to receive only what was missed."""
    message = owned_message(session, user, message_id)
    return job_event_response(poller, JobKind.chat, message, last_event_id, _message_payload)


@router.post("/messages/{message_id}/stop", response_model=MessagePublic, responses=errors(409))
def stop_message(
    message_id: Id, user: CurrentUser, session: SessionDep, engine: EngineDep
) -> MessagePublic:
    """Stop generating the answer; the text so far is kept and the status becomes `cancelled`."""
    message = _owned_answer(session, user, message_id)
    stopped = job_control.stop(session, engine, JobKind.chat, message)
    return MessagePublic.of(_as_message(stopped))


@router.post(
    "/messages/{message_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessagePublic,
    responses=errors(409),
)
def retry_message(
    message_id: Id, user: CurrentUser, session: SessionDep, engine: EngineDep, queue: QueueDep
) -> MessagePublic:
    """Generate a failed or cancelled answer again, as a new attempt (a done one is
    regenerated instead)."""
    message = _owned_answer(session, user, message_id)
    retried = job_control.retry(session, engine, queue, JobKind.chat, message)
    return MessagePublic.of(_as_message(retried))


@router.post(
    "/messages/{message_id}/regenerate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MessagePublic,
    responses=errors(409),
)
def regenerate_message(
    message_id: Id, user: CurrentUser, session: SessionDep, engine: EngineDep, queue: QueueDep
) -> MessagePublic:
    """Write a done answer again, in place: a new attempt (`queued`, `attempt` + 1, empty text)
    that replaces its text. Only the latest message of its conversation can be regenerated; a
    failed or cancelled answer is retried instead. Of concurrent requests exactly one starts the
    attempt, the others get 409. Its `events` stream starts with `reset` for a client still
    holding the old text (`Last-Event-ID` of the earlier attempt)."""
    message = _owned_answer(session, user, message_id)
    return MessagePublic.of(job_control.regenerate(session, engine, queue, message))


def _owned_answer(session: SessionDep, user: CurrentUser, message_id: int) -> Message:
    message = owned_message(session, user, message_id)
    if message.role != "assistant":
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="Only an answer can be stopped, retried or regenerated"
        )
    return message


def _as_message(row: JobRow) -> Message:
    assert isinstance(row, Message)
    return row


def _message_payload(row: JobRow) -> dict[str, object]:
    return MessagePublic.of(_as_message(row)).model_dump(mode="json")
