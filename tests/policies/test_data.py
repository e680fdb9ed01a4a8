"""Data rules: SQS encryption and dead-letter queues, RDS privacy and durability, log retention."""

import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from tests.policies.analyzer import UNKNOWN, arn, resource_violations, stack_violations
from tests.policies.ecs_stack import queues, replace

QUEUE = "aws:sqs/queue:Queue"
DB = "aws:rds/instance:Instance"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PROD_DATABASE = {
    "engine": "mysql",
    "publiclyAccessible": False,
    "storageEncrypted": True,
    "manageMasterUserPassword": True,
    "backupRetentionPeriod": 7.0,
    "deletionProtection": True,
    "skipFinalSnapshot": False,
    "finalSnapshotIdentifier": "aira-final",
}


def database(**changes):
    return {**PROD_DATABASE, **changes}


CASES = [
    ("sqs-encrypted", QUEUE, {"fifoQueue": True, "sqsManagedSseEnabled": True}, None),
    ("sqs-encrypted", QUEUE, {"kmsMasterKeyId": "alias/aws/sqs"}, None),
    ("sqs-encrypted", QUEUE, {"fifoQueue": True}, "not encrypted"),
    ("sqs-encrypted", QUEUE, {"sqsManagedSseEnabled": False}, "not encrypted"),
    ("rds-not-public", DB, database(), None),
    ("rds-not-public", DB, database(publiclyAccessible=True), "publicly accessible"),
    ("rds-encrypted", DB, database(), None),
    ("rds-encrypted", DB, database(storageEncrypted=False), "not encrypted"),
    ("rds-encrypted", DB, database(storageEncrypted=None), "not encrypted"),
    ("rds-managed-master-password", DB, database(), None),
    ("rds-managed-master-password", DB, database(manageMasterUserPassword=False), "not managed"),
    ("rds-managed-master-password", DB, database(password="hunter2"), "set in the program"),
    ("rds-backups", DB, database(), None),
    ("rds-backups", DB, database(backupRetentionPeriod=3.0), "fewer than 7"),
    ("rds-backups", DB, database(backupRetentionPeriod=None), "fewer than 7"),
    ("rds-backups", DB, database(backupRetentionPeriod="many"), "must be a number"),
    ("rds-deletion-protection", DB, database(), None),
    ("rds-deletion-protection", DB, database(deletionProtection=False), "no deletion protection"),
    ("rds-final-snapshot", DB, database(), None),
    ("rds-final-snapshot", DB, database(skipFinalSnapshot=True), "no final snapshot"),
    ("rds-final-snapshot", DB, database(finalSnapshotIdentifier=None), "no final snapshot"),
    ("log-retention", LOG_GROUP, {"retentionInDays": 30.0}, None),
    ("log-retention", LOG_GROUP, {"retentionInDays": 0.0}, "forever"),
    ("log-retention", LOG_GROUP, {"name": "aira-api"}, "forever"),
]


@pytest.mark.parametrize(("policy", "resource_type", "inputs", "expected"), CASES)
def test_data_policy(policy, resource_type, inputs, expected):
    violations = resource_violations(policy, resource_type, inputs)
    if expected is None:
        assert violations == []
    else:
        assert any(expected in message for message in violations), violations


def test_backup_minimum_comes_from_the_stack_config():
    dev_database = database(backupRetentionPeriod=1.0)
    assert resource_violations("rds-backups", DB, dev_database, {"minimumRetentionDays": 1}) == []


@pytest.mark.parametrize(
    ("policy", "inputs"),
    [
        ("rds-not-public", database(publiclyAccessible=UNKNOWN)),
        ("sqs-encrypted", {"sqsManagedSseEnabled": UNKNOWN}),
        ("log-retention", {"retentionInDays": UNKNOWN}),
    ],
)
def test_values_unknown_at_preview_wait_for_up(policy, inputs):
    resource_type = {"rds-not-public": DB, "sqs-encrypted": QUEUE, "log-retention": LOG_GROUP}
    with pytest.raises(UnknownValueError):
        resource_violations(policy, resource_type[policy], inputs)


def test_queue_with_fifo_dead_letter_queue_passes():
    assert stack_violations("sqs-dead-letter-queue", queues()) == []


def test_dead_letter_queue_marked_by_a_separate_redrive_allow_policy():
    dlq, queue = queues()
    dlq[2].pop("redriveAllowPolicy")
    allow_policy = (
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
        "allow",
        {
            "queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/aira-jobs-dlq.fifo",
            "redriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"}),
        },
    )
    dlq[2]["url"] = allow_policy[2]["queueUrl"]
    assert stack_violations("sqs-dead-letter-queue", [queue, dlq, allow_policy]) == []


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        (replace(queues(), "aira-jobs", redrivePolicy=None), "no dead-letter queue"),
        (replace(queues(), "aira-jobs-dlq", fifoQueue=False), "differs in FIFO-ness"),
        (
            replace(
                queues(),
                "aira-jobs",
                redrivePolicy=json.dumps(
                    {"deadLetterTargetArn": arn("sqs", "elsewhere"), "maxReceiveCount": 5}
                ),
            ),
            "differs in FIFO-ness",
        ),
        (replace(queues(), "aira-jobs", redrivePolicy="{oops"), "cannot be checked"),
        (
            [*queues(), (QUEUE, "extra", {"fifoQueue": True, "arn": arn("sqs", "extra.fifo")})],
            "no dead-letter queue",
        ),
    ],
)
def test_queue_without_matching_dead_letter_queue_is_caught(stack, expected):
    violations = stack_violations("sqs-dead-letter-queue", stack)
    assert any(expected in message for message, _ in violations), violations
