"""Job queues behind one port (port.py): the durable local queue table or SQS FIFO."""

from sqlalchemy import Engine

from aira_core.queue.local import LocalQueue
from aira_core.queue.port import DeadLetter, JobQueue, QueueStats, QueueUnavailable, ReceivedMessage
from aira_core.queue.sqs import SqsQueue
from aira_core.settings import Settings

__all__ = [
    "DeadLetter",
    "JobQueue",
    "LocalQueue",
    "QueueStats",
    "QueueUnavailable",
    "ReceivedMessage",
    "SqsQueue",
    "open_queue",
]


def open_queue(settings: Settings, engine: Engine) -> JobQueue:
    """The local queue in `engine`'s database when AIRA_QUEUE_URL is `local`, else SQS."""
    if settings.queue_url == "local":
        return LocalQueue(
            engine,
            visibility_timeout=settings.job_lease_seconds,
            max_receives=settings.max_receives,
        )
    return SqsQueue(
        settings.queue_url,
        dlq_url=settings.dlq_url,
        region=settings.aws_region,
        visibility_timeout=settings.job_lease_seconds,
    )
