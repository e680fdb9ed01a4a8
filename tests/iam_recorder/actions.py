"""Which IAM action authorises an AWS API operation.

Most operations are authorised by the action of the same name in the service's IAM prefix; the
exceptions are listed here. An operation that maps to no action AWS knows fails loudly: a manifest
can only be proven against calls whose permission is known.
"""

from policies.iam_knowledge import canonical_action, is_known_action

# Operations authorised by another action (batch calls by their single-message action).
OPERATION_ACTIONS: dict[tuple[str, str], str] = {
    ("sqs", "SendMessageBatch"): "sqs:SendMessage",
    ("sqs", "DeleteMessageBatch"): "sqs:DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "sqs:ChangeMessageVisibility",
}
# botocore signing names that differ from the service's IAM prefix.
IAM_PREFIXES = {"monitoring": "cloudwatch", "email": "ses"}


class UnmappedOperationError(LookupError):
    """An AWS operation whose IAM action is not known: add it to OPERATION_ACTIONS."""


def iam_action(signing_name: str, operation: str) -> str:
    prefix = IAM_PREFIXES.get(signing_name, signing_name)
    action = OPERATION_ACTIONS.get((prefix, operation), f"{prefix}:{operation}")
    if not is_known_action(action):
        raise UnmappedOperationError(
            f"AWS operation {signing_name}.{operation} maps to no known IAM action ({action}); "
            "add it to tests/iam_recorder/actions.py OPERATION_ACTIONS"
        )
    return canonical_action(action)
