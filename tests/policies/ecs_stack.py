"""A compliant service stack in the form stack policies see on `pulumi up` (inputs + outputs),
and helpers to break one property of it."""

import copy
import json
from typing import Any

from tests.policies.analyzer import ACCOUNT, allow, arn, document

ECR = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"
DB_SECRET = arn("secretsmanager", "secret:rds!db-aira-AbCdEf")
QUEUE_ARN, DLQ_ARN = arn("sqs", "aira-jobs.fifo"), arn("sqs", "aira-jobs-dlq.fifo")
TRUST_ECS = document(
    {
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
)
WORKER_ACTIONS = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:SendMessage",
    "sqs:GetQueueAttributes",
]


def role(name: str, **inputs: Any) -> tuple[str, str, dict[str, Any]]:
    return (
        "aws:iam/role:Role",
        name,
        {
            "assumeRolePolicy": TRUST_ECS,
            **inputs,
            "name": name,
            "id": name,
            "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        },
    )


def role_policy(name: str, role_name: str, *statements: dict) -> tuple[str, str, dict[str, Any]]:
    return (
        "aws:iam/rolePolicy:RolePolicy",
        name,
        {"role": role_name, "policy": document(*statements), "id": f"{role_name}:{name}"},
    )


def containers(**overrides: Any) -> str:
    container = {
        "name": "aira-worker",
        "image": f"{ECR}/aira-worker@sha256:{'0' * 64}",
        "environment": [{"name": "AIRA_QUEUE_URL", "value": "https://sqs/aira-jobs.fifo"}],
        "secrets": [{"name": "AIRA_DATABASE_PASSWORD", "valueFrom": f"{DB_SECRET}:password::"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "aira-worker"}},
        **overrides,
    }
    return json.dumps([container])


def queues() -> list[tuple[str, str, dict[str, Any]]]:
    queue = "aws:sqs/queue:Queue"
    return [
        (
            queue,
            "aira-jobs-dlq",
            {
                "fifoQueue": True,
                "sqsManagedSseEnabled": True,
                "arn": DLQ_ARN,
                "redriveAllowPolicy": json.dumps(
                    {"redrivePermission": "byQueue", "sourceQueueArns": [QUEUE_ARN]}
                ),
            },
        ),
        (
            queue,
            "aira-jobs",
            {
                "fifoQueue": True,
                "sqsManagedSseEnabled": True,
                "arn": QUEUE_ARN,
                "redrivePolicy": json.dumps({"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": 5}),
            },
        ),
    ]


def worker_stack() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        *queues(),
        role("aira-worker-task"),
        role("aira-worker-execution"),
        role_policy(
            "task",
            "aira-worker-task",
            allow(WORKER_ACTIONS, QUEUE_ARN),
            allow(["sqs:GetQueueAttributes"], DLQ_ARN),
        ),
        role_policy(
            "execution",
            "aira-worker-execution",
            allow(
                [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                arn("ecr", "repository/aira-worker"),
            ),
            allow(["ecr:GetAuthorizationToken"], "*"),
            allow(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                arn("logs", "log-group:aira-worker:*"),
            ),
            allow(["secretsmanager:GetSecretValue"], DB_SECRET),
        ),
        (
            "aws:ecs/taskDefinition:TaskDefinition",
            "aira-worker",
            {
                "family": "aira-worker",
                "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/aira-worker-task",
                "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/aira-worker-execution",
                "containerDefinitions": containers(),
            },
        ),
    ]


def replace(stack: list, name: str, **props: Any) -> list:
    """A copy of `stack` whose resource `name` has `props` set (None removes a property)."""
    changed = copy.deepcopy(stack)
    for _, resource_name, resource_props in changed:
        if resource_name == name:
            for key, value in props.items():
                if value is None:
                    resource_props.pop(key, None)
                else:
                    resource_props[key] = value
    return changed
