"""Stop, shutdown, duplicates and order: the worker keeps the row the only truth."""

import time

from aira_core import jobs
from aira_core.jobs import JobRef
from aira_core.models import JobKind, JobStatus
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from tests.support.jobs import (
    ask,
    create_conversation,
    create_user,
    load,
    wait_final,
    wait_status,
    wait_until,
)
from tests.support.openai_server import RunningServer
from tests.worker.conftest import RunWorker

ANSWER = "You said: tell me a long story. This is answer number 1."


def _ask(engine: Engine, queue: JobQueue, text: str = "tell me a long story") -> int:
    answer = ask(engine, queue, create_conversation(engine, create_user(engine)), text)
    assert answer.id is not None
    return answer.id


def _partial(engine: Engine, job: int) -> str | None:
    row = load(engine, JobKind.chat, job)
    return row.content if row.status == JobStatus.running and row.content else None


def test_stop_mid_stream_keeps_the_partial_text(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.set_latency(4)
    job = _ask(db_engine, queue)
    with run_worker():
        wait_until(lambda: _partial(db_engine, job), 10, "partial text")
        assert jobs.cancel(db_engine, JobKind.chat, job)
        stopped = load(db_engine, JobKind.chat, job)
        wait_until(lambda: queue.stats().in_flight == 0, 10, "the message to be deleted")
        time.sleep(1)  # the stream would have written more by now
    final = load(db_engine, JobKind.chat, job)
    assert final.status == JobStatus.cancelled
    assert final.content == stopped.content
    assert final.content and ANSWER.startswith(final.content) and final.content != ANSWER
    assert queue.stats().visible == 0


def test_on_stop_jobs_in_flight_finish_within_the_grace_period(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.set_latency(1.5)
    job = _ask(db_engine, queue)
    with run_worker() as worker:
        wait_until(lambda: _partial(db_engine, job), 10, "partial text")
        worker.stop_threadsafe()
    done = load(db_engine, JobKind.chat, job)
    assert (done.status, done.content) == (JobStatus.done, ANSWER)


def test_jobs_still_running_after_the_grace_period_are_given_back_and_finished_later(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.set_latency(8)  # longer than the grace period
    job = _ask(db_engine, queue)
    with run_worker() as worker:
        wait_until(lambda: _partial(db_engine, job), 10, "partial text")
        worker.stop_threadsafe()
    assert load(db_engine, JobKind.chat, job).status == JobStatus.queued
    use_llm.control.set_latency(0.3)
    with run_worker():
        done = wait_final(db_engine, JobKind.chat, job)
    assert (done.status, done.content) == (JobStatus.done, ANSWER)


def test_duplicate_and_stale_messages_are_dropped_without_a_second_answer(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    job = _ask(db_engine, queue)
    with run_worker():
        wait_final(db_engine, JobKind.chat, job)
        duplicate = JobRef(JobKind.chat, job, 1)
        group = f"conversation-{load(db_engine, JobKind.chat, job).conversation_id}"
        queue.send(duplicate.body(), group_id=group, dedup_id="a-later-duplicate")
        stale = JobRef(JobKind.chat, job, 7)
        queue.send(stale.body(), group_id=group, dedup_id="a-stale-attempt")
        wait_until(
            lambda: (s := queue.stats()).visible == 0 and s.in_flight == 0,
            10,
            "the duplicates to be deleted",
        )
    assert use_llm.control.counter("requests") == 1
    assert load(db_engine, JobKind.chat, job).content == ANSWER


def test_answers_in_one_conversation_come_in_order(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    conversation = create_conversation(db_engine, create_user(db_engine))
    first = ask(db_engine, queue, conversation, "one")
    second = ask(db_engine, queue, conversation, "two")
    with run_worker():
        wait_final(db_engine, JobKind.chat, first.id or 0)
        done = wait_final(db_engine, JobKind.chat, second.id or 0)
    assert done.status == JobStatus.done
    second_prompt = use_llm.control.stats()["recent"][-1]["messages"]
    assert [m["content"] for m in second_prompt[1:]] == [
        "one",
        "You said: one. This is answer number 1.",
        "two",
    ]


def test_the_sweeper_sends_a_job_whose_send_failed(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    conversation = create_conversation(db_engine, create_user(db_engine))
    unsent = ask(db_engine, None, conversation, "tell me a long story")
    assert unsent.id is not None
    with run_worker():
        wait_status(db_engine, JobKind.chat, unsent.id, JobStatus.done, timeout=20)
    assert load(db_engine, JobKind.chat, unsent.id).content == ANSWER


def test_competing_workers_answer_every_message_exactly_once(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    user = create_user(db_engine)
    conversations = [create_conversation(db_engine, user) for _ in range(6)]
    answers = [ask(db_engine, queue, c, f"question {n}") for n, c in enumerate(conversations)]
    answers += [ask(db_engine, queue, c, "and another") for c in conversations[:3]]
    with run_worker(), run_worker():
        finished = [wait_final(db_engine, JobKind.chat, a.id or 0, timeout=60) for a in answers]
    assert {row.status for row in finished} == {JobStatus.done}
    assert use_llm.control.counter("requests") == len(answers)
    for row in finished[:6]:
        assert row.content.count("You said:") == 1
