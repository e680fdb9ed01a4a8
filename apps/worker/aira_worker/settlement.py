"""How an attempt ends, for the row and for its queue message.

The row is settled first and the message deleted only after the row is final, so a crash in
between costs at most a duplicate delivery, which the claim absorbs. A retryable failure gives
the job back with a backoff; on the message's last allowed receive it fails the job instead and
leaves the message to the dead-letter queue, so no user waits for an answer that never comes.
"""

import asyncio
import logging
import math
from enum import StrEnum

from aira_core import jobs
from aira_core.jobs import Claim, JobRef
from aira_core.models import JobKind, JobStatus
from aira_core.queue.port import JobQueue, ReceivedMessage
from sqlalchemy import Engine

from aira_worker.backoff import retry_delay_seconds
from aira_worker.config import WorkerSettings
from aira_worker.errors import GenerationError
from aira_worker.job_state import load_state
from aira_worker.metrics import LLM_ERRORS
from aira_worker.prompts import Prompt, fallback_title
from aira_worker.story_format import parse_story

log = logging.getLogger(__name__)

RETRIES_EXHAUSTED = "retries_exhausted"
# A message whose job is being answered elsewhere comes back at the latest when that lease ends.
LEASE_MARGIN_SECONDS = 1
# A job's error column holds at most this much.
ERROR_MAX_CHARS = 1000


class Outcome(StrEnum):
    done = "done"
    failed = "failed"
    cancelled = "cancelled"
    released = "released"  # given back to the queue to be tried again
    skipped = "skipped"  # a duplicate or stale message; nothing to do
    elsewhere = "elsewhere"  # another worker holds the job now


class Settlement:
    def __init__(
        self,
        engine: Engine,
        queue: JobQueue,
        worker: WorkerSettings,
        *,
        max_receives: int,
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.worker = worker
        self.max_receives = max_receives

    async def finish(
        self, claim: Claim, message: ReceivedMessage, prompt: Prompt, text: str
    ) -> Outcome:
        fields = {}
        if claim.ref.kind is JobKind.story:
            title, pages = parse_story(text, fallback_title(prompt))
            fields = {"title": title, "pages": pages}
        if await asyncio.to_thread(jobs.complete, self.engine, claim, text, **fields):
            await self.delete(message)
            return Outcome.done
        return await self.after_loss(claim.ref, message)

    async def after_error(
        self, claim: Claim, message: ReceivedMessage, error: GenerationError
    ) -> Outcome:
        LLM_ERRORS.labels(claim.ref.kind.value, error.code).inc()
        if not error.retryable:
            log.warning("job failed: %s", error)
            return await self._fail(claim, message, error.code, error.message, delete=True)
        if message.receive_count >= self.max_receives:
            log.warning("job failed after %d tries: %s", message.receive_count, error)
            reason = f"gave up after {message.receive_count} tries; last error: {error}"
            return await self._fail(claim, message, RETRIES_EXHAUSTED, reason, delete=False)
        delay = retry_delay_seconds(
            message.receive_count,
            error.retry_after,
            base=self.worker.backoff_base_seconds,
            cap=self.worker.backoff_max_seconds,
        )
        log.info("job released for a retry in %d s: %s", delay, error)
        return await self.give_back(claim, message, delay)

    async def give_back(self, claim: Claim, message: ReceivedMessage, delay: int) -> Outcome:
        """Release the job and let its message come back after `delay` seconds."""
        if not await asyncio.to_thread(jobs.release, self.engine, claim):
            return await self.after_loss(claim.ref, message)
        await self.set_visibility(message, delay)
        return Outcome.released

    async def after_loss(self, ref: JobRef, message: ReceivedMessage) -> Outcome:
        """The row refused our write: the user stopped the job, or another worker took it over."""
        state = await asyncio.to_thread(load_state, self.engine, ref)
        if state is None or state.settled_for(ref):
            await self.delete(message)
            cancelled = state is not None and state.status is JobStatus.cancelled
            return Outcome.cancelled if cancelled else Outcome.skipped
        await self.set_visibility(
            message, math.ceil(state.lease_left_seconds()) + LEASE_MARGIN_SECONDS
        )
        return Outcome.elsewhere

    async def absorb(self, ref: JobRef, message: ReceivedMessage) -> Outcome:
        """The claim failed: drop a duplicate, or keep the message while another worker runs it."""
        state = await asyncio.to_thread(load_state, self.engine, ref)
        if state is None or state.settled_for(ref):
            await self.delete(message)
            return Outcome.skipped
        if state.status is JobStatus.running:
            wait = math.ceil(state.lease_left_seconds()) + LEASE_MARGIN_SECONDS
            await self.set_visibility(message, wait)
            return Outcome.elsewhere
        # Queued again in the meantime (released by its worker): claim it on the next receive.
        await self.set_visibility(message, 0)
        return Outcome.elsewhere

    async def _fail(
        self, claim: Claim, message: ReceivedMessage, code: str, reason: str, *, delete: bool
    ) -> Outcome:
        failed = await asyncio.to_thread(
            jobs.fail, self.engine, claim, code, reason[:ERROR_MAX_CHARS]
        )
        if not failed:
            return await self.after_loss(claim.ref, message)
        if delete:
            await self.delete(message)
        else:
            # Visible at once, so the next receive moves it to the dead-letter queue.
            await self.set_visibility(message, 0)
        return Outcome.failed

    async def delete(self, message: ReceivedMessage) -> None:
        try:
            await asyncio.to_thread(self.queue.delete, [message.receipt])
        except Exception:
            # The message comes back and is absorbed as a duplicate of a settled job.
            log.warning("could not delete a settled job's message", exc_info=True)

    async def set_visibility(self, message: ReceivedMessage, seconds: int) -> None:
        try:
            await asyncio.to_thread(self.queue.change_visibility, message.receipt, seconds)
        except Exception:
            log.warning("could not change the message's visibility", exc_info=True)
