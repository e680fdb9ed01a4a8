"""Turns successive snapshots of a job row into the events a client needs, given what it has.

Events: `delta` `{"text": ...}` appends text; `reset` `{}` tells the client to clear the text it
holds (a new attempt, or a worker died and the answer is being generated again); then exactly one
of `done`, `failed` or `cancelled`, whose data is the finished resource.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aira_core.models import FINAL_STATUSES, JobStatus
from sse_starlette import ServerSentEvent

from aira_api.streaming.cursor import Cursor
from aira_api.streaming.snapshot import JobRow, run_of, visible_text

Payload = Callable[[JobRow], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    events: list[ServerSentEvent]
    cursor: Cursor
    finished: bool


def advance(cursor: Cursor | None, row: JobRow, payload: Payload) -> Step:
    text = visible_text(row.status, row.content)
    run = run_of(row)
    events: list[ServerSentEvent] = []
    if cursor is None:
        cursor = Cursor(row.attempt, run, 0)
    if _restarted(cursor, row.attempt, run, text):
        if cursor.offset > 0:
            events.append(_event("reset", {}, Cursor(row.attempt, run, 0)))
        cursor = Cursor(row.attempt, run, 0)
    elif run is not None and cursor.run is None:
        cursor = Cursor(cursor.attempt, run, cursor.offset)
    if len(text) > cursor.offset:
        delta = text[cursor.offset :]
        cursor = Cursor(cursor.attempt, cursor.run, len(text))
        events.append(_event("delta", {"text": delta}, cursor))
    finished = row.status in FINAL_STATUSES
    if finished:
        events.append(_event(JobStatus(row.status).value, payload(row), cursor))
    return Step(events, cursor, finished)


def _restarted(cursor: Cursor, attempt: int, run: str | None, text: str) -> bool:
    """True when the text the client holds is not a prefix of the current answer any more.
    A cancelled or released job forgets its run; its text still continues the client's."""
    other_run = run is not None and cursor.run is not None and run != cursor.run
    return attempt != cursor.attempt or other_run or cursor.offset > len(text)


def _event(name: str, data: dict[str, Any], cursor: Cursor) -> ServerSentEvent:
    return ServerSentEvent(
        data=json.dumps(data, ensure_ascii=False), event=name, id=cursor.event_id()
    )
