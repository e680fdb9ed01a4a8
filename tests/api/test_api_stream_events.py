"""Unit tests of the stream protocol: which events a client gets for a row, given its cursor."""

from typing import Any

from aira_api.streaming.cursor import Cursor
from aira_api.streaming.events import advance
from aira_api.streaming.snapshot import JobRow
from aira_core.models import JobStatus, Message

TOKEN_A = "aaaaaaaa-0000-0000-0000-000000000000"
TOKEN_B = "bbbbbbbb-0000-0000-0000-000000000000"


def _row(status: JobStatus, content: str, attempt: int = 1, token: str | None = TOKEN_A) -> Message:
    return Message(
        id=7,
        conversation_id=1,
        role="assistant",
        status=status,
        attempt=attempt,
        content=content,
        lease_token=token,
    )


def _payload(row: JobRow) -> dict[str, Any]:
    return {"status": row.status}


def _events(cursor: Cursor | None, row: Message) -> list[tuple[str | None, str, str | None]]:
    return [(e.event, str(e.data), e.id) for e in advance(cursor, row, _payload).events]


def test_cursor_round_trips_and_rejects_garbage() -> None:
    cursor = Cursor(2, "aaaaaaaa", 15)
    assert Cursor.parse(cursor.event_id()) == cursor
    assert Cursor.parse("1::0") == Cursor(1, None, 0)
    for bad in (None, "", "x", "1:2", "1:zz:3", "1:a:-1", "1:a:3\nevent: done", "1:a:3\n"):
        assert Cursor.parse(bad) is None


def test_only_the_missing_text_is_sent() -> None:
    assert _events(Cursor(1, "aaaaaaaa", 5), _row(JobStatus.running, "Hello, world")) == [
        ("delta", '{"text": ", world"}', "1:aaaaaaaa:12")
    ]
    assert _events(Cursor(1, "aaaaaaaa", 12), _row(JobStatus.running, "Hello, world")) == []


def test_queued_jobs_show_no_leftover_text() -> None:
    released = _row(JobStatus.queued, "stale partial", token=None)
    assert _events(None, released) == []
    assert [name for name, _, _ in _events(Cursor(1, "aaaaaaaa", 5), released)] == ["reset"]


def test_a_new_run_or_attempt_resets_the_client() -> None:
    reclaimed = _row(JobStatus.running, "New", token=TOKEN_B)
    retried = _row(JobStatus.running, "Again", attempt=2, token=TOKEN_B)
    assert [n for n, _, _ in _events(Cursor(1, "aaaaaaaa", 3), reclaimed)] == ["reset", "delta"]
    assert [n for n, _, _ in _events(Cursor(1, "aaaaaaaa", 3), retried)] == ["reset", "delta"]
    assert [n for n, _, _ in _events(Cursor(1, "aaaaaaaa", 0), reclaimed)] == ["delta"]


def test_a_cancelled_job_keeps_the_text_the_client_has() -> None:
    cancelled = _row(JobStatus.cancelled, "Once upon", token=None)
    assert _events(Cursor(1, "aaaaaaaa", 9), cancelled) == [
        ("cancelled", '{"status": "cancelled"}', "1:aaaaaaaa:9")
    ]
    step = advance(Cursor(1, "aaaaaaaa", 4), cancelled, _payload)
    assert [e.event for e in step.events] == ["delta", "cancelled"]
    assert step.finished
