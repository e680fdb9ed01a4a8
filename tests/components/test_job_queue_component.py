import json

import pytest

from components.job_queue import (
    CONSUME_ACTIONS,
    REDRIVE_ACTIONS,
    SEND_ACTIONS,
    JobQueue,
    JobQueueArgs,
)

QUEUE = "aws:sqs/queue:Queue"


def test_both_queues_are_high_throughput_fifo_with_sse(mocked):
    _, registered = mocked(lambda: JobQueue("jobs", JobQueueArgs()))
    for name in ("jobs", "jobs-dlq"):
        queue = registered.inputs(QUEUE, name)
        assert queue["fifoQueue"] is True
        assert queue["deduplicationScope"] == "messageGroup"
        assert queue["fifoThroughputLimit"] == "perMessageGroupId"
        assert queue["contentBasedDeduplication"] is False
        assert queue["sqsManagedSseEnabled"] is True


def test_redrive_policy_targets_the_dlq_after_max_receives(mocked):
    queue, registered = mocked(lambda: JobQueue("jobs", JobQueueArgs(max_receives=7)))
    policy = json.loads(registered.inputs(QUEUE, "jobs")["redrivePolicy"])
    dlq = registered.inputs(QUEUE, "jobs-dlq")
    assert policy == {
        "deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:jobs-dlq.fifo",
        "maxReceiveCount": 7,
    }
    assert dlq["messageRetentionSeconds"] == 14 * 24 * 3600
    assert queue.max_receives == 7


def test_dlq_accepts_messages_only_from_the_job_queue(mocked):
    _, registered = mocked(lambda: JobQueue("jobs", JobQueueArgs()))
    allow = registered.inputs("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "jobs-dlq")
    assert allow["queueUrl"].endswith("/jobs-dlq.fifo")
    assert json.loads(allow["redriveAllowPolicy"]) == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": ["arn:aws:sqs:eu-west-1:123456789012:jobs.fifo"],
    }


def test_visibility_timeout_is_the_job_lease_and_polling_is_long(mocked):
    _, registered = mocked(lambda: JobQueue("jobs", JobQueueArgs(visibility_timeout_seconds=90)))
    queue = registered.inputs(QUEUE, "jobs")
    assert queue["visibilityTimeoutSeconds"] == 90.0
    assert queue["receiveWaitTimeSeconds"] == 20.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"max_receives": 0}, "max_receives must be at least 1"),
        ({"visibility_timeout_seconds": 50000}, "visibility_timeout_seconds"),
        ({"retention_days": 14, "dlq_retention_days": 7}, "dlq_retention_days"),
    ],
)
def test_invalid_args_fail_early(args, message):
    with pytest.raises(ValueError, match=message):
        JobQueueArgs(**args)


def test_grants_are_scoped_to_the_queue_they_concern(mocked, resolve):
    queue, _ = mocked(lambda: JobQueue("jobs", JobQueueArgs()))
    queue_arn = "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo"
    dlq_arn = "arn:aws:sqs:eu-west-1:123456789012:jobs-dlq.fifo"
    for grant, actions, arn in [
        (queue.grant_send(), SEND_ACTIONS, queue_arn),
        (queue.grant_consume(), CONSUME_ACTIONS, queue_arn),
        (queue.grant_redrive(), REDRIVE_ACTIONS, dlq_arn),
    ]:
        assert grant.actions == actions
        assert [resolve(resource) for resource in grant.resources] == [arn]
    assert "sqs:PurgeQueue" not in SEND_ACTIONS + CONSUME_ACTIONS + REDRIVE_ACTIONS
