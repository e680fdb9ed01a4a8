"""Queue depth and age for the metrics (and the backlog alarms), read periodically."""

import asyncio
import logging

from aira_core.queue.port import JobQueue

from aira_worker.metrics import QUEUE_MESSAGES, QUEUE_OLDEST_AGE
from aira_worker.waiting import stopped_within

log = logging.getLogger(__name__)


async def report_queue_stats(
    queue: JobQueue, *, interval_seconds: float, stopping: asyncio.Event
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
            QUEUE_OLDEST_AGE.set(stats.oldest_age_seconds)
        if await stopped_within(stopping, interval_seconds):
            return
