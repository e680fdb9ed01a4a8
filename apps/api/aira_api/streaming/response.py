"""The SSE response for one job: what the client is missing now, then changes as the poller
delivers them, until the job is finished."""

from collections.abc import AsyncIterator

from aira_core.models import JobKind
from sse_starlette import EventSourceResponse, ServerSentEvent

from aira_api.streaming.cursor import Cursor
from aira_api.streaming.events import Payload, advance
from aira_api.streaming.poller import JobPoller
from aira_api.streaming.snapshot import JobRow

KEEP_ALIVE_SECONDS = 15


def job_event_response(
    poller: JobPoller,
    kind: JobKind,
    row: JobRow,
    last_event_id: str | None,
    payload: Payload,
) -> EventSourceResponse:
    events = job_events(poller, kind, row, Cursor.parse(last_event_id), payload)
    # `X-Accel-Buffering: no` keeps reverse proxies from holding events back.
    return EventSourceResponse(
        events,
        ping=KEEP_ALIVE_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def job_events(
    poller: JobPoller, kind: JobKind, row: JobRow, cursor: Cursor | None, payload: Payload
) -> AsyncIterator[ServerSentEvent]:
    step = advance(cursor, row, payload)
    for event in step.events:
        yield event
    if step.finished:
        return
    assert row.id is not None
    cursor = step.cursor
    with poller.subscribe(kind, row.id) as subscription:
        while True:
            latest = await subscription.changed()
            if latest is None:  # deleted while streaming; a reconnect answers 404
                return
            step = advance(cursor, latest, payload)
            for event in step.events:
                yield event
            if step.finished:
                return
            cursor = step.cursor
