"""The queue port: what the API and worker need from a job queue, with SQS FIFO semantics.

Two adapters implement it: the durable local queue (a table in the application database) and SQS.
Messages in one group are delivered in order and one at a time; a received message stays invisible
for the visibility timeout, and after `max_receives` receives it moves to the dead-letter queue.

A message may carry a trace context (propagation headers such as `traceparent`) beside its body:
SQS message attributes, a column of the local queue. It arrives with the received message.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ReceivedMessage:
    body: str
    receipt: str
    receive_count: int
    group_id: str
    trace_context: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueStats:
    visible: int
    in_flight: int
    oldest_age_seconds: float
    dead_letters: int


@dataclass(frozen=True)
class DeadLetter:
    body: str
    message_id: str
    receive_count: int


class QueueUnavailable(Exception):
    """The queue could not be reached; the caller keeps the job and tries again later."""


class JobQueue(Protocol):
    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        trace_context: Mapping[str, str] | None = None,
    ) -> None:
        """Queue `body`; `trace_context` travels beside it (not inside it) to the consumer."""
        ...

    def receive(self, *, max_messages: int = 10, wait_seconds: float = 20) -> list[ReceivedMessage]:
        """Long-poll for up to `max_messages`; each stays invisible for the visibility timeout."""
        ...

    def delete(self, receipts: Sequence[str]) -> None: ...

    def change_visibility(self, receipt: str, seconds: int) -> None:
        """Extend (heartbeat) or shorten (release with backoff) a message's invisibility."""
        ...

    def stats(self) -> QueueStats: ...

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Peek at dead-lettered messages without consuming them."""
        ...

    def redrive(self, limit: int | None = None) -> int:
        """Move dead-lettered messages back to the source queue; returns how many moved."""
        ...

    def ping(self) -> None:
        """Raise QueueUnavailable when the queue cannot be reached."""
        ...
