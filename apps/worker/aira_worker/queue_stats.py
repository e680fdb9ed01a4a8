"""Queue depth and age for the metrics (and the backlog alarms), read periodically.

Depths come from the queue; the age of the oldest waiting job from the jobs' rows, for either
queue (SQS has no attribute for its oldest message's age, so its adapter reports 0).
"""

import asyncio
import logging

from aira_core import jobs
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from aira_worker.metrics import QUEUE_MESSAGES, QUEUE_OLDEST_AGE
from aira_worker.waiting import stopped_within

log = logging.getLogger(__name__)


async def report_queue_stats(
    queue: JobQueue, engine: Engine, *, interval_seconds: float, stopping: asyncio.Event
) -> None:
    while not stopping.is_set():
        try:
            stats = await asyncio.to_thread(queue.stats)
        except Exception:
            log.warning("could not read the queue's statistics", exc_info=True)
        else:
            QUEUE_MESSAGES.labels("visible").set(stats.visible)
            QUEUE_MESSAGES.labels("in_flight").set(stats.in_flight)
            QUEUE_MESSAGES.labels("dead_letter").set(stats.dead_letters)
        try:
            oldest_age = await asyncio.to_thread(jobs.oldest_queued_age, engine)
        except Exception:
            log.warning("could not read the oldest queued job's age", exc_info=True)
        else:
            QUEUE_OLDEST_AGE.set(oldest_age)
        if await stopped_within(stopping, interval_seconds):
            return
