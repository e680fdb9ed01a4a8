"""Server-Sent Events of answers: live deltas, resume with Last-Event-ID, restarts, final events,
and one poller query per tick however many streams are open."""

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
from aira_core import jobs
from aira_core.models import Message, utcnow
from fastapi import FastAPI
from sqlalchemy import event, update
from sqlmodel import Session, col

from tests.api.support import Api, claim_answer, read_events, text_of


def _ask(client: httpx.Client, content: str = "Tell me a story") -> dict[str, Any]:
    conversation = client.post("/api/conversations", json={}).json()
    path = f"/api/conversations/{conversation['id']}/messages"
    answer: dict[str, Any] = client.post(path, json={"content": content}).json()[
        "assistant_message"
    ]
    return answer


def _wait_for(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _subscribers(app: FastAPI) -> int:
    return int(app.state.aira.poller.watched())


def test_stream_delivers_the_answer_as_it_is_written(api: Api, api_app: FastAPI) -> None:
    with api.user() as client, ThreadPoolExecutor(1) as pool:
        answer = _ask(client)
        events_path = f"/api/messages/{answer['id']}/events"
        reading: Future[list[Any]] = pool.submit(read_events, client, events_path)
        _wait_for(lambda: _subscribers(api_app) == 1)
        claim = claim_answer(api.engine, answer)
        for partial in ("한때", "한때 작은 고래가", "한때 작은 고래가 살았어요"):
            assert jobs.save_progress(api.engine, claim, partial)
            time.sleep(0.4)  # let the poller see each step
        assert jobs.complete(api.engine, claim, "한때 작은 고래가 살았어요. 끝.")
        events = reading.result(timeout=10)
    names = [e.event for e in events]
    assert names[-1] == "done" and set(names[:-1]) == {"delta"}
    assert len(names) >= 3  # the text arrived in pieces
    assert text_of(events) == "한때 작은 고래가 살았어요. 끝."
    final = events[-1].json()
    assert (final["id"], final["status"], final["content"]) == (
        answer["id"],
        "done",
        "한때 작은 고래가 살았어요. 끝.",
    )
    assert all(e.id for e in events)


def test_resume_with_last_event_id_sends_only_what_was_missed(api: Api) -> None:
    with api.user() as client:
        answer = _ask(client)
        claim = claim_answer(api.engine, answer)
        jobs.save_progress(api.engine, claim, "The whale")
        path = f"/api/messages/{answer['id']}/events"
        first = read_events(client, path, limit=1)
        jobs.save_progress(api.engine, claim, "The whale sang")
        jobs.complete(api.engine, claim, "The whale sang all night.")
        resumed = read_events(client, path, last_event_id=first[-1].id)
        from_scratch = read_events(client, path, last_event_id="garbage")
    assert [(e.event, e.json()) for e in first] == [("delta", {"text": "The whale"})]
    assert [e.event for e in resumed] == ["delta", "done"]
    assert resumed[0].json() == {"text": " sang all night."}
    assert text_of(from_scratch) == "The whale sang all night."


def test_finished_answers_give_their_final_event_at_once(api: Api) -> None:
    with api.user() as client:
        done, failed, cancelled = _ask(client), _ask(client), _ask(client)
        jobs.complete(api.engine, claim_answer(api.engine, done), "All done.")
        jobs.fail(api.engine, claim_answer(api.engine, failed), "insufficient_quota", "No quota")
        client.post(f"/api/messages/{cancelled['id']}/stop")
        started = time.monotonic()
        streams = {
            name: read_events(client, f"/api/messages/{message['id']}/events")
            for name, message in (("done", done), ("failed", failed), ("cancelled", cancelled))
        }
        elapsed = time.monotonic() - started
        done_events = streams["done"]
        resumed = read_events(
            client, f"/api/messages/{done['id']}/events", last_event_id=done_events[-1].id
        )
    assert elapsed < 2
    assert [e.event for e in done_events] == ["delta", "done"]
    assert [e.event for e in streams["failed"]] == ["failed"]
    assert streams["failed"][0].json()["error_code"] == "insufficient_quota"
    assert [e.event for e in streams["cancelled"]] == ["cancelled"]
    assert [e.event for e in resumed] == ["done"]


def test_a_restarted_answer_tells_the_client_to_start_over(api: Api) -> None:
    """A worker died mid-answer and another re-claimed the job: the text is generated anew."""
    with api.user() as client:
        answer = _ask(client)
        path = f"/api/messages/{answer['id']}/events"
        first_claim = claim_answer(api.engine, answer)
        jobs.save_progress(api.engine, first_claim, "Draft that will be lost")
        seen = read_events(client, path, limit=1)
        with Session(api.engine) as session:  # the first worker's lease runs out
            expired = utcnow() - timedelta(seconds=1)
            stmt = update(Message).where(col(Message.id) == answer["id"])
            session.execute(stmt.values(lease_until=expired))
            session.commit()
        second_claim = claim_answer(api.engine, answer)
        jobs.complete(api.engine, second_claim, "Fresh answer")
        resumed = read_events(client, path, last_event_id=seen[-1].id)
    assert [e.event for e in resumed] == ["reset", "delta", "done"]
    assert text_of(seen + resumed) == "Fresh answer"


def test_retry_while_streaming_resets_then_streams_the_new_attempt(api: Api) -> None:
    with api.user() as client:
        answer = _ask(client)
        path = f"/api/messages/{answer['id']}/events"
        jobs.fail(api.engine, claim_answer(api.engine, answer), "server_error", "boom")
        first = read_events(client, path)
        assert client.post(f"/api/messages/{answer['id']}/retry").status_code == 202
        retried = {**answer, "attempt": 2}
        jobs.complete(api.engine, claim_answer(api.engine, retried), "Second time lucky")
        second = read_events(client, path, last_event_id=first[-1].id)
    assert [e.event for e in first] == ["failed"]
    assert [e.event for e in second] == ["delta", "done"]
    assert second[-1].json()["attempt"] == 2


def test_regenerating_a_done_answer_resets_then_streams_the_new_attempt(api: Api) -> None:
    with api.user() as client:
        answer = _ask(client)
        path = f"/api/messages/{answer['id']}/events"
        jobs.complete(api.engine, claim_answer(api.engine, answer), "The first answer")
        first = read_events(client, path)
        assert client.post(f"/api/messages/{answer['id']}/regenerate").status_code == 202
        claim = claim_answer(api.engine, {**answer, "attempt": 2})
        jobs.save_progress(api.engine, claim, "Another")
        partial = read_events(client, path, last_event_id=first[-1].id, limit=2)
        jobs.complete(api.engine, claim, "Another answer")
        rest = read_events(client, path, last_event_id=partial[-1].id)
        fresh = read_events(client, path)
    assert [e.event for e in first] == ["delta", "done"]
    assert [e.event for e in partial] == ["reset", "delta"]
    assert [e.event for e in rest] == ["delta", "done"]
    assert text_of(first + partial + rest) == "Another answer"
    assert rest[-1].json()["attempt"] == 2
    assert text_of(fresh) == "Another answer"


def test_open_streams_share_one_query_per_tick(api: Api, api_app: FastAPI) -> None:
    streams = 12
    statements: list[str] = []
    lock = threading.Lock()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM messages" in statement:
            with lock:
                statements.append(statement)

    token = api.register()
    with api.client(token) as client:
        answers = [_ask(client, f"question {n}") for n in range(streams)]
    poller = api_app.state.aira.poller
    event.listen(api.engine, "before_cursor_execute", record)
    try:
        with ThreadPoolExecutor(streams) as pool:

            def follow(answer: dict[str, Any]) -> list[Any]:
                with api.client(token) as own:
                    return read_events(own, f"/api/messages/{answer['id']}/events")

            readers = [pool.submit(follow, answer) for answer in answers]
            _wait_for(lambda: _subscribers(api_app) == streams)
            ticks_before, queries_before = poller.ticks, len(statements)
            time.sleep(1.5)
            ticks, queries = poller.ticks - ticks_before, len(statements) - queries_before
            for answer in answers:
                jobs.complete(
                    api.engine, claim_answer(api.engine, answer), f"answer {answer['id']}"
                )
            results = [reader.result(timeout=10) for reader in readers]
    finally:
        event.remove(api.engine, "before_cursor_execute", record)
    assert ticks >= 3
    assert queries <= ticks + 1  # one query per tick, not one per stream
    for answer, events in zip(answers, results, strict=True):
        assert text_of(events) == f"answer {answer['id']}"
        assert events[-1].event == "done"


def test_long_korean_answers_round_trip(api: Api) -> None:
    long_text = "옛날 옛적에 작은 고래가 살았어요. " * 6000  # ~120,000 characters, ~300 KB
    with api.user() as client:
        answer = _ask(client)
        claim = claim_answer(api.engine, answer)
        jobs.save_progress(api.engine, claim, long_text[:50_000])
        partial = read_events(client, f"/api/messages/{answer['id']}/events", limit=1)
        jobs.complete(api.engine, claim, long_text)
        rest = read_events(
            client, f"/api/messages/{answer['id']}/events", last_event_id=partial[-1].id
        )
        stored = client.get(f"/api/messages/{answer['id']}").json()
    assert stored["content"] == long_text
    assert text_of(partial + rest) == long_text
