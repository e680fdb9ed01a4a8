"""Data rules: queues encrypted and backed by a dead-letter queue, databases private and kept."""

from collections.abc import Iterator, Mapping
from typing import Any

from policies.model import Finding, Resource, Stack
from policies.values import MalformedValueError, json_value, number, truthy

QUEUE = "aws:sqs/queue:Queue"
REDRIVE_POLICY = "aws:sqs/redrivePolicy:RedrivePolicy"
REDRIVE_ALLOW_POLICY = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"
DB_INSTANCE = "aws:rds/instance:Instance"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def queue_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    props = resource.props
    if not (truthy(props.get("sqsManagedSseEnabled")) or props.get("kmsMasterKeyId")):
        yield "queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId"


def _is_fifo(resource: Resource) -> bool:
    return truthy(resource.props.get("fifoQueue"))


def _dead_letter_target(stack: Stack, queue: Resource) -> str | None:
    """The DLQ ARN of a queue's redrive policy (on the queue or a separate RedrivePolicy)."""
    policies = [queue.props.get("redrivePolicy")] + [
        policy.props.get("redrivePolicy")
        for policy in stack.of_type(REDRIVE_POLICY)
        if stack.resolve(policy.props.get("queueUrl"), QUEUE) is queue
    ]
    for value in policies:
        if value:
            policy = json_value(value, "redrivePolicy")
            if not isinstance(policy, Mapping) or not policy.get("deadLetterTargetArn"):
                raise MalformedValueError("redrivePolicy needs a deadLetterTargetArn")
            return str(policy["deadLetterTargetArn"])
    return None


def dead_letter_pairs(stack: Stack) -> Iterator[tuple[Resource, str]]:
    """Each queue that redrives to a dead-letter queue, with that queue's ARN."""
    for queue in stack.of_type(QUEUE):
        target = _dead_letter_target(stack, queue)
        if target is not None:
            yield queue, target


def _redrive_allowing(stack: Stack) -> set[str]:
    """Queues with a redrive-allow policy (on the queue or separate): they are DLQs."""
    allowing = {
        queue.urn for queue in stack.of_type(QUEUE) if queue.props.get("redriveAllowPolicy")
    }
    for policy in stack.of_type(REDRIVE_ALLOW_POLICY):
        queue = stack.resolve(policy.props.get("queueUrl"), QUEUE)
        if queue is not None:
            allowing.add(queue.urn)
    return allowing


def queues_have_dead_letter_queues(stack: Stack, config: Mapping[str, Any]) -> Iterator[Finding]:
    """A DLQ is a queue another queue redrives to, or one with a redrive-allow policy; every other
    queue needs a DLQ of the same FIFO-ness (FIFO queue ARNs end in `.fifo`, an AWS rule)."""
    queues = list(stack.of_type(QUEUE))
    targets = {queue.urn: _dead_letter_target(stack, queue) for queue in queues}
    dead_letter_queues = {
        dlq.urn for target in targets.values() if (dlq := stack.resolve(target, QUEUE))
    } | _redrive_allowing(stack)
    for queue in queues:
        if queue.urn in dead_letter_queues:
            continue
        target = targets[queue.urn]
        if target is None:
            yield Finding("queue has no dead-letter queue (redrivePolicy)", queue.urn)
            continue
        dlq = stack.resolve(target, QUEUE)
        target_fifo = _is_fifo(dlq) if dlq else target.endswith(".fifo")
        if target_fifo != _is_fifo(queue):
            yield Finding(
                f"dead-letter queue {target} differs in FIFO-ness from the queue", queue.urn
            )


def database_private(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if truthy(resource.props.get("publiclyAccessible")):
        yield "database is publicly accessible"


def database_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(resource.props.get("storageEncrypted")):
        yield "database storage is not encrypted (storageEncrypted)"


def database_managed_password(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(resource.props.get("manageMasterUserPassword")):
        yield "master password is not managed in Secrets Manager (manageMasterUserPassword)"
    if resource.props.get("password") is not None:
        yield "master password is set in the program; let RDS manage it"


def database_backups(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    minimum = config["minimumRetentionDays"]
    days = number(resource.props.get("backupRetentionPeriod"), "backupRetentionPeriod")
    if days is None or days < minimum:
        yield f"backups are kept {days} days, fewer than {minimum} (backupRetentionPeriod)"


def database_deletion_protection(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(resource.props.get("deletionProtection")):
        yield "database has no deletion protection"


def database_final_snapshot(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if truthy(resource.props.get("skipFinalSnapshot")) or not resource.props.get(
        "finalSnapshotIdentifier"
    ):
        yield "deleting the database would take no final snapshot"


def log_retention(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    days = number(resource.props.get("retentionInDays"), "retentionInDays")
    if not days:
        yield "log group keeps logs forever (set retentionInDays)"
