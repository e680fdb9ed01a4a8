"""Faults of the language model, injected into the OpenAI-speaking server at run time: retryable
ones are retried through the queue (honouring Retry-After), terminal ones fail the job at once
with an error code, and a job that keeps failing ends `failed` with its message dead-lettered."""

import time

from aira_core.models import JobKind, JobStatus
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from tests.support.jobs import ask, create_conversation, create_user, wait_final, wait_until
from tests.support.openai_server import RunningServer
from tests.worker.conftest import MAX_RECEIVES, RunWorker

ANSWER = "You said: are you there?. This is answer number 1."


def _ask(engine: Engine, queue: JobQueue) -> int:
    answer = ask(engine, queue, create_conversation(engine, create_user(engine)), "are you there?")
    assert answer.id is not None
    return answer.id


def _queue_is_empty(queue: JobQueue) -> bool:
    stats = queue.stats()
    return stats.visible == 0 and stats.in_flight == 0


def test_rate_limit_is_retried_after_the_servers_retry_after(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.inject("rate_limit", count=1, retry_after=2)
    job = _ask(db_engine, queue)
    started = time.monotonic()
    with run_worker():
        done = wait_final(db_engine, JobKind.chat, job)
    assert (done.status, done.content) == (JobStatus.done, ANSWER)
    assert time.monotonic() - started >= 2
    counters = use_llm.control.stats()["counters"]
    assert (counters["fault_rate_limit"], counters["requests"]) == (1, 2)


def test_server_errors_are_retried(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.inject("server_error", count=2)
    job = _ask(db_engine, queue)
    with run_worker():
        done = wait_final(db_engine, JobKind.chat, job)
    assert (done.status, done.content) == (JobStatus.done, ANSWER)
    assert use_llm.control.counter("requests") == 3


def test_a_stalled_stream_times_out_and_is_retried_from_scratch(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.inject("stall", count=1)
    job = _ask(db_engine, queue)
    with run_worker():
        done = wait_final(db_engine, JobKind.chat, job)
    assert (done.status, done.content) == (JobStatus.done, ANSWER)
    counters = use_llm.control.stats()["counters"]
    assert (counters["stalls"], counters["requests"]) == (1, 2)


def test_insufficient_quota_fails_the_job_at_once(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.inject("insufficient_quota", count=None)
    job = _ask(db_engine, queue)
    with run_worker():
        failed = wait_final(db_engine, JobKind.chat, job)
        wait_until(lambda: _queue_is_empty(queue), 10, "the message to be deleted")
        time.sleep(1.5)  # a retry would come within the backoff
    assert (failed.status, failed.error_code) == (JobStatus.failed, "insufficient_quota")
    assert use_llm.control.counter("requests") == 1
    assert queue.stats().dead_letters == 0


def test_content_filter_fails_the_job(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.inject("content_filter", count=1)
    job = _ask(db_engine, queue)
    with run_worker():
        failed = wait_final(db_engine, JobKind.chat, job)
        wait_until(lambda: _queue_is_empty(queue), 10, "the message to be deleted")
    assert (failed.status, failed.error_code) == (JobStatus.failed, "content_filter")
    assert use_llm.control.counter("requests") == 1


def test_a_job_that_keeps_failing_ends_failed_and_its_message_dead_lettered(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.always_fail("server_error")
    job = _ask(db_engine, queue)
    with run_worker():
        failed = wait_final(db_engine, JobKind.chat, job, timeout=40)
        wait_until(lambda: queue.stats().dead_letters == 1, 20, "the message in the DLQ")
    assert (failed.status, failed.error_code) == (JobStatus.failed, "retries_exhausted")
    assert "server_error" in (failed.error or "")
    assert use_llm.control.counter("requests") == MAX_RECEIVES
