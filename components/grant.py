"""Least-privilege IAM grants: explicit (actions, resources) pairs and the policy they add up to."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

# Actions AWS only authorises on `Resource: "*"`; no other action may be granted on "*".
WILDCARD_ONLY_ACTIONS = frozenset(
    {"ecr:GetAuthorizationToken", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}
)


@dataclass(frozen=True)
class Grant:
    """Permission to call `actions` on exactly `resources` (ARNs owned by one resource)."""

    actions: tuple[str, ...]
    resources: tuple[pulumi.Input[str], ...]

    def __post_init__(self) -> None:
        if not self.actions or not self.resources:
            raise ValueError("a grant needs at least one action and one resource")
        wildcard_actions = [action for action in self.actions if "*" in action]
        if wildcard_actions:
            raise ValueError(f"wildcard actions are not allowed: {wildcard_actions}")
        if "*" in self.resources and not set(self.actions) <= WILDCARD_ONLY_ACTIONS:
            raise ValueError(
                f'Resource "*" is only allowed for {sorted(WILDCARD_ONLY_ACTIONS)}, '
                f"not {list(self.actions)}"
            )


def policy_document(grants: Sequence[Grant]) -> pulumi.Output[str]:
    """The IAM policy JSON that allows exactly the given grants: one statement per grant."""
    statements = [
        {
            "Effect": "Allow",
            "Action": list(grant.actions),
            "Resource": grant.resources[0] if len(grant.resources) == 1 else list(grant.resources),
        }
        for grant in grants
    ]
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})
