"""The job queue as the API uses it: every job sent carries the trace context of the request that
sent it beside its body, so the worker's span continues the same trace (a no-op while tracing is
off)."""

from collections.abc import Mapping, Sequence

from aira_core.queue.port import DeadLetter, JobQueue, QueueStats, ReceivedMessage
from aira_core.tracing import current_trace_context, producer_span


class TraceContextQueue:
    def __init__(self, inner: JobQueue) -> None:
        self.inner = inner

    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        trace_context: Mapping[str, str] | None = None,
    ) -> None:
        with producer_span("send job", {"messaging.message.group_id": group_id}):
            self.inner.send(
                body,
                group_id=group_id,
                dedup_id=dedup_id,
                trace_context=trace_context or current_trace_context(),
            )

    def receive(self, *, max_messages: int = 10, wait_seconds: float = 20) -> list[ReceivedMessage]:
        return self.inner.receive(max_messages=max_messages, wait_seconds=wait_seconds)

    def delete(self, receipts: Sequence[str]) -> None:
        self.inner.delete(receipts)

    def change_visibility(self, receipt: str, seconds: int) -> None:
        self.inner.change_visibility(receipt, seconds)

    def stats(self) -> QueueStats:
        return self.inner.stats()

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        return self.inner.dead_letters(limit)

    def redrive(self, limit: int | None = None) -> int:
        return self.inner.redrive(limit)

    def ping(self) -> None:
        self.inner.ping()
