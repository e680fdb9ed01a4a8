"""Compute rules on task definitions: privileged containers and secrets in plain environment."""

import pytest
from pulumi_policy.proxy import UnknownValueError

from tests.policies.analyzer import UNKNOWN, resource_violations
from tests.policies.ecs_stack import containers

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


def environment(*names):
    return [{"name": name, "value": "x"} for name in names]


CASES = [
    ("ecs-no-privileged-containers", containers(), None),
    ("ecs-no-privileged-containers", containers(privileged=False), None),
    ("ecs-no-privileged-containers", containers(privileged=True), "runs privileged"),
    ("ecs-no-plain-secrets", containers(), None),
    ("ecs-no-plain-secrets", containers(environment=environment("AIRA_JOB_LEASE_SECONDS")), None),
    (
        "ecs-no-plain-secrets",
        containers(environment=environment("AIRA_JWT_SECRET")),
        "AIRA_JWT_SECRET in plain environment",
    ),
    (
        "ecs-no-plain-secrets",
        containers(environment=environment("OPENAI_API_KEY")),
        "OPENAI_API_KEY",
    ),
    (
        "ecs-no-plain-secrets",
        containers(environment=environment("AIRA_DATABASE_PASSWORD")),
        "AIRA_DATABASE_PASSWORD",
    ),
    ("ecs-no-plain-secrets", containers(environment=environment("GITHUB_TOKEN")), "GITHUB_TOKEN"),
    ("ecs-no-plain-secrets", containers(environment=[{"value": "orphan"}]), "need a name"),
    ("ecs-no-privileged-containers", "not json", "cannot be checked"),
]


@pytest.mark.parametrize(("policy", "definitions", "expected"), CASES)
def test_compute_policy(policy, definitions, expected):
    violations = resource_violations(policy, TASK_DEFINITION, {"containerDefinitions": definitions})
    if expected is None:
        assert violations == []
    else:
        assert any(expected in message for message in violations), violations


def test_names_that_only_look_secret_can_be_allowed():
    definitions = containers(environment=environment("AIRA_TOKEN_TTL_SECONDS"))
    config = {"allowedNames": ["AIRA_TOKEN_TTL_SECONDS"]}
    inputs = {"containerDefinitions": definitions}
    assert resource_violations("ecs-no-plain-secrets", TASK_DEFINITION, inputs, config) == []


def test_container_definitions_unknown_at_preview_wait_for_up():
    with pytest.raises(UnknownValueError):
        resource_violations(
            "ecs-no-privileged-containers", TASK_DEFINITION, {"containerDefinitions": UNKNOWN}
        )
