"""The SQS adapter: a FIFO job queue with its FIFO dead-letter queue (redrive policy in AWS).

Run-time calls stay within the services' IAM manifests (apps/*/iam.json): SendMessage,
ReceiveMessage, DeleteMessage (batch), ChangeMessageVisibility and GetQueueAttributes on the job
queue, GetQueueAttributes on the dead-letter queue. Peeking at and redriving dead letters (the
redrive command and the API's operators' console) need more: ReceiveMessage,
ChangeMessageVisibility, DeleteMessage and StartMessageMoveTask on the dead-letter queue,
SendMessage on the job queue.

A message's trace context travels as string message attributes, one per propagation header
(`traceparent`, ...); they need no further IAM action.

boto3 honours AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL itself. The botocore client is created
once and is thread-safe; its retries are few because the queue's own redelivery is the retry.
"""

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from aira_core.queue.port import DeadLetter, QueueStats, QueueUnavailable, ReceivedMessage

log = logging.getLogger(__name__)

MAX_BATCH = 10  # SQS's limit for receive and batch calls
MAX_WAIT_SECONDS = 20  # SQS's limit for long polling
MAX_VISIBILITY_SECONDS = 12 * 3600
# A stale receipt (the message was received again or deleted) is not a queue failure.
STALE_RECEIPT_CODES = frozenset(
    {"ReceiptHandleIsInvalid", "InvalidParameterValue", "MessageNotInflight"}
)
PEEK_SECONDS = 30  # how long peeked dead letters stay hidden if releasing them fails


class SqsQueue:
    def __init__(
        self,
        queue_url: str,
        *,
        dlq_url: str | None,
        region: str,
        visibility_timeout: int,
        max_connections: int = 50,
    ) -> None:
        self.queue_url = queue_url
        self.dlq_url = dlq_url
        self.visibility_timeout = visibility_timeout
        config = Config(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=5,
            read_timeout=MAX_WAIT_SECONDS + 10,  # longer than a long poll
            max_pool_connections=max_connections,
        )
        self._sqs = boto3.session.Session().client("sqs", region_name=region, config=config)

    # -- producer -------------------------------------------------------------------------

    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        trace_context: Mapping[str, str] | None = None,
    ) -> None:
        with _reachable():
            self._sqs.send_message(
                QueueUrl=self.queue_url,
                MessageBody=body,
                MessageGroupId=group_id,
                MessageDeduplicationId=dedup_id,
                MessageAttributes=_attributes(trace_context or {}),
            )

    # -- consumer -------------------------------------------------------------------------

    def receive(self, *, max_messages: int = 10, wait_seconds: float = 20) -> list[ReceivedMessage]:
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}")
        with _reachable():
            response = self._sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=max_messages,
                WaitTimeSeconds=min(MAX_WAIT_SECONDS, max(0, math.ceil(wait_seconds))),
                VisibilityTimeout=self.visibility_timeout,
                MessageSystemAttributeNames=["ApproximateReceiveCount", "MessageGroupId"],
                MessageAttributeNames=["All"],
            )
        return [
            ReceivedMessage(
                body=message["Body"],
                receipt=message["ReceiptHandle"],
                receive_count=int(message["Attributes"]["ApproximateReceiveCount"]),
                group_id=message["Attributes"]["MessageGroupId"],
                trace_context=_trace_context_of(message),
            )
            for message in response.get("Messages", [])
        ]

    def delete(self, receipts: Sequence[str]) -> None:
        self._delete_from(self.queue_url, receipts)

    def change_visibility(self, receipt: str, seconds: int) -> None:
        if not 0 <= seconds <= MAX_VISIBILITY_SECONDS:
            raise ValueError(f"visibility must be between 0 and {MAX_VISIBILITY_SECONDS} s")
        with _reachable():
            try:
                self._sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=receipt,
                    VisibilityTimeout=math.ceil(seconds),  # SQS takes whole seconds
                )
            except ClientError as exc:
                if _error_code(exc) not in STALE_RECEIPT_CODES:
                    raise
                log.info("visibility not changed, receipt is stale: %s", _error_code(exc))

    # -- operations -----------------------------------------------------------------------

    def stats(self) -> QueueStats:
        """Counts from GetQueueAttributes. SQS reports the oldest message's age only as the
        CloudWatch metric ApproximateAgeOfOldestMessage, so `oldest_age_seconds` is 0 here; the
        worker's gauge reads the oldest queued job's age from the database instead
        (`aira_core.jobs.oldest_queued_age`)."""
        queue = self._counts(self.queue_url)
        dead = self._counts(self.dlq_url) if self.dlq_url else {}
        return QueueStats(
            visible=queue.get("ApproximateNumberOfMessages", 0),
            in_flight=queue.get("ApproximateNumberOfMessagesNotVisible", 0),
            oldest_age_seconds=0.0,
            dead_letters=sum(dead.values()),
        )

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Peek: receive dead letters, then make them visible again at once."""
        if not self.dlq_url:
            return []
        peeked = self._receive_dead(limit, hide_seconds=PEEK_SECONDS)
        self._release(self.dlq_url, [message["ReceiptHandle"] for message in peeked])
        return [
            DeadLetter(
                body=message["Body"],
                message_id=message["MessageId"],
                # Receives before this peek (earlier peeks count too: SQS cannot read without
                # receiving).
                receive_count=max(int(message["Attributes"]["ApproximateReceiveCount"]) - 1, 0),
            )
            for message in peeked
        ]

    def redrive(self, limit: int | None = None) -> int:
        """Move dead letters back to the job queue. Without a limit SQS moves them itself
        (StartMessageMoveTask, asynchronous; returns how many were waiting); where that is not
        available, or with a limit, each message is received, sent back and deleted."""
        if not self.dlq_url:
            return 0
        if limit is None:
            started = self._start_move_task(self.dlq_url)
            if started is not None:
                return started
        return self._move_by_hand(self.dlq_url, limit)

    def ping(self) -> None:
        with _reachable():
            self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])

    # -- helpers --------------------------------------------------------------------------

    def _counts(self, url: str) -> dict[str, int]:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        with _reachable():
            response = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        return {name: int(value) for name, value in response["Attributes"].items()}

    def _delete_from(self, url: str, receipts: Sequence[str]) -> None:
        for start in range(0, len(receipts), MAX_BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": receipt}
                for index, receipt in enumerate(receipts[start : start + MAX_BATCH])
            ]
            with _reachable():
                response = self._sqs.delete_message_batch(QueueUrl=url, Entries=entries)
            for failure in response.get("Failed", []):
                log.warning("message not deleted: %s %s", failure["Code"], failure.get("Message"))

    def _release(self, url: str, receipts: Sequence[str]) -> None:
        for start in range(0, len(receipts), MAX_BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": receipt, "VisibilityTimeout": 0}
                for index, receipt in enumerate(receipts[start : start + MAX_BATCH])
            ]
            with _reachable():
                self._sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)

    def _receive_dead(self, limit: int | None, hide_seconds: int) -> list[dict[str, Any]]:
        assert self.dlq_url is not None
        received: dict[str, dict[str, Any]] = {}
        while limit is None or len(received) < limit:
            wanted = MAX_BATCH if limit is None else min(MAX_BATCH, limit - len(received))
            with _reachable():
                response = self._sqs.receive_message(
                    QueueUrl=self.dlq_url,
                    MaxNumberOfMessages=wanted,
                    WaitTimeSeconds=1,
                    VisibilityTimeout=hide_seconds,
                    MessageSystemAttributeNames=["ApproximateReceiveCount", "MessageGroupId"],
                    MessageAttributeNames=["All"],
                )
            batch = response.get("Messages", [])
            if not batch:
                break
            received.update((message["MessageId"], message) for message in batch)
        return list(received.values())

    def _start_move_task(self, dlq_url: str) -> int | None:
        waiting = self._counts(dlq_url).get("ApproximateNumberOfMessages", 0)
        if waiting == 0:
            return 0
        with _reachable():
            source = self._arn(dlq_url)
            destination = self._arn(self.queue_url)
        try:
            self._sqs.start_message_move_task(SourceArn=source, DestinationArn=destination)
        except (ClientError, BotoCoreError) as exc:
            log.info("StartMessageMoveTask unavailable (%s); moving messages one by one", exc)
            return None
        return waiting

    def _move_by_hand(self, dlq_url: str, limit: int | None) -> int:
        moved = 0
        while limit is None or moved < limit:
            batch = self._receive_dead(
                min(MAX_BATCH, limit - moved) if limit else MAX_BATCH,
                hide_seconds=self.visibility_timeout,
            )
            if not batch:
                break
            for message in batch:
                with _reachable():
                    # A dedup id of its own: the original one may still be inside SQS's
                    # five-minute window, and a re-run after a crash must not send twice.
                    self._sqs.send_message(
                        QueueUrl=self.queue_url,
                        MessageBody=message["Body"],
                        MessageGroupId=message["Attributes"]["MessageGroupId"],
                        MessageDeduplicationId=f"redrive-{message['MessageId']}",
                        MessageAttributes=_attributes(_trace_context_of(message)),
                    )
            self._delete_from(dlq_url, [message["ReceiptHandle"] for message in batch])
            moved += len(batch)
        return moved

    def _arn(self, url: str) -> str:
        response = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return str(response["Attributes"]["QueueArn"])


def _attributes(trace_context: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Propagation headers as string message attributes (SQS refuses empty values)."""
    return {
        name: {"DataType": "String", "StringValue": value}
        for name, value in trace_context.items()
        if value
    }


def _trace_context_of(message: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: str(attribute["StringValue"])
        for name, attribute in message.get("MessageAttributes", {}).items()
        if attribute.get("DataType") == "String" and "StringValue" in attribute
    }


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def _reachable() -> Iterator[None]:
    """Connection, endpoint, credential and service errors mean "try again later"."""
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        raise QueueUnavailable(f"SQS unavailable: {exc}") from exc
