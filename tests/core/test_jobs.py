"""Job state transitions on SQLite and MariaDB: claims, leases, stale writers, cancel, retry."""

import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from aira_core import jobs
from aira_core.db import create_db_engine, session_scope
from aira_core.jobs import Claim, JobRef
from aira_core.models import (
    JOB_TABLES,
    Conversation,
    JobKind,
    JobStatus,
    Message,
    Story,
    User,
    utcnow,
)
from aira_core.queue import LocalQueue
from sqlalchemy import Engine, update
from sqlmodel import col

LEASE = 60


@pytest.fixture
def conversation(db_engine: Engine) -> Conversation:
    with session_scope(db_engine) as session:
        user = User(email="mina@example.com", password_hash="x")
        session.add(user)
        session.flush()
        conversation = Conversation(user_id=user.id, title="chat")
        session.add(conversation)
        session.flush()
        return conversation


@pytest.fixture
def new_answer(db_engine: Engine, conversation: Conversation) -> Callable[[], Message]:
    """Adds a queued assistant message (a chat job) to the conversation."""

    def add() -> Message:
        with session_scope(db_engine) as session:
            message = Message(conversation_id=conversation.id, role="assistant")
            session.add(message)
            session.flush()
            return message

    return add


@pytest.fixture
def answer(new_answer: Callable[[], Message]) -> JobRef:
    return jobs.ref_of(new_answer())


def load(engine: Engine, ref: JobRef) -> Message | Story:
    with session_scope(engine) as session:
        row = session.get(JOB_TABLES[ref.kind], ref.id)
        assert row is not None
        return row


def expire_lease(engine: Engine, ref: JobRef) -> None:
    """What a worker's death looks like once its lease has run out."""
    table = JOB_TABLES[ref.kind]
    with session_scope(engine) as session:
        session.execute(
            update(table)
            .where(col(table.id) == ref.id)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )


def claimed(engine: Engine, ref: JobRef) -> Claim:
    claim = jobs.claim(engine, ref, LEASE)
    assert claim is not None
    return claim


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start the calls at the same instant on separate threads; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_of_two_simultaneous_claims_exactly_one_wins(
    db_engine: Engine, database_url: str, new_answer: Callable[[], Message]
) -> None:
    # Two workers with their own connection pools, as two processes would have.
    other_worker = create_db_engine(database_url)
    try:
        for _ in range(10):
            ref = jobs.ref_of(new_answer())
            claims = run_together(
                [partial(jobs.claim, engine, ref, LEASE) for engine in (db_engine, other_worker)]
            )
            winners = [claim for claim in claims if claim is not None]
            assert len(winners) == 1
            assert load(db_engine, ref).lease_token == winners[0].token
    finally:
        other_worker.dispose()


def test_a_running_job_cannot_be_claimed_until_its_lease_expires(
    db_engine: Engine, answer: JobRef
) -> None:
    first = claimed(db_engine, answer)
    assert jobs.claim(db_engine, answer, LEASE) is None
    expire_lease(db_engine, answer)
    second = claimed(db_engine, answer)
    assert second.token != first.token
    row = load(db_engine, answer)
    assert (row.status, row.lease_token) == (JobStatus.running, second.token)


def test_a_stale_claim_can_no_longer_write(db_engine: Engine, answer: JobRef) -> None:
    stale = claimed(db_engine, answer)
    assert jobs.save_progress(db_engine, stale, "안녕")
    expire_lease(db_engine, answer)
    current = claimed(db_engine, answer)
    assert load(db_engine, answer).content == "", "a new claim starts the answer afresh"
    assert not jobs.save_progress(db_engine, stale, "stale text")
    assert not jobs.renew(db_engine, stale, LEASE)
    assert not jobs.complete(db_engine, stale, "stale answer")
    assert not jobs.fail(db_engine, stale, "llm_error", "stale failure")
    assert not jobs.release(db_engine, stale)
    assert jobs.complete(db_engine, current, "안녕하세요")
    row = load(db_engine, answer)
    assert (row.status, row.content, row.lease_until) == (JobStatus.done, "안녕하세요", None)


def test_renew_extends_the_lease(db_engine: Engine, answer: JobRef) -> None:
    claim = claimed(db_engine, answer)
    before = load(db_engine, answer).lease_until
    assert jobs.renew(db_engine, claim, LEASE * 10)
    after = load(db_engine, answer).lease_until
    assert before is not None and after is not None and after > before


def test_release_gives_the_job_back_for_the_next_receive(db_engine: Engine, answer: JobRef) -> None:
    claim = claimed(db_engine, answer)
    assert jobs.release(db_engine, claim)
    assert load(db_engine, answer).status == JobStatus.queued
    assert not jobs.save_progress(db_engine, claim, "after release")
    claimed(db_engine, answer)


def test_fail_records_the_error_code(db_engine: Engine, answer: JobRef) -> None:
    claim = claimed(db_engine, answer)
    assert jobs.fail(db_engine, claim, "insufficient_quota", "x" * 5000)
    row = load(db_engine, answer)
    assert (row.status, row.error_code, len(row.error or "")) == (
        JobStatus.failed,
        "insufficient_quota",
        1000,
    )


def test_fail_unclaimed_ends_a_job_that_no_worker_holds(db_engine: Engine, answer: JobRef) -> None:
    assert jobs.fail_unclaimed(db_engine, answer, "max_receives", "gave up")
    assert load(db_engine, answer).status == JobStatus.failed
    assert not jobs.fail_unclaimed(db_engine, answer, "max_receives", "already final")


def test_cancel_stops_queued_and_running_jobs_and_keeps_partial_text(
    db_engine: Engine, new_answer: Callable[[], Message]
) -> None:
    queued = jobs.ref_of(new_answer())
    assert jobs.cancel(db_engine, JobKind.chat, queued.id)
    assert jobs.claim(db_engine, queued, LEASE) is None

    running = jobs.ref_of(new_answer())
    claim = claimed(db_engine, running)
    assert jobs.save_progress(db_engine, claim, "옛날 옛적에")
    assert jobs.cancel(db_engine, JobKind.chat, running.id)
    assert not jobs.save_progress(db_engine, claim, "옛날 옛적에 토끼가")
    assert not jobs.complete(db_engine, claim, "the whole answer")
    row = load(db_engine, running)
    assert (row.status, row.content) == (JobStatus.cancelled, "옛날 옛적에")
    assert not jobs.cancel(db_engine, JobKind.chat, running.id), "a final job stays final"


def test_retry_starts_a_new_attempt_that_the_old_one_cannot_touch(
    db_engine: Engine, answer: JobRef
) -> None:
    assert jobs.retry(db_engine, JobKind.chat, answer.id) is None, "only failed/cancelled retry"
    assert jobs.fail(db_engine, claimed(db_engine, answer), "llm_error", "boom")

    retries = run_together([partial(jobs.retry, db_engine, JobKind.chat, answer.id)] * 2)
    new = [ref for ref in retries if ref is not None]
    assert new == [JobRef(JobKind.chat, answer.id, 2)]
    row = load(db_engine, answer)
    assert (row.status, row.attempt, row.error_code, row.content) == (
        JobStatus.queued,
        2,
        None,
        "",
    )
    assert not jobs.is_current(db_engine, answer)
    assert jobs.is_current(db_engine, new[0])
    assert jobs.claim(db_engine, answer, LEASE) is None, "a message of the old attempt is void"
    assert jobs.complete(db_engine, claimed(db_engine, new[0]), "done now")


def test_stale_jobs_are_unsent_queued_jobs_and_expired_leases(
    db_engine: Engine, new_answer: Callable[[], Message]
) -> None:
    never_sent = jobs.ref_of(new_answer())
    fresh = jobs.ref_of(new_answer())
    lost_worker = jobs.ref_of(new_answer())
    working = jobs.ref_of(new_answer())
    claimed(db_engine, lost_worker)
    claimed(db_engine, working)
    expire_lease(db_engine, lost_worker)
    with session_scope(db_engine) as session:
        session.execute(
            update(Message)
            .where(col(Message.id) == never_sent.id)
            .values(updated_at=utcnow() - timedelta(minutes=5))
        )
    stale = {row.id for row in jobs.stale_jobs(db_engine, JobKind.chat, queued_for=60)}
    assert stale == {never_sent.id, lost_worker.id}
    assert fresh.id not in stale and working.id not in stale


def test_publish_sends_and_marks_the_job_enqueued(db_engine: Engine, answer: JobRef) -> None:
    queue = LocalQueue(db_engine, visibility_timeout=LEASE, max_receives=3)
    assert jobs.publish(db_engine, queue, load(db_engine, answer))
    assert load(db_engine, answer).enqueued_at is not None
    [message] = queue.receive(wait_seconds=0)
    assert JobRef.parse(message.body) == answer
    assert message.group_id.startswith("conversation-")


def test_a_failed_send_leaves_the_job_queued_for_the_sweeper(
    db_engine: Engine, answer: JobRef, tmp_path: Any
) -> None:
    unreachable = create_db_engine(f"sqlite:///{tmp_path / 'missing' / 'queue.db'}")
    queue = LocalQueue(unreachable, visibility_timeout=LEASE, max_receives=3)
    assert not jobs.publish(db_engine, queue, load(db_engine, answer))
    row = load(db_engine, answer)
    assert (row.status, row.enqueued_at) == (JobStatus.queued, None)


def test_story_jobs_follow_the_same_transitions(
    db_engine: Engine, conversation: Conversation
) -> None:
    with session_scope(db_engine) as session:
        story = Story(
            user_id=conversation.user_id,
            child_name="하나",
            age=5,
            theme="friendship",
            length="short",
            language="ko",
        )
        session.add(story)
        session.flush()
        ref = jobs.ref_of(story)
        assert jobs.group_id(story) == f"story-{story.id}"
    claim = claimed(db_engine, ref)
    assert jobs.complete(db_engine, claim, "끝", title="달빛 토끼", pages=["첫 장", "끝"])
    row = load(db_engine, ref)
    assert isinstance(row, Story)
    assert (row.status, row.title, row.pages) == (JobStatus.done, "달빛 토끼", ["첫 장", "끝"])
