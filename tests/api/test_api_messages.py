"""Sending messages: one transaction, then the queue; validation; idempotency; stop, retry and
regenerate."""

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from aira_core import jobs
from aira_core.jobs import JobRef
from aira_core.models import JobKind, Message
from aira_core.queue.port import JobQueue
from sqlmodel import Session, func, select

from tests.api.support import Api, claim_answer


def _conversation(client: httpx.Client) -> str:
    conversation = client.post("/api/conversations", json={}).json()
    return f"/api/conversations/{conversation['id']}/messages"


def _queued_refs(queue: JobQueue) -> list[JobRef]:
    """Consume what is waiting in the queue, as the worker would."""
    received = queue.receive(max_messages=10, wait_seconds=0)
    queue.delete([message.receipt for message in received])
    return [JobRef.parse(message.body) for message in received]


def _message_count(api: Api) -> int:
    with Session(api.engine) as session:
        return session.exec(select(func.count()).select_from(Message)).one()


def test_send_stores_the_pair_and_queues_the_answer(api: Api, api_queue: JobQueue) -> None:
    with api.user() as client:
        path = _conversation(client)
        response = client.post(path, json={"content": "안녕, 고래 이야기 해줘"})
        pair = response.json()
        polled = client.get(f"/api/messages/{pair['assistant_message']['id']}")
    assert response.status_code == 202
    user, answer = pair["user_message"], pair["assistant_message"]
    assert (user["role"], user["content"], user["status"]) == (
        "user",
        "안녕, 고래 이야기 해줘",
        "done",
    )
    assert (answer["role"], answer["content"], answer["status"]) == ("assistant", "", "queued")
    assert answer["id"] > user["id"]
    assert polled.json() == answer
    assert _queued_refs(api_queue) == [JobRef(JobKind.chat, answer["id"], 1)]


def test_message_content_is_validated(api: Api, api_queue: JobQueue) -> None:
    with api.user() as client:
        path = _conversation(client)
        empty = client.post(path, json={"content": ""})
        blank = client.post(path, json={"content": "  \n "})
        oversize = client.post(path, json={"content": "가" * 8001})
        largest = client.post(path, json={"content": "가" * 8000})
        missing = client.post(path, json={})
        huge_body = client.post(
            path,
            content=json.dumps({"content": "x" * 300_000}),
            headers={"Content-Type": "application/json"},
        )
        streamed = client.post(
            path,
            content=(b'{"content": "' if n == 0 else b"x" * 65536 for n in range(4)),
            headers={"Content-Type": "application/json"},
        )
    assert [r.status_code for r in (empty, blank, oversize, missing)] == [422] * 4
    assert "at most 8000 characters" in oversize.json()["detail"][0]["msg"]
    assert "must not be blank" in blank.json()["detail"][0]["msg"]
    assert largest.status_code == 202
    assert huge_body.status_code == 413
    assert "detail" in huge_body.json()
    assert streamed.status_code == 413  # no Content-Length: counted as it arrives
    assert streamed.json() == huge_body.json()
    assert len(_queued_refs(api_queue)) == 1


def test_same_idempotency_key_gives_the_same_pair_and_no_new_job(
    api: Api, api_queue: JobQueue
) -> None:
    with api.user() as client:
        path = _conversation(client)
        key = {"Idempotency-Key": "send-7f3a"}
        first = client.post(path, json={"content": "hello"}, headers=key)
        again = client.post(path, json={"content": "hello"}, headers=key)
        other_text = client.post(path, json={"content": "goodbye"}, headers=key)
        bad_key = client.post(path, json={"content": "hello"}, headers={"Idempotency-Key": "a b"})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert other_text.status_code == 422
    assert bad_key.status_code == 422
    assert _message_count(api) == 2
    assert len(_queued_refs(api_queue)) == 1


def test_concurrent_sends_with_one_key_make_one_pair(api: Api, api_queue: JobQueue) -> None:
    token = api.register()
    with api.client(token) as client:
        path = _conversation(client)

    def send(_: int) -> httpx.Response:
        with api.client(token) as own:
            return own.post(path, json={"content": "once"}, headers={"Idempotency-Key": "race-1"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(8)))
    assert {r.status_code for r in responses} == {202}
    assert len({json.dumps(r.json(), sort_keys=True) for r in responses}) == 1
    assert _message_count(api) == 2
    assert len(_queued_refs(api_queue)) == 1


def test_stop_keeps_the_partial_answer(api: Api) -> None:
    with api.user() as client:
        pair = client.post(_conversation(client), json={"content": "long story"}).json()
        answer = pair["assistant_message"]
        claim = claim_answer(api.engine, answer)
        jobs.save_progress(api.engine, claim, "Once upon a")
        stopped = client.post(f"/api/messages/{answer['id']}/stop")
        again = client.post(f"/api/messages/{answer['id']}/stop")
        user_message = client.post(f"/api/messages/{pair['user_message']['id']}/stop")
    assert stopped.status_code == 200
    assert (stopped.json()["status"], stopped.json()["content"]) == ("cancelled", "Once upon a")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    assert user_message.status_code == 409
    assert not jobs.save_progress(api.engine, claim, "Once upon a time")  # the worker must stop


def test_a_finished_answer_cannot_be_stopped_or_retried(api: Api) -> None:
    with api.user() as client:
        answer = client.post(_conversation(client), json={"content": "hi"}).json()[
            "assistant_message"
        ]
        jobs.complete(api.engine, claim_answer(api.engine, answer), "Hello!")
        stop = client.post(f"/api/messages/{answer['id']}/stop")
        retry = client.post(f"/api/messages/{answer['id']}/retry")
    assert stop.status_code == retry.status_code == 409
    assert stop.json() == {"detail": "Already done"}


def test_retry_starts_a_new_attempt_and_queues_it(api: Api, api_queue: JobQueue) -> None:
    with api.user() as client:
        answer = client.post(_conversation(client), json={"content": "hi"}).json()[
            "assistant_message"
        ]
        assert len(_queued_refs(api_queue)) == 1
        jobs.fail(api.engine, claim_answer(api.engine, answer), "rate_limited", "LLM busy")
        failed = client.get(f"/api/messages/{answer['id']}").json()
        retried = client.post(f"/api/messages/{answer['id']}/retry")
    assert (failed["status"], failed["error_code"]) == ("failed", "rate_limited")
    assert retried.status_code == 202
    body = retried.json()
    assert (body["status"], body["attempt"], body["content"], body["error_code"]) == (
        "queued",
        2,
        "",
        None,
    )
    assert _queued_refs(api_queue) == [JobRef(JobKind.chat, answer["id"], 2)]


def _answered(api: Api, client: httpx.Client, path: str, content: str, text: str) -> dict[str, Any]:
    """Send `content` and act as the worker: the answer is done with `text`."""
    answer: dict[str, Any] = client.post(path, json={"content": content}).json()[
        "assistant_message"
    ]
    assert jobs.complete(api.engine, claim_answer(api.engine, answer), text)
    return answer


def test_regenerate_writes_the_latest_answer_again_in_place(api: Api, api_queue: JobQueue) -> None:
    with api.user() as client:
        path = _conversation(client)
        answer = _answered(api, client, path, "hi", "Hello!")
        assert len(_queued_refs(api_queue)) == 1
        regenerated = client.post(f"/api/messages/{answer['id']}/regenerate")
        queued = _queued_refs(api_queue)
        claim = claim_answer(api.engine, regenerated.json())
        assert jobs.complete(api.engine, claim, "Hi there!")
        stored = client.get(f"/api/messages/{answer['id']}").json()
        thread = client.get(path.removesuffix("/messages")).json()["messages"]
    assert regenerated.status_code == 202
    body = regenerated.json()
    assert (body["id"], body["status"], body["attempt"], body["content"]) == (
        answer["id"],
        "queued",
        2,
        "",
    )
    assert queued == [JobRef(JobKind.chat, answer["id"], 2)]
    assert (stored["status"], stored["attempt"], stored["content"]) == ("done", 2, "Hi there!")
    assert [(m["role"], m["content"]) for m in thread] == [
        ("user", "hi"),
        ("assistant", "Hi there!"),
    ]


def test_regenerate_refuses_all_but_the_latest_done_answer(api: Api, api_queue: JobQueue) -> None:
    with api.user() as client, api.user() as stranger:
        path = _conversation(client)
        first = _answered(api, client, path, "one", "First answer")
        pair = client.post(path, json={"content": "two"}).json()
        question, latest = pair["user_message"], pair["assistant_message"]

        def regenerate(message: dict[str, Any], by: httpx.Client = client) -> httpx.Response:
            return by.post(f"/api/messages/{message['id']}/regenerate")

        queued = regenerate(latest)
        claim = claim_answer(api.engine, latest)
        running = regenerate(latest)
        assert jobs.fail(api.engine, claim, "server_error", "boom")
        failed = regenerate(latest)
        assert client.post(f"/api/messages/{latest['id']}/retry").status_code == 202
        assert client.post(f"/api/messages/{latest['id']}/stop").status_code == 200
        cancelled = regenerate(latest)
        earlier = regenerate(first)
        user_message = regenerate(question)
        others = regenerate(first, stranger)
        missing = client.post("/api/messages/999999999/regenerate")
        _queued_refs(api_queue)
        first_now = client.get(f"/api/messages/{first['id']}").json()
    conflicts = (queued, running, failed, cancelled, earlier, user_message)
    assert [r.status_code for r in conflicts] == [409] * 6
    assert [r.json()["detail"] for r in conflicts] == [
        "Already queued: the answer is being written",
        "Already running: the answer is being written",
        "Only a done answer can be regenerated: retry a failed one",
        "Only a done answer can be regenerated: retry a cancelled one",
        "Only the latest answer of a conversation can be regenerated",
        "Only an answer can be stopped, retried or regenerated",
    ]
    assert others.status_code == missing.status_code == 404
    assert (first_now["status"], first_now["attempt"], first_now["content"]) == (
        "done",
        1,
        "First answer",
    )


def test_concurrent_regenerates_start_exactly_one_attempt(api: Api, api_queue: JobQueue) -> None:
    token = api.register()
    with api.client(token) as client:
        answer = _answered(api, client, _conversation(client), "hi", "Hello!")
    _queued_refs(api_queue)

    def regenerate(_: int) -> httpx.Response:
        with api.client(token) as own:
            return own.post(f"/api/messages/{answer['id']}/regenerate")

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(regenerate, range(8)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [202] + [409] * 7
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {
        "Already queued: the answer is being written"
    }
    assert _queued_refs(api_queue) == [JobRef(JobKind.chat, answer["id"], 2)]
    with Session(api.engine) as session:
        stored = session.get(Message, answer["id"])
        assert stored is not None and (stored.status, stored.attempt) == ("queued", 2)
