"""IAM rules over the stack: ECS roles, the execution role's scope, task roles vs manifests."""

import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from tests.policies.analyzer import UNKNOWN, allow, arn, document, stack_violations
from tests.policies.ecs_stack import (
    DLQ_ARN,
    QUEUE_ARN,
    WORKER_ACTIONS,
    containers,
    replace,
    role,
    role_policy,
    worker_stack,
)

AWS_MANAGED = "arn:aws:iam::aws:policy"
MANIFEST = {
    "service": "worker",
    "statements": [
        {"resource": "jobs-queue", "actions": WORKER_ACTIONS},
        {"resource": "jobs-dlq", "actions": ["sqs:GetQueueAttributes"]},
    ],
}


@pytest.fixture
def manifests(tmp_path):
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "iam.json").write_text(json.dumps(MANIFEST))
    return {"manifestsDirectory": str(tmp_path)}


STACK_POLICIES = [
    "ecs-roles-trust-only-ecs-tasks",
    "ecs-task-role-differs-from-execution-role",
    "ecs-execution-role-scoped-to-task",
    "iam-wildcard-only-actions-on-execution-roles",
    "ecs-task-role-matches-manifest",
]


@pytest.mark.parametrize("policy", STACK_POLICIES)
def test_compliant_service_stack_passes(policy, manifests):
    assert stack_violations(policy, worker_stack(), manifests) == []


def with_task_statements(*statements):
    stack = [r for r in worker_stack() if r[1] != "task"]
    return [*stack, role_policy("task", "aira-worker-task", *statements)]


BROKEN = [
    (
        "ecs-roles-trust-only-ecs-tasks",
        replace(
            worker_stack(),
            "aira-worker-task",
            assumeRolePolicy=document(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]},
                    "Action": "sts:AssumeRole",
                }
            ),
        ),
        "must trust only ecs-tasks.amazonaws.com",
    ),
    (
        "ecs-roles-trust-only-ecs-tasks",
        replace(
            worker_stack(),
            "aira-worker-execution",
            assumeRolePolicy=document(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                    "Action": "sts:AssumeRole",
                }
            ),
        ),
        "must trust only",
    ),
    (
        "ecs-task-role-differs-from-execution-role",
        replace(
            worker_stack(),
            "aira-worker",
            taskRoleArn="arn:aws:iam::123456789012:role/aira-worker-execution",
        ),
        "the task role is also an execution role",
    ),
    (
        "ecs-task-role-differs-from-execution-role",
        replace(worker_stack(), "aira-worker", taskRoleArn="arn:aws:iam::123456789012:role/gone"),
        "is no role of this stack",
    ),
    (
        "ecs-execution-role-scoped-to-task",
        [
            *worker_stack(),
            role_policy(
                "extra",
                "aira-worker-execution",
                allow("secretsmanager:GetSecretValue", arn("secretsmanager", "secret:other")),
            ),
        ],
        f"secretsmanager:GetSecretValue on [{arn('secretsmanager', 'secret:other')!r}]",
    ),
    (
        "ecs-execution-role-scoped-to-task",
        [
            *worker_stack(),
            role_policy(
                "extra",
                "aira-worker-execution",
                allow("ecr:BatchGetImage", arn("ecr", "repository/aira-api")),
            ),
        ],
        "ecr:BatchGetImage",
    ),
    (
        "ecs-execution-role-scoped-to-task",
        [
            *worker_stack(),
            role_policy("extra", "aira-worker-execution", allow("sqs:SendMessage", QUEUE_ARN)),
        ],
        "sqs:SendMessage",
    ),
    (
        "ecs-execution-role-scoped-to-task",
        [
            *worker_stack(),
            (
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "managed",
                {
                    "role": "aira-worker-execution",
                    "policyArn": f"{AWS_MANAGED}/service-role/AmazonECSTaskExecutionRolePolicy",
                },
            ),
        ],
        "AmazonECSTaskExecutionRolePolicy",
    ),
    (
        "iam-wildcard-only-actions-on-execution-roles",
        [
            *worker_stack(),
            role_policy("login", "aira-worker-task", allow("ecr:GetAuthorizationToken", "*")),
        ],
        "is for execution roles only",
    ),
    (
        "ecs-task-role-matches-manifest",
        with_task_statements(allow([*WORKER_ACTIONS, "sqs:PurgeQueue"], QUEUE_ARN)),
        f"on {QUEUE_ARN}: allows ['sqs:PurgeQueue'] beyond",
    ),
    (
        "ecs-task-role-matches-manifest",
        with_task_statements(allow(WORKER_ACTIONS, QUEUE_ARN)),
        f"on {DLQ_ARN}: allows [] beyond",
    ),
    (
        "ecs-task-role-matches-manifest",
        with_task_statements(
            allow(WORKER_ACTIONS[1:], QUEUE_ARN), allow(["sqs:GetQueueAttributes"], DLQ_ARN)
        ),
        "lacks ['sqs:ReceiveMessage']",
    ),
    (
        "ecs-task-role-matches-manifest",
        with_task_statements(
            allow(WORKER_ACTIONS, DLQ_ARN), allow(["sqs:GetQueueAttributes"], QUEUE_ARN)
        ),
        f"on {DLQ_ARN}: allows ['sqs:ChangeMessageVisibility'",
    ),
    (
        "ecs-task-role-matches-manifest",
        [r for r in worker_stack() if r[1] != "aira-jobs"],
        "names resources ['jobs-dlq', 'jobs-queue'] this stack lacks",
    ),
    (
        "ecs-task-role-matches-manifest",
        replace(worker_stack(), "aira-worker", containerDefinitions=containers(name="sidecar")),
        "no container is named after exactly one service manifest",
    ),
    (
        "ecs-task-role-matches-manifest",
        [
            *worker_stack(),
            (
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "managed",
                {
                    "role": "aira-worker-task",
                    "policyArn": "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
                },
            ),
        ],
        "task role attaches",
    ),
]


@pytest.mark.parametrize(("policy", "stack", "expected"), BROKEN)
def test_broken_service_stack_is_caught(policy, stack, expected, manifests):
    violations = stack_violations(policy, stack, manifests)
    assert any(expected in message for message, _ in violations), violations


def test_task_role_found_through_a_customer_managed_policy(manifests):
    stack = [r for r in worker_stack() if r[1] != "task"]
    managed = (
        "aws:iam/policy:Policy",
        "worker-queue",
        {
            "policy": document(
                allow(WORKER_ACTIONS, QUEUE_ARN), allow(["sqs:GetQueueAttributes"], DLQ_ARN)
            ),
            "arn": "arn:aws:iam::123456789012:policy/worker-queue",
        },
    )
    attachment = (
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "attach",
        {
            "role": "aira-worker-task",
            "policyArn": "arn:aws:iam::123456789012:policy/worker-queue",
        },
    )
    assert (
        stack_violations("ecs-task-role-matches-manifest", [*stack, managed, attachment], manifests)
        == []
    )


def test_inline_role_policies_count_for_the_manifest(manifests):
    stack = [r for r in worker_stack() if r[1] not in ("task", "aira-worker-task")]
    inline = role(
        "aira-worker-task",
        inlinePolicies=[
            {
                "name": "queue",
                "policy": document(
                    allow(WORKER_ACTIONS, QUEUE_ARN), allow(["sqs:GetQueueAttributes"], DLQ_ARN)
                ),
            }
        ],
    )
    assert stack_violations("ecs-task-role-matches-manifest", [*stack, inline], manifests) == []


def test_unknown_role_policy_waits_for_up(manifests):
    stack = replace(worker_stack(), "task", policy=UNKNOWN)
    with pytest.raises(UnknownValueError):
        stack_violations("ecs-task-role-matches-manifest", stack, manifests)
