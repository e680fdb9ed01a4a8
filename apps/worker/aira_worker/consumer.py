"""The receive loop: long-poll batches, run up to `concurrency` jobs at once, stop cleanly.

Order within a conversation comes from the FIFO queue: it hands out a group's messages in order
and no more of that group while one is in flight. A batch can still hold several messages of one
group; they run one after another, the waiting ones kept invisible, and if one is given back for
a retry the later ones are given back too, so they never overtake it.
"""

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence

from aira_core.queue.port import JobQueue, ReceivedMessage

from aira_worker.heartbeat import keep_invisible
from aira_worker.metrics import HEARTBEAT
from aira_worker.runner import JobRunner
from aira_worker.settlement import Outcome
from aira_worker.waiting import stopped_within

log = logging.getLogger(__name__)

BATCH_SIZE = 10
RECEIVE_ERROR_BACKOFF_SECONDS = (1, 2, 5, 10, 30)
# Outcomes after which the job may still run again, so later messages of its group must wait.
UNFINISHED = frozenset({Outcome.released, Outcome.elsewhere})


class Consumer:
    def __init__(
        self,
        queue: JobQueue,
        runner: JobRunner,
        *,
        concurrency: int,
        receive_wait_seconds: float,
        lease_seconds: int,
    ) -> None:
        self.queue = queue
        self.runner = runner
        self.concurrency = concurrency
        self.receive_wait_seconds = receive_wait_seconds
        self.lease_seconds = lease_seconds
        self.stopping = asyncio.Event()  # no new receives
        self.abandon = asyncio.Event()  # in-flight jobs give their work back now
        self.receiving_stopped = asyncio.Event()
        self._chains: set[asyncio.Task[None]] = set()
        self._slot_freed = asyncio.Event()
        self._receive_failures = 0

    def stop(self) -> None:
        self.stopping.set()
        self._slot_freed.set()

    async def run(self) -> None:
        """Receive until stopped, then wait for the jobs in flight (or until abandoned)."""
        while not self.stopping.is_set():
            HEARTBEAT.set_to_current_time()
            free = self.concurrency - len(self._chains)
            if free <= 0:
                await self._wait_for_slot()
                continue
            batch = await self._receive(min(BATCH_SIZE, free))
            if self.stopping.is_set():
                await self._give_back(batch)
                break
            for messages in _by_group(batch):
                self._start_chain(messages)
        self.receiving_stopped.set()
        await self._drain()

    async def _receive(self, max_messages: int) -> list[ReceivedMessage]:
        """One long poll; an unreachable queue is waited out with a growing pause."""
        try:
            batch = await asyncio.to_thread(
                self.queue.receive,
                max_messages=max_messages,
                wait_seconds=self.receive_wait_seconds,
            )
        except Exception:
            delay = RECEIVE_ERROR_BACKOFF_SECONDS[
                min(self._receive_failures, len(RECEIVE_ERROR_BACKOFF_SECONDS) - 1)
            ]
            self._receive_failures += 1
            log.warning("receive failed; trying again in %d s", delay, exc_info=True)
            await stopped_within(self.stopping, delay)
            return []
        self._receive_failures = 0
        return batch

    async def _wait_for_slot(self) -> None:
        self._slot_freed.clear()
        await self._slot_freed.wait()

    def _start_chain(self, messages: list[ReceivedMessage]) -> None:
        task = asyncio.create_task(self._run_chain(messages))
        self._chains.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._chains.discard(done)
            self._slot_freed.set()

        task.add_done_callback(finished)

    async def _run_chain(self, messages: list[ReceivedMessage]) -> None:
        waiting = {message.receipt for message in messages[1:]}
        keeper = asyncio.create_task(keep_invisible(self.queue, waiting, self.lease_seconds))
        held_back = False
        try:
            for message in messages:
                waiting.discard(message.receipt)
                if held_back or self.abandon.is_set():
                    await self._give_back([message])
                    continue
                held_back = await self._run_one(message) in UNFINISHED
        finally:
            keeper.cancel()

    async def _run_one(self, message: ReceivedMessage) -> Outcome:
        try:
            return await self.runner.run(message, self.abandon)
        except Exception:
            # The database or queue failed while settling; the message comes back on its own.
            log.exception("job handling failed; its message will be delivered again")
            return Outcome.elsewhere

    async def _give_back(self, messages: Sequence[ReceivedMessage]) -> None:
        """Unclaimed messages become visible again at once."""
        for message in messages:
            try:
                await asyncio.to_thread(self.queue.change_visibility, message.receipt, 0)
            except Exception:
                log.warning("could not give a message back; it returns after its timeout")

    async def _drain(self) -> None:
        if self._chains:
            log.info("waiting for %d job(s) in flight", len(self._chains))
            await asyncio.gather(*self._chains, return_exceptions=True)


def _by_group(batch: Sequence[ReceivedMessage]) -> list[list[ReceivedMessage]]:
    groups: dict[str, list[ReceivedMessage]] = defaultdict(list)
    for message in batch:
        groups[message.group_id].append(message)
    return list(groups.values())
