"""Keeping a job ours while it runs: the lease in the database and the message's invisibility in
the queue are both extended every third of the lease, so a crash frees both soon after."""

import asyncio
import logging
from collections.abc import Collection

from aira_core import jobs
from aira_core.jobs import Claim
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from aira_worker.metrics import HEARTBEAT

log = logging.getLogger(__name__)

MIN_INTERVAL_SECONDS = 0.5


def heartbeat_interval(lease_seconds: int) -> float:
    return max(lease_seconds / 3, MIN_INTERVAL_SECONDS)


async def extend_visibility(queue: JobQueue, receipt: str, seconds: int) -> None:
    try:
        await asyncio.to_thread(queue.change_visibility, receipt, seconds)
    except Exception:
        # The lease still protects the job; a message that reappears is absorbed by the claim.
        log.warning("could not extend the message's visibility", exc_info=True)


async def keep_claimed(
    engine: Engine,
    queue: JobQueue,
    claim: Claim,
    receipt: str,
    lease_seconds: int,
    lost: asyncio.Event,
) -> None:
    """Run until cancelled; sets `lost` when the job is no longer ours (stopped or reclaimed).
    The receive made the message invisible for a whole lease (and `keep_invisible` kept it so
    while it waited its turn), so both need renewing only a third of a lease from now."""
    while True:
        await asyncio.sleep(heartbeat_interval(lease_seconds))
        try:
            renewed = await asyncio.to_thread(jobs.renew, engine, claim, lease_seconds)
        except Exception:
            log.warning("could not renew the job's lease", exc_info=True)
            continue
        if not renewed:
            lost.set()
            return
        HEARTBEAT.set_to_current_time()
        await extend_visibility(queue, receipt, lease_seconds)


async def keep_invisible(queue: JobQueue, receipts: Collection[str], lease_seconds: int) -> None:
    """Hold messages received ahead of their turn (later messages of a conversation already being
    answered) until the worker gets to them. `receipts` may shrink while this runs."""
    while True:
        await asyncio.sleep(heartbeat_interval(lease_seconds))
        for receipt in list(receipts):
            await extend_visibility(queue, receipt, lease_seconds)
