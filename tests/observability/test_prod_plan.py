"""The offline plan of prod holds the monitoring: workspace, rule groups, alert manager, the
collector sidecar in both task definitions and their least-privilege grants; dev holds none."""

import json
from typing import Any

import pytest
import yaml

from observability.alerting import RULES_FILE
from scripts.plan.capture import capture_plan

SERVICES = ("api", "worker")
METRICS_PORTS = {"api": "8000", "worker": "9101"}


@pytest.fixture(scope="module")
def prod_plan() -> dict[str, Any]:
    return capture_plan("prod")


def _all(plan: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"] == resource_type]


def _inputs(plan: dict[str, Any], resource_type: str, name: str | None = None) -> dict[str, Any]:
    matches = [r for r in _all(plan, resource_type) if name is None or r["name"] == name]
    assert len(matches) == 1, (resource_type, name, len(matches))
    return matches[0]["inputs"]


def _workspace_arn(plan: dict[str, Any]) -> str:
    (workspace,) = _all(plan, "aws:amp/workspace:Workspace")
    return f"arn:aws:aps:eu-west-1:123456789012:workspace/ws-{workspace['name']}"


def test_prod_has_the_workspace_its_rules_and_alert_routing(prod_plan: dict[str, Any]) -> None:
    rules = _inputs(prod_plan, "aws:amp/ruleGroupNamespace:RuleGroupNamespace")
    assert rules["data"] == RULES_FILE.read_text(encoding="utf-8")
    definition = _inputs(prod_plan, "aws:amp/alertManagerDefinition:AlertManagerDefinition")
    config = yaml.safe_load(yaml.safe_load(definition["definition"])["alertmanager_config"])
    topics = {r["sns_configs"][0]["topic_arn"] for r in config["receivers"]}
    assert topics == {"arn:aws:sns:eu-west-1:123456789012:aira"}
    topic_policy = _inputs(prod_plan, "aws:sns/topicPolicy:TopicPolicy")
    assert topic_policy["arn"] in topics
    assert _all(prod_plan, "aws:cloudwatch/dashboard:Dashboard")


@pytest.mark.parametrize("service", SERVICES)
def test_each_task_runs_the_collector_next_to_the_app(
    prod_plan: dict[str, Any], service: str
) -> None:
    task = _inputs(prod_plan, "aws:ecs/taskDefinition:TaskDefinition", f"aira-{service}")
    app, collector = json.loads(task["containerDefinitions"])
    assert app["name"] == f"aira-{service}" and app["essential"] is True
    assert collector["name"] == "adot-collector" and collector["essential"] is False
    settings = {e["name"]: e["value"] for e in collector["environment"]}
    assert settings["METRICS_PORT"] == METRICS_PORTS[service]
    assert settings["AMP_REMOTE_WRITE_URL"].endswith("/api/v1/remote_write")
    assert collector["logConfiguration"]["options"]["awslogs-stream-prefix"] == "adot-collector"
    app_settings = {e["name"]: e["value"] for e in app["environment"]}
    assert app_settings["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"
    assert app_settings["OTEL_SERVICE_NAME"] == f"aira-{service}"


@pytest.mark.parametrize("service", SERVICES)
def test_task_role_adds_only_the_collector_grants(prod_plan: dict[str, Any], service: str) -> None:
    policy = _inputs(prod_plan, "aws:iam/rolePolicy:RolePolicy", f"aira-{service}-task")
    statements = json.loads(policy["policy"])["Statement"]
    beyond_the_queue = [s for s in statements if not str(s["Resource"]).startswith("arn:aws:sqs")]
    assert beyond_the_queue == [
        {"Effect": "Allow", "Action": ["aps:RemoteWrite"], "Resource": _workspace_arn(prod_plan)},
        {
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        },
    ]


def test_dev_has_no_managed_monitoring() -> None:
    plan = capture_plan("dev")
    assert _all(plan, "aws:amp/workspace:Workspace") == []
    for task in _all(plan, "aws:ecs/taskDefinition:TaskDefinition"):
        assert len(json.loads(task["inputs"]["containerDefinitions"])) == 1
