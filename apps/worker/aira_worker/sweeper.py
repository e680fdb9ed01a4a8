"""The sweeper: sends jobs again whose queue message was lost.

A job is lost when its send failed after the commit (it stayed `queued` without being sent for a
while) or when its worker died and its message is gone (`running` with an expired lease). Several
workers may sweep at once: re-sends of one attempt share a deduplication id, and the claim absorbs
any duplicate that gets through.
"""

import asyncio
import logging
import random

from aira_core import jobs
from aira_core.models import JobKind
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from aira_worker.metrics import SWEEPER_RESENT
from aira_worker.waiting import stopped_within

log = logging.getLogger(__name__)


def sweep_once(engine: Engine, queue: JobQueue, queued_for_seconds: float) -> int:
    """Send every lost job again; returns how many were sent."""
    sent = 0
    for kind in JobKind:
        for row in jobs.stale_jobs(engine, kind, queued_for_seconds):
            if jobs.publish(engine, queue, row):
                SWEEPER_RESENT.labels(kind.value).inc()
                sent += 1
    if sent:
        log.info("sweeper sent %d lost job(s) again", sent)
    return sent


async def run_sweeper(
    engine: Engine,
    queue: JobQueue,
    *,
    interval_seconds: float,
    queued_for_seconds: float,
    stopping: asyncio.Event,
) -> None:
    # A random start spreads the sweeps of workers started together.
    delay = random.uniform(0, interval_seconds)
    while not await stopped_within(stopping, delay):
        try:
            await asyncio.to_thread(sweep_once, engine, queue, queued_for_seconds)
        except Exception:
            log.warning("sweep failed; trying again next round", exc_info=True)
        delay = interval_seconds
