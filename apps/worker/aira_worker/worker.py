"""The worker process's parts working together: the consumer, the sweeper and the queue
statistics, with a two-stage stop (stop receiving; after the grace period, give work back)."""

import asyncio
import logging
import threading
import time

from aira_core.queue.port import JobQueue
from aira_core.settings import Settings
from sqlalchemy import Engine

from aira_worker.config import WorkerSettings
from aira_worker.consumer import Consumer
from aira_worker.queue_stats import report_queue_stats
from aira_worker.responder import Responder
from aira_worker.runner import JobRunner
from aira_worker.sweeper import run_sweeper

log = logging.getLogger(__name__)

# A stop request this soon after the first is the same signal delivered twice.
REPEAT_SIGNAL_SECONDS = 1.0
LOCAL_RECEIVE_WAIT_SECONDS = 2.0


def receive_wait_seconds(settings: Settings, worker: WorkerSettings) -> float:
    """The local queue polls its table every fraction of a second whatever the wait, so a long
    wait saves nothing there and only delays a stop; SQS long polls save requests."""
    if settings.queue_url == "local":
        return min(worker.receive_wait_seconds, LOCAL_RECEIVE_WAIT_SECONDS)
    return worker.receive_wait_seconds


class Worker:
    def __init__(
        self,
        settings: Settings,
        worker: WorkerSettings,
        engine: Engine,
        queue: JobQueue,
        responder: Responder,
    ) -> None:
        self.settings = settings
        self.worker = worker
        self.engine = engine
        self.queue = queue
        runner = JobRunner(
            engine,
            queue,
            responder,
            worker,
            lease_seconds=settings.job_lease_seconds,
            max_receives=settings.max_receives,
        )
        self.consumer = Consumer(
            queue,
            runner,
            concurrency=settings.worker_concurrency,
            receive_wait_seconds=receive_wait_seconds(settings, worker),
            lease_seconds=settings.job_lease_seconds,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self.started = threading.Event()  # for embedders that run the worker in a thread
        self._stop_requested = False
        self._stop_at: float | None = None
        self._abandon_task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.started.set()
        stopping = self.consumer.stopping
        background = [
            asyncio.create_task(
                run_sweeper(
                    self.engine,
                    self.queue,
                    interval_seconds=self.worker.sweep_interval_seconds,
                    queued_for_seconds=self.worker.sweep_after_seconds,
                    stopping=stopping,
                )
            ),
            asyncio.create_task(
                report_queue_stats(
                    self.queue,
                    self.engine,
                    interval_seconds=self.worker.stats_interval_seconds,
                    stopping=stopping,
                )
            ),
        ]
        log.info("worker started (concurrency %d)", self.settings.worker_concurrency)
        await self.consumer.run()
        await asyncio.gather(*background)
        if self._abandon_task is not None:
            self._abandon_task.cancel()
        log.info("worker stopped")

    def stop(self) -> None:
        """First call: stop receiving and let jobs finish within the grace period, then give
        them back. A later call (a second Ctrl-C) gives them back at once. Call from the
        worker's loop."""
        now = time.monotonic()
        if self._stop_at is not None:
            # One signal often arrives twice (sent to the process and to its process group).
            if now - self._stop_at >= REPEAT_SIGNAL_SECONDS:
                log.info("stopping now: in-flight jobs are given back")
                self.consumer.abandon.set()
            return
        self._stop_at = now
        grace = self.worker.shutdown_grace_seconds
        log.info("stopping: no new jobs; %g s for the jobs in flight", grace)
        self.consumer.stop()
        self._abandon_task = asyncio.create_task(self._abandon_after(grace))

    async def _abandon_after(self, grace: float) -> None:
        await asyncio.sleep(grace)
        # Work given back while a receive is still polling would come straight back to us.
        await self.consumer.receiving_stopped.wait()
        self.consumer.abandon.set()

    @property
    def stopping(self) -> bool:
        return self._stop_requested or self.consumer.stopping.is_set()

    def stop_threadsafe(self) -> None:
        """`stop` from another thread (tests run the worker in a thread)."""
        if self._loop is not None:
            self._stop_requested = True
            self._loop.call_soon_threadsafe(self.stop)
