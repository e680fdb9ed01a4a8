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
def conversation(engine: Engine) -> Conversation:
    with session_scope(engine) as session:
        user = User(email="mina@example.com", password_hash="x")
        session.add(user)
        session.flush()
        conversation = Conversation(user_id=user.id, title="chat")
        session.add(conversation)
        session.flush()
        return conversation


@pytest.fixture
def new_answer(engine: Engine, conversation: Conversation) -> Callable[[], Message]:
    """Adds a queued assistant message (a chat job) to the conversation."""

    def add() -> Message:
        with session_scope(engine) as session:
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
    engine: Engine, new_answer: Callable[[], Message]
) -> None:
    # Two workers with their own connection pools, as two processes would have.
    other_worker = create_db_engine(engine.url.render_as_string(hide_password=False))
    try:
        for _ in range(10):
            ref = jobs.ref_of(new_answer())
            claims = run_together(
                [partial(jobs.claim, engine, ref, LEASE) for engine in (engine, other_worker)]
            )
            winners = [claim for claim in claims if claim is not None]
            assert len(winners) == 1
            assert load(engine, ref).lease_token == winners[0].token
    finally:
        other_worker.dispose()


def test_a_running_job_cannot_be_claimed_until_its_lease_expires(
    engine: Engine, answer: JobRef
) -> None:
    first = claimed(engine, answer)
    assert jobs.claim(engine, answer, LEASE) is None
    expire_lease(engine, answer)
    second = claimed(engine, answer)
    assert second.token != first.token
    row = load(engine, answer)
    assert (row.status, row.lease_token) == (JobStatus.running, second.token)


def test_a_stale_claim_can_no_longer_write(engine: Engine, answer: JobRef) -> None:
    stale = claimed(engine, answer)
    assert jobs.save_progress(engine, stale, "안녕")
    expire_lease(engine, answer)
    current = claimed(engine, answer)
    assert load(engine, answer).content == "", "a new claim starts the answer afresh"
    assert not jobs.save_progress(engine, stale, "stale text")
    assert not jobs.renew(engine, stale, LEASE)
    assert not jobs.complete(engine, stale, "stale answer")
    assert not jobs.fail(engine, stale, "llm_error", "stale failure")
    assert not jobs.release(engine, stale)
    assert jobs.complete(engine, current, "안녕하세요")
    row = load(engine, answer)
    assert (row.status, row.content, row.lease_until) == (JobStatus.done, "안녕하세요", None)


def test_renew_extends_the_lease(engine: Engine, answer: JobRef) -> None:
    claim = claimed(engine, answer)
    before = load(engine, answer).lease_until
    assert jobs.renew(engine, claim, LEASE * 10)
    after = load(engine, answer).lease_until
    assert before is not None and after is not None and after > before


def test_release_gives_the_job_back_for_the_next_receive(engine: Engine, answer: JobRef) -> None:
    claim = claimed(engine, answer)
    assert jobs.release(engine, claim)
    assert load(engine, answer).status == JobStatus.queued
    assert not jobs.save_progress(engine, claim, "after release")
    claimed(engine, answer)


def test_fail_records_the_error_code(engine: Engine, answer: JobRef) -> None:
    claim = claimed(engine, answer)
    assert jobs.fail(engine, claim, "insufficient_quota", "x" * 5000)
    row = load(engine, answer)
    assert (row.status, row.error_code, len(row.error or "")) == (
        JobStatus.failed,
        "insufficient_quota",
        1000,
    )


def test_fail_unclaimed_ends_a_job_that_no_worker_holds(engine: Engine, answer: JobRef) -> None:
    assert jobs.fail_unclaimed(engine, answer, "max_receives", "gave up")
    assert load(engine, answer).status == JobStatus.failed
    assert not jobs.fail_unclaimed(engine, answer, "max_receives", "already final")


def test_cancel_stops_queued_and_running_jobs_and_keeps_partial_text(
    engine: Engine, new_answer: Callable[[], Message]
) -> None:
    queued = jobs.ref_of(new_answer())
    assert jobs.cancel(engine, JobKind.chat, queued.id)
    assert jobs.claim(engine, queued, LEASE) is None

    running = jobs.ref_of(new_answer())
    claim = claimed(engine, running)
    assert jobs.save_progress(engine, claim, "옛날 옛적에")
    assert jobs.cancel(engine, JobKind.chat, running.id)
    assert not jobs.save_progress(engine, claim, "옛날 옛적에 토끼가")
    assert not jobs.complete(engine, claim, "the whole answer")
    row = load(engine, running)
    assert (row.status, row.content) == (JobStatus.cancelled, "옛날 옛적에")
    assert not jobs.cancel(engine, JobKind.chat, running.id), "a final job stays final"


def test_retry_starts_a_new_attempt_that_the_old_one_cannot_touch(
    engine: Engine, answer: JobRef
) -> None:
    assert jobs.retry(engine, JobKind.chat, answer.id) is None, "only failed/cancelled retry"
    assert jobs.fail(engine, claimed(engine, answer), "llm_error", "boom")

    retries = run_together([partial(jobs.retry, engine, JobKind.chat, answer.id)] * 2)
    new = [ref for ref in retries if ref is not None]
    assert new == [JobRef(JobKind.chat, answer.id, 2)]
    row = load(engine, answer)
    assert (row.status, row.attempt, row.error_code, row.content) == (
        JobStatus.queued,
        2,
        None,
        "",
    )
    assert not jobs.is_current(engine, answer)
    assert jobs.is_current(engine, new[0])
    assert jobs.claim(engine, answer, LEASE) is None, "a message of the old attempt is void"
    assert jobs.complete(engine, claimed(engine, new[0]), "done now")


def test_stale_jobs_are_unsent_queued_jobs_and_expired_leases(
    engine: Engine, new_answer: Callable[[], Message]
) -> None:
    never_sent = jobs.ref_of(new_answer())
    fresh = jobs.ref_of(new_answer())
    lost_worker = jobs.ref_of(new_answer())
    working = jobs.ref_of(new_answer())
    claimed(engine, lost_worker)
    claimed(engine, working)
    expire_lease(engine, lost_worker)
    with session_scope(engine) as session:
        session.execute(
            update(Message)
            .where(col(Message.id) == never_sent.id)
            .values(updated_at=utcnow() - timedelta(minutes=5))
        )
    stale = {row.id for row in jobs.stale_jobs(engine, JobKind.chat, queued_for=60)}
    assert stale == {never_sent.id, lost_worker.id}
    assert fresh.id not in stale and working.id not in stale


def test_publish_sends_and_marks_the_job_enqueued(engine: Engine, answer: JobRef) -> None:
    queue = LocalQueue(engine, visibility_timeout=LEASE, max_receives=3)
    assert jobs.publish(engine, queue, load(engine, answer))
    assert load(engine, answer).enqueued_at is not None
    [message] = queue.receive(wait_seconds=0)
    assert JobRef.parse(message.body) == answer
    assert message.group_id.startswith("conversation-")


def test_a_failed_send_leaves_the_job_queued_for_the_sweeper(
    engine: Engine, answer: JobRef, tmp_path: Any
) -> None:
    unreachable = create_db_engine(f"sqlite:///{tmp_path / 'missing' / 'queue.db'}")
    queue = LocalQueue(unreachable, visibility_timeout=LEASE, max_receives=3)
    assert not jobs.publish(engine, queue, load(engine, answer))
    row = load(engine, answer)
    assert (row.status, row.enqueued_at) == (JobStatus.queued, None)


def test_story_jobs_follow_the_same_transitions(engine: Engine, conversation: Conversation) -> None:
    with session_scope(engine) as session:
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
    claim = claimed(engine, ref)
    assert jobs.complete(engine, claim, "끝", title="달빛 토끼", pages=["첫 장", "끝"])
    row = load(engine, ref)
    assert isinstance(row, Story)
    assert (row.status, row.title, row.pages) == (JobStatus.done, "달빛 토끼", ["첫 장", "끝"])


def _queued_since(engine: Engine, ref: JobRef, ago: timedelta) -> None:
    table = JOB_TABLES[ref.kind]
    with session_scope(engine) as session:
        session.execute(
            update(table).where(col(table.id) == ref.id).values(updated_at=utcnow() - ago)
        )


def test_oldest_queued_age_is_the_longest_wait_of_a_queued_job(
    engine: Engine, conversation: Conversation, new_answer: Callable[[], Message]
) -> None:
    assert jobs.oldest_queued_age(engine) == 0.0  # nothing waits
    waiting = jobs.ref_of(new_answer())
    running = jobs.ref_of(new_answer())
    done = jobs.ref_of(new_answer())
    claimed(engine, running)
    jobs.complete(engine, claimed(engine, done), "answer")
    with session_scope(engine) as session:
        story = Story(
            user_id=conversation.user_id,
            child_name="Mina",
            age=5,
            theme="stars",
            length="short",
            language="en",
        )
        session.add(story)
        session.flush()
        waiting_story = jobs.ref_of(story)
    # Jobs no longer waiting do not count, however old.
    for ref in (running, done):
        _queued_since(engine, ref, timedelta(hours=2))
    _queued_since(engine, waiting, timedelta(minutes=3))
    _queued_since(engine, waiting_story, timedelta(minutes=10))
    assert 600 <= jobs.oldest_queued_age(engine) < 660
    # A re-send (the sweeper's) does not make the job any younger.
    queue = LocalQueue(engine, visibility_timeout=LEASE, max_receives=3)
    assert jobs.publish(engine, queue, load(engine, waiting_story))
    assert 600 <= jobs.oldest_queued_age(engine) < 660
    jobs.cancel(engine, JobKind.story, waiting_story.id)
    assert 180 <= jobs.oldest_queued_age(engine) < 240
