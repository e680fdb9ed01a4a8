"""The Observability component under Pulumi mocks: what it would deploy, from the tested files."""

import json

import pulumi
import pytest
import yaml

from components.grant import policy_document
from components.observability import (
    COLLECTOR_CONFIG,
    CloudWatchDashboardArgs,
    Observability,
    ObservabilityArgs,
)
from observability.alerting import RULES_FILE
from observability.grafana import DASHBOARDS

TOPIC = "arn:aws:sns:eu-west-1:123456789012:aira-alerts"
WORKSPACE_ARN = "arn:aws:aps:eu-west-1:123456789012:workspace/ws-aira"
REMOTE_WRITE = (
    "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-aira/api/v1/remote_write"
)


def _build(grafana: bool = False) -> Observability:
    return Observability(
        "aira", ObservabilityArgs(region="eu-west-1", alert_topic_arn=TOPIC, grafana=grafana)
    )


def test_rule_groups_are_the_promtool_tested_rules_file(mocked_observability):
    _, registered = mocked_observability(_build)
    rules = registered.inputs("aws:amp/ruleGroupNamespace:RuleGroupNamespace")
    assert rules["data"] == RULES_FILE.read_text(encoding="utf-8")
    assert rules["workspaceId"] == "aira-id"
    assert rules["name"] == "aira-alerts"


def test_alert_manager_publishes_to_the_alerts_topic(mocked_observability):
    _, registered = mocked_observability(_build)
    definition = registered.inputs("aws:amp/alertManagerDefinition:AlertManagerDefinition")
    config = yaml.safe_load(yaml.safe_load(definition["definition"])["alertmanager_config"])
    assert {r["name"] for r in config["receivers"]} == {"critical", "warning"}
    for receiver in config["receivers"]:
        assert receiver["sns_configs"][0]["topic_arn"] == TOPIC
        assert receiver["sns_configs"][0]["sigv4"] == {"region": "eu-west-1"}


def test_only_this_workspace_and_cloudwatch_may_publish_to_the_topic(mocked_observability):
    _, registered = mocked_observability(_build)
    policy_inputs = registered.inputs("aws:sns/topicPolicy:TopicPolicy")
    assert policy_inputs["arn"] == TOPIC
    statements = {s["Sid"]: s for s in json.loads(policy_inputs["policy"])["Statement"]}
    prometheus = statements["PrometheusAlertManager"]
    assert prometheus["Principal"] == {"Service": "aps.amazonaws.com"}
    assert prometheus["Condition"]["ArnEquals"] == {"aws:SourceArn": WORKSPACE_ARN}
    assert prometheus["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert statements["CloudWatchAlarms"]["Action"] == "sns:Publish"
    assert all(s["Resource"] == TOPIC for s in statements.values())


def test_sidecar_scrapes_the_app_and_writes_to_the_workspace(mocked_observability, resolve):
    observability, _ = mocked_observability(_build)
    sidecar = observability.collector_sidecar("worker", metrics_port=9101)
    container = resolve(pulumi.Output.from_input(sidecar.container))
    environment = {item["name"]: item["value"] for item in container["environment"]}
    assert container["name"] == "adot-collector"
    assert container["image"].startswith("public.ecr.aws/aws-observability/aws-otel-collector:v")
    assert container["essential"] is False
    assert environment["AMP_REMOTE_WRITE_URL"] == REMOTE_WRITE
    assert environment["METRICS_PORT"] == "9101"
    assert environment["SERVICE_NAME"] == "aira-worker"
    assert environment["AWS_REGION"] == "eu-west-1"
    assert environment["AOT_CONFIG_CONTENT"] == COLLECTOR_CONFIG.read_text(encoding="utf-8")
    assert sidecar.app_environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"
    assert sidecar.app_environment["OTEL_SERVICE_NAME"] == "aira-worker"


def test_sidecar_grants_are_least_privilege(mocked_observability, resolve):
    observability, _ = mocked_observability(_build)
    grants = observability.collector_sidecar("api", metrics_port=8000).grants
    document = json.loads(resolve(policy_document(grants)))
    assert document["Statement"] == [
        {"Effect": "Allow", "Action": ["aps:RemoteWrite"], "Resource": WORKSPACE_ARN},
        {
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        },
    ]


def test_collector_pipelines_send_metrics_to_amp_and_traces_to_xray() -> None:
    config = yaml.safe_load(COLLECTOR_CONFIG.read_text(encoding="utf-8"))
    pipelines = config["service"]["pipelines"]
    assert pipelines["metrics"]["receivers"] == ["prometheus"]
    assert pipelines["metrics"]["exporters"] == ["prometheusremotewrite"]
    assert pipelines["traces"]["receivers"] == ["otlp"]
    assert pipelines["traces"]["exporters"] == ["awsxray"]
    remote_write = config["exporters"]["prometheusremotewrite"]
    assert remote_write["auth"] == {"authenticator": "sigv4auth"}
    assert config["extensions"]["sigv4auth"]["service"] == "aps"
    scrape = config["receivers"]["prometheus"]["config"]["scrape_configs"][0]
    assert scrape["static_configs"][0]["targets"] == ["127.0.0.1:${env:METRICS_PORT}"]
    # The OTLP receiver listens inside the task only.
    protocols = config["receivers"]["otlp"]["protocols"]
    assert {p["endpoint"].split(":")[0] for p in protocols.values()} == {"127.0.0.1"}


def test_cloudwatch_dashboard_shows_queue_load_balancer_tasks_and_database(mocked_observability):
    def build() -> Observability:
        observability = _build()
        observability.add_dashboard(
            CloudWatchDashboardArgs(
                load_balancer_arn_suffix="app/aira/1",
                target_group_arn_suffix="targetgroup/aira/2",
                queue_name="aira-jobs.fifo",
                dlq_name="aira-jobs-dlq.fifo",
                cluster_name="aira",
                api_service_name="aira-api",
                worker_service_name="aira-worker",
                db_instance_id="aira-db",
            )
        )
        return observability

    _, registered = mocked_observability(build)
    body = json.loads(registered.inputs("aws:cloudwatch/dashboard:Dashboard")["dashboardBody"])
    metrics = [tuple(m) for w in body["widgets"] for m in w["properties"]["metrics"]]
    assert (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        "aira-jobs-dlq.fifo",
    ) in metrics
    assert ("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "aira-jobs.fifo") in metrics
    assert (
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        "LoadBalancer",
        "app/aira/1",
    ) in metrics
    assert (
        "AWS/ECS",
        "CPUUtilization",
        "ClusterName",
        "aira",
        "ServiceName",
        "aira-worker",
    ) in metrics
    assert ("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "aira-db") in metrics
    assert {w["properties"]["region"] for w in body["widgets"]} == {"eu-west-1"}


def test_grafana_is_off_by_default(mocked_observability):
    observability, registered = mocked_observability(_build)
    assert observability.grafana_workspace is None
    assert registered.all("aws:grafana/workspace:Workspace") == []


def test_grafana_workspace_reads_the_workspace_and_loads_every_dashboard(mocked_observability):
    _, registered = mocked_observability(lambda: _build(grafana=True))
    workspace = registered.inputs("aws:grafana/workspace:Workspace")
    assert workspace["dataSources"] == ["PROMETHEUS"]
    assert workspace["permissionType"] == "CUSTOMER_MANAGED"
    role_policy = json.loads(
        registered.inputs("aws:iam/rolePolicy:RolePolicy", "aira-grafana")["policy"]
    )
    (statement,) = role_policy["Statement"]
    assert statement["Resource"] == WORKSPACE_ARN
    assert all(
        action.startswith("aps:") and "Write" not in action for action in statement["Action"]
    )
    source = registered.inputs("grafana:oss/dataSource:DataSource")
    assert source["url"] == REMOTE_WRITE.removesuffix("api/v1/remote_write")
    assert json.loads(source["jsonDataEncoded"])["sigV4Auth"] is True
    dashboards = registered.all("grafana:oss/dashboard:Dashboard")
    uids = {json.loads(d["inputs"]["configJson"])["uid"] for d in dashboards}
    assert uids == {board.uid for board in DASHBOARDS.values()}


@pytest.mark.parametrize("ratio", [-0.1, 1.5])
def test_invalid_sample_ratio_fails_early(ratio: float) -> None:
    with pytest.raises(ValueError, match="trace_sample_ratio"):
        ObservabilityArgs(region="eu-west-1", alert_topic_arn=TOPIC, trace_sample_ratio=ratio)
