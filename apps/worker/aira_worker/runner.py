"""One queue message, start to end: claim the job, keep it claimed, stream the answer into its
row, and settle the row and the message (settlement.py)."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from aira_core import jobs
from aira_core.jobs import Claim, JobRef
from aira_core.logging import bind_job
from aira_core.models import utcnow
from aira_core.queue.port import JobQueue, ReceivedMessage
from aira_core.tracing import consumer_span
from sqlalchemy import Engine

from aira_worker.config import WorkerSettings
from aira_worker.errors import GenerationError, classify
from aira_worker.heartbeat import keep_claimed
from aira_worker.job_input import JobInput, load_input
from aira_worker.metrics import (
    IN_FLIGHT,
    JOB_DURATION,
    JOBS,
    LLM_DURATION,
    QUEUE_LAG,
    TIME_TO_FIRST_TOKEN,
)
from aira_worker.progress import ProgressFlusher, ProgressWriter
from aira_worker.prompts import Prompt, build_prompt
from aira_worker.responder import Responder
from aira_worker.settlement import Outcome, Settlement

log = logging.getLogger(__name__)

COUNTED_OUTCOMES = frozenset({Outcome.done, Outcome.failed, Outcome.cancelled, Outcome.released})
FINAL_OUTCOMES = frozenset({Outcome.done, Outcome.failed, Outcome.cancelled})


class JobRunner:
    def __init__(
        self,
        engine: Engine,
        queue: JobQueue,
        responder: Responder,
        worker: WorkerSettings,
        *,
        lease_seconds: int,
        max_receives: int,
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.responder = responder
        self.worker = worker
        self.lease_seconds = lease_seconds
        self.settlement = Settlement(engine, queue, worker, max_receives=max_receives)
        self.progress = ProgressFlusher(engine, worker.flush_interval_seconds)

    async def run(self, message: ReceivedMessage, abandon: asyncio.Event) -> Outcome:
        """Handle one message; `abandon` set means: stop now and give the job back (shutdown)."""
        try:
            ref = JobRef.parse(message.body)
        except (ValueError, KeyError, TypeError):
            log.error("dropping a malformed queue message: %.200r", message.body)
            await self.settlement.delete(message)
            return Outcome.skipped
        attributes = {"aira.job.kind": ref.kind.value, "aira.job.id": ref.id}
        with (
            bind_job(ref.kind.value, ref.id),
            consumer_span("job", message.trace_context, attributes),
        ):
            claim = await asyncio.to_thread(jobs.claim, self.engine, ref, self.lease_seconds)
            if claim is None:
                outcome = await self.settlement.absorb(ref, message)
                log.info("message not claimed: %s", outcome.value)
                return outcome
            return await self._run_claimed(claim, message, abandon)

    async def _run_claimed(
        self, claim: Claim, message: ReceivedMessage, abandon: asyncio.Event
    ) -> Outcome:
        kind = claim.ref.kind.value
        started = time.monotonic()
        IN_FLIGHT.labels(kind).inc()
        log.info("job claimed (receive %d)", message.receive_count)
        try:
            outcome = await self._attempt(claim, message, abandon)
        finally:
            IN_FLIGHT.labels(kind).dec()
        if outcome in COUNTED_OUTCOMES:
            JOBS.labels(kind, outcome.value).inc()
        if outcome in FINAL_OUTCOMES:
            JOB_DURATION.labels(kind).observe(time.monotonic() - started)
        log.info("job %s", outcome.value)
        return outcome

    async def _attempt(
        self, claim: Claim, message: ReceivedMessage, abandon: asyncio.Event
    ) -> Outcome:
        lost = asyncio.Event()
        writer = ProgressWriter(claim, lost)
        try:
            async with self._held(claim, message, writer, lost):
                prompt = await self._prompt_for(claim, message)
                stopped_by = await _first_of(self._generate(prompt, writer), lost, abandon)
        except Exception as exc:
            error = classify(exc)
            if error.code == "internal_error":
                log.error("unexpected failure while generating", exc_info=exc)
            return await self.settlement.after_error(claim, message, error)
        if stopped_by is lost:
            return await self.settlement.after_loss(claim.ref, message)
        if stopped_by is abandon:
            return await self.settlement.give_back(claim, message, 0)
        return await self.settlement.finish(claim, message, prompt, writer.text)

    @contextlib.asynccontextmanager
    async def _held(
        self, claim: Claim, message: ReceivedMessage, writer: ProgressWriter, lost: asyncio.Event
    ) -> AsyncIterator[None]:
        """Heartbeat and partial-text flushes run while the job is generated, and stop before it
        is settled (so neither races the final write)."""
        heartbeat = asyncio.create_task(
            keep_claimed(self.engine, self.queue, claim, message.receipt, self.lease_seconds, lost)
        )
        try:
            with self.progress.tracking(writer):
                yield
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _prompt_for(self, claim: Claim, message: ReceivedMessage) -> Prompt:
        job_input = await asyncio.to_thread(load_input, self.engine, claim.ref)
        if job_input is None:
            raise GenerationError("job_missing", "the job's row is gone", retryable=False)
        _observe_lag(claim, job_input, message)
        return build_prompt(job_input)

    async def _generate(self, prompt: Prompt, writer: ProgressWriter) -> None:
        kind = prompt.kind.value
        started = time.monotonic()
        first = True
        async for delta in self.responder.stream(prompt):
            if first:
                TIME_TO_FIRST_TOKEN.labels(kind).observe(time.monotonic() - started)
                first = False
            writer.append(delta)
        LLM_DURATION.labels(kind).observe(time.monotonic() - started)
        if not writer.text.strip():
            raise GenerationError("empty_answer", "the language model sent no text", True)


async def _first_of(
    generation: Coroutine[Any, Any, None], *events: asyncio.Event
) -> asyncio.Event | None:
    """Run the generation until it ends (None) or one of `events` is set (that event).
    A generation error propagates; a generation cut short is cancelled."""
    work = asyncio.create_task(generation)
    waiters = {asyncio.create_task(event.wait()): event for event in events}
    try:
        await asyncio.wait([work, *waiters], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        if not work.done():
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
    if work.done() and not work.cancelled():
        work.result()
        return None
    return next(event for event in events if event.is_set())


def _observe_lag(claim: Claim, job_input: JobInput, message: ReceivedMessage) -> None:
    """Enqueue-to-claim time of the first delivery (later ones include deliberate backoff)."""
    if message.receive_count == 1 and job_input.enqueued_at is not None:
        lag = (utcnow() - job_input.enqueued_at).total_seconds()
        QUEUE_LAG.labels(claim.ref.kind.value).observe(max(lag, 0.0))
