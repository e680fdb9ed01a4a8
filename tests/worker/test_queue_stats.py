"""The queue gauges: depths from the queue, the oldest queued job's age from the jobs' rows, so
the backlog alert works on SQS too (SQS has no attribute for its oldest message's age)."""

import asyncio
import time
from datetime import timedelta

from aira_core.db import session_scope
from aira_core.models import Message, utcnow
from aira_core.queue.port import JobQueue
from aira_worker.metrics import QUEUE_MESSAGES, QUEUE_OLDEST_AGE
from aira_worker.queue_stats import report_queue_stats
from prometheus_client import REGISTRY
from sqlalchemy import Engine, update
from sqlmodel import col

from tests.support.jobs import ask, create_conversation, create_user


def test_the_oldest_queued_jobs_age_is_reported_for_either_queue(
    db_engine: Engine, queue: JobQueue, stack: str
) -> None:
    conversation = create_conversation(db_engine, create_user(db_engine))
    waiting = ask(db_engine, queue, conversation, "is anyone there?")
    ask(db_engine, queue, create_conversation(db_engine, create_user(db_engine)), "newer")
    with session_scope(db_engine) as session:
        session.execute(
            update(Message)
            .where(col(Message.id) == waiting.id)
            .values(updated_at=utcnow() - timedelta(minutes=10))
        )
    if stack.endswith("-sqs"):
        assert queue.stats().oldest_age_seconds == 0  # all SQS can tell
    QUEUE_OLDEST_AGE.set(0)
    QUEUE_MESSAGES.labels("visible").set(0)

    asyncio.run(_one_report(queue, db_engine))

    age = REGISTRY.get_sample_value("aira_queue_oldest_message_age_seconds")
    assert age is not None and 600 <= age < 660
    assert REGISTRY.get_sample_value("aira_queue_messages", {"state": "visible"}) == 2


async def _one_report(queue: JobQueue, engine: Engine) -> None:
    stopping = asyncio.Event()
    reporter = asyncio.create_task(
        report_queue_stats(queue, engine, interval_seconds=60, stopping=stopping)
    )
    deadline = time.monotonic() + 10
    while not REGISTRY.get_sample_value("aira_queue_oldest_message_age_seconds"):
        assert time.monotonic() < deadline, "no queue statistics reported"
        await asyncio.sleep(0.05)
    stopping.set()
    await reporter
