"""SQS FIFO job queue with its FIFO dead-letter queue."""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grant import Grant

DAY_SECONDS = 24 * 60 * 60

SEND_ACTIONS = ("sqs:SendMessage", "sqs:GetQueueAttributes")
CONSUME_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)
# Peeking at dead letters (received, then made visible again) and moving them back to the job
# queue (StartMessageMoveTask, or one by one: received, sent back, deleted).
REDRIVE_ACTIONS = (
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:StartMessageMoveTask",
    "sqs:ListMessageMoveTasks",
    "sqs:CancelMessageMoveTask",
)


@dataclass(frozen=True)
class JobQueueArgs:
    max_receives: int = 5
    """Receives before SQS moves a message to the DLQ; AIRA_MAX_RECEIVES must match."""
    visibility_timeout_seconds: int = 60
    """Initial lease of a received message (AIRA_JOB_LEASE_SECONDS); the worker heartbeats."""
    retention_days: int = 4
    dlq_retention_days: int = 14
    """The SQS maximum: time to inspect and redrive failed jobs."""
    receive_wait_seconds: int = 20
    """Long polling: fewer empty receives, lower cost."""

    def __post_init__(self) -> None:
        if self.max_receives < 1:
            raise ValueError(f"max_receives must be at least 1, got {self.max_receives}")
        if not 0 <= self.visibility_timeout_seconds <= 12 * 60 * 60:
            raise ValueError("visibility_timeout_seconds must be between 0 and 43200")
        if self.dlq_retention_days < self.retention_days:
            # SQS keeps a message's original enqueue time in the DLQ: a shorter DLQ loses it early.
            raise ValueError("dlq_retention_days must not be shorter than retention_days")


def _fifo_queue(
    resource_name: str,
    retention_days: int,
    opts: pulumi.ResourceOptions,
    visibility_timeout_seconds: int | None = None,
    receive_wait_seconds: int | None = None,
    redrive_policy: pulumi.Input[str] | None = None,
) -> aws.sqs.Queue:
    """High-throughput FIFO: dedup and throughput scoped per message group, SQS-managed SSE."""
    return aws.sqs.Queue(
        resource_name,
        fifo_queue=True,
        deduplication_scope="messageGroup",
        fifo_throughput_limit="perMessageGroupId",
        content_based_deduplication=False,
        sqs_managed_sse_enabled=True,
        message_retention_seconds=retention_days * DAY_SECONDS,
        visibility_timeout_seconds=visibility_timeout_seconds,
        receive_wait_time_seconds=receive_wait_seconds,
        redrive_policy=redrive_policy,
        opts=opts,
    )


class JobQueue(pulumi.ComponentResource):
    """The FIFO queue of generation jobs; messages received `max_receives` times go to the DLQ."""

    def __init__(
        self, name: str, args: JobQueueArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:queue:JobQueue", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.max_receives = args.max_receives
        self.visibility_timeout_seconds = args.visibility_timeout_seconds
        self.dlq = _fifo_queue(f"{name}-dlq", args.dlq_retention_days, child)
        self.queue = _fifo_queue(
            name,
            args.retention_days,
            child,
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            receive_wait_seconds=args.receive_wait_seconds,
            redrive_policy=self.dlq.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receives}
                )
            ),
        )
        # Only the job queue may use the DLQ as its dead-letter target.
        self.redrive_allow_policy = aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq",
            queue_url=self.dlq.url,
            redrive_allow_policy=self.queue.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
            ),
            opts=child,
        )
        self.register_outputs({"url": self.queue.url, "dlq_url": self.dlq.url})

    def grant_send(self) -> Grant:
        """Enqueue jobs (and read the queue's depth)."""
        return Grant(SEND_ACTIONS, (self.queue.arn,))

    def grant_consume(self) -> Grant:
        """Receive jobs, extend their leases and delete them when done."""
        return Grant(CONSUME_ACTIONS, (self.queue.arn,))

    def grant_redrive(self) -> Grant:
        """Inspect the dead-letter queue and move its messages back."""
        return Grant(REDRIVE_ACTIONS, (self.dlq.arn,))
