"""The policy pack accepts the collector's grants on a task role only where the task runs the
collector: `aps:RemoteWrite` on the one workspace, X-Ray uploads on `*`."""

import json
from typing import Any

import pytest

from tests.policies.analyzer import ACCOUNT, allow, stack_violations
from tests.policies.ecs_stack import (
    DLQ_ARN,
    QUEUE_ARN,
    WORKER_ACTIONS,
    replace,
    role_policy,
    worker_stack,
)

WORKSPACE_ARN = f"arn:aws:aps:eu-west-1:{ACCOUNT}:workspace/ws-aira"
XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
COLLECTOR = {"name": "adot-collector", "image": "public.ecr.aws/aws-observability/x:v1"}


@pytest.fixture
def manifests(tmp_path) -> dict[str, str]:
    manifest = {
        "service": "worker",
        "statements": [
            {"resource": "jobs-queue", "actions": WORKER_ACTIONS},
            {"resource": "jobs-dlq", "actions": ["sqs:GetQueueAttributes"]},
        ],
    }
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "iam.json").write_text(json.dumps(manifest))
    return {"manifestsDirectory": str(tmp_path)}


def _stack(*, with_collector: bool, remote_write_on: str = WORKSPACE_ARN) -> list[Any]:
    task_definition = next(r for r in worker_stack() if r[0].startswith("aws:ecs/taskDefinition"))
    (app,) = json.loads(task_definition[2]["containerDefinitions"])
    running = [app, COLLECTOR] if with_collector else [app]
    stack = replace(worker_stack(), "aira-worker", containerDefinitions=json.dumps(running))
    return [
        *[r for r in stack if r[1] != "task"],
        ("aws:amp/workspace:Workspace", "aira", {"arn": WORKSPACE_ARN, "id": "ws-aira"}),
        role_policy(
            "task",
            "aira-worker-task",
            allow(WORKER_ACTIONS, QUEUE_ARN),
            allow(["sqs:GetQueueAttributes"], DLQ_ARN),
            allow(["aps:RemoteWrite"], remote_write_on),
            allow(XRAY, "*"),
        ),
    ]


@pytest.mark.parametrize(
    "policy", ["ecs-task-role-matches-manifest", "iam-wildcard-only-actions-on-execution-roles"]
)
def test_a_task_running_the_collector_may_hold_its_grants(policy, manifests) -> None:
    assert stack_violations(policy, _stack(with_collector=True), manifests) == []


def test_without_the_collector_its_grants_are_excess(manifests) -> None:
    stack = _stack(with_collector=False)
    findings = [m for m, _ in stack_violations("ecs-task-role-matches-manifest", stack, manifests)]
    assert len(findings) == 2
    assert any("aps:RemoteWrite" in m for m in findings)
    assert any("xray:PutTraceSegments" in m for m in findings)
    (finding,) = stack_violations("iam-wildcard-only-actions-on-execution-roles", stack, manifests)
    assert "xray:PutTraceSegments" in finding[0]


def test_remote_write_to_another_workspace_is_caught(manifests) -> None:
    other = f"arn:aws:aps:eu-west-1:{ACCOUNT}:workspace/ws-other"
    stack = _stack(with_collector=True, remote_write_on=other)
    findings = stack_violations("ecs-task-role-matches-manifest", stack, manifests)
    assert any("ws-other" in message for message, _ in findings)
