"""IAM rules on single resources: compliant and violating inputs, and values unknown at preview."""

import pytest
from pulumi_policy.proxy import UnknownValueError

from tests.policies.analyzer import UNKNOWN, allow, arn, document, resource_violations
from tests.policies.ecs_stack import TRUST_ECS

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
QUEUE = arn("sqs", "aira-jobs.fifo")
SECURE_TRANSPORT = {"Bool": {"aws:SecureTransport": "true"}}


def policy_on(*statements):
    return {"policy": document(*statements), "role": "aira-worker-task-id"}


COMPLIANT = policy_on(allow(["sqs:SendMessage", "sqs:GetQueueAttributes"], QUEUE))

CASES = [
    # (policy, resource type, inputs, expected fragment of the violation or None when compliant)
    ("iam-no-wildcard-actions", ROLE_POLICY, COMPLIANT, None),
    (
        "iam-no-wildcard-actions",
        ROLE_POLICY,
        policy_on(allow("*", QUEUE)),
        "wildcard actions ['*']",
    ),
    ("iam-no-wildcard-actions", ROLE_POLICY, policy_on(allow("sqs:*", QUEUE)), "['sqs:*']"),
    ("iam-no-wildcard-actions", ROLE_POLICY, policy_on(allow("sqs:Get*", QUEUE)), "sqs:Get*"),
    (
        "iam-no-wildcard-actions",
        ROLE,
        {
            "assumeRolePolicy": TRUST_ECS,
            "inlinePolicies": [{"name": "inline", "policy": document(allow(["sqs:*"], QUEUE))}],
        },
        "inlinePolicies[0].policy",
    ),
    (
        "iam-no-wildcard-actions",
        ROLE_POLICY,
        policy_on({"Effect": "Deny", "Action": "sqs:*", "Resource": QUEUE}),
        None,
    ),
    ("iam-no-not-action-or-not-resource", ROLE_POLICY, COMPLIANT, None),
    (
        "iam-no-not-action-or-not-resource",
        POLICY,
        {"policy": document({"Effect": "Allow", "NotAction": "iam:*", "Resource": QUEUE})},
        "NotAction",
    ),
    (
        "iam-no-not-action-or-not-resource",
        POLICY,
        {
            "policy": document(
                {"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": QUEUE}
            )
        },
        "NotResource",
    ),
    ("iam-no-unrestricted-resources", ROLE_POLICY, COMPLIANT, None),
    (
        "iam-no-unrestricted-resources",
        ROLE_POLICY,
        policy_on(allow("ecr:GetAuthorizationToken", "*")),
        None,
    ),
    (
        "iam-no-unrestricted-resources",
        ROLE_POLICY,
        policy_on(allow("sqs:SendMessage", "*")),
        "['sqs:SendMessage'] on every resource",
    ),
    (
        "iam-no-unrestricted-resources",
        ROLE_POLICY,
        policy_on(allow("sqs:SendMessage", "*", Condition=SECURE_TRANSPORT)),
        "on every resource",
    ),
    (
        "iam-no-unrestricted-resources",
        ROLE_POLICY,
        policy_on(allow("sqs:SendMessage", [QUEUE, arn("sqs", "*")])),
        "on every resource",
    ),
    ("iam-no-privilege-escalation", ROLE_POLICY, COMPLIANT, None),
    (
        "iam-no-privilege-escalation",
        ROLE_POLICY,
        policy_on(allow("iam:PassRole", arn("iam", "role/other"))),
        "iam:PassRole",
    ),
    (
        "iam-no-privilege-escalation",
        ROLE_POLICY,
        policy_on(allow("sts:AssumeRole", arn("iam", "role/other"))),
        "sts:AssumeRole",
    ),
    (
        "iam-no-privilege-escalation",
        ROLE_POLICY,
        policy_on(allow("iam:CreateAccessKey", arn("iam", "user/someone"))),
        "iam:CreateAccessKey",
    ),
    (
        "iam-no-privilege-escalation",
        ROLE_POLICY,
        policy_on(
            allow(
                ["lambda:CreateFunction", "lambda:InvokeFunction"], "*", Condition=SECURE_TRANSPORT
            )
        ),
        None,
    ),
    (
        "iam-no-privilege-escalation",
        ROLE_POLICY,
        policy_on(allow("ec2:GetPasswordData", "*", Condition=SECURE_TRANSPORT)),
        "exposes credentials via ['ec2:GetPasswordData']",
    ),
    ("iam-no-permissions-management", ROLE_POLICY, COMPLIANT, None),
    (
        "iam-no-permissions-management",
        ROLE_POLICY,
        policy_on(allow("sqs:SetQueueAttributes", QUEUE)),
        "['sqs:SetQueueAttributes']",
    ),
    (
        "iam-no-permissions-management",
        ROLE_POLICY,
        policy_on(allow("sqs:*Permission", QUEUE)),
        "sqs:AddPermission",
    ),
    ("iam-known-actions", ROLE_POLICY, COMPLIANT, None),
    ("iam-known-actions", ROLE_POLICY, policy_on(allow("SQS:sendmessage", QUEUE)), None),
    (
        "iam-known-actions",
        ROLE_POLICY,
        policy_on(allow("sqs:SendMessageBatch", QUEUE)),
        "['sqs:SendMessageBatch']",
    ),
    ("iam-known-actions", ROLE_POLICY, policy_on(allow("sqs:SendMesage", QUEUE)), "SendMesage"),
    ("iam-known-actions", ROLE_POLICY, policy_on(allow("sqs:Nope*", QUEUE)), "sqs:Nope*"),
    (
        "iam-no-broad-managed-policies",
        ATTACHMENT,
        {"role": "r", "policyArn": arn("iam", "policy/x")},
        None,
    ),
    (
        "iam-no-broad-managed-policies",
        ATTACHMENT,
        {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        "AdministratorAccess",
    ),
    (
        "iam-no-broad-managed-policies",
        ROLE,
        {
            "assumeRolePolicy": TRUST_ECS,
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"],
        },
        "AmazonSQSFullAccess",
    ),
    (
        "iam-no-broad-managed-policies",
        ATTACHMENT,
        {"role": "r", "policyArn": "arn:aws:iam::aws:policy/job-function/PowerUserAccess"},
        "PowerUserAccess",
    ),
    ("iam-no-wildcard-principals", ROLE, {"assumeRolePolicy": TRUST_ECS}, None),
    (
        "iam-no-wildcard-principals",
        ROLE,
        {
            "assumeRolePolicy": document(
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
            )
        },
        "any principal",
    ),
    (
        "iam-no-wildcard-principals",
        ROLE,
        {
            "assumeRolePolicy": document(
                {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
            )
        },
        "any principal",
    ),
]


@pytest.mark.parametrize(("policy", "resource_type", "inputs", "expected"), CASES)
def test_iam_policy(policy, resource_type, inputs, expected):
    violations = resource_violations(policy, resource_type, inputs)
    if expected is None:
        assert violations == []
    else:
        assert any(expected in message for message in violations), violations


def test_a_policy_document_given_as_structure_is_judged_too():
    inputs = {"policy": {"Statement": [allow("sqs:*", QUEUE)]}, "role": "r"}
    assert resource_violations("iam-no-wildcard-actions", ROLE_POLICY, inputs)


def test_a_document_that_is_not_json_is_a_violation_not_a_pass():
    violations = resource_violations(
        "iam-known-actions", ROLE_POLICY, {"policy": "{nope", "role": "r"}
    )
    assert violations == [
        "cannot be checked: policy is not valid JSON (Expecting property name "
        "enclosed in double quotes)"
    ]


@pytest.mark.parametrize(
    "policy",
    [
        "iam-no-wildcard-actions",
        "iam-no-not-action-or-not-resource",
        "iam-no-unrestricted-resources",
        "iam-no-privilege-escalation",
        "iam-no-permissions-management",
        "iam-known-actions",
    ],
)
def test_a_policy_built_from_outputs_is_unknown_at_preview(policy):
    """IAM JSON built with `.apply` is wholly unknown in a first preview: checked at `up`."""
    with pytest.raises(UnknownValueError):
        resource_violations(policy, ROLE_POLICY, {"policy": UNKNOWN, "role": "r"})


def test_unknown_trust_policy_and_attachment_wait_for_up():
    with pytest.raises(UnknownValueError):
        resource_violations("iam-no-wildcard-principals", ROLE, {"assumeRolePolicy": UNKNOWN})
    with pytest.raises(UnknownValueError):
        resource_violations(
            "iam-no-broad-managed-policies", ATTACHMENT, {"role": "r", "policyArn": UNKNOWN}
        )


def test_rules_ignore_types_they_do_not_guard():
    assert (
        resource_violations(
            "iam-no-wildcard-actions", "aws:sqs/queue:Queue", {"policy": document(allow("*", "*"))}
        )
        == []
    )
