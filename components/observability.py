"""Metrics, alerts, traces and dashboards on AWS, from the files in observability/.

An Amazon Managed Service for Prometheus workspace holds the rule groups (the promtool-tested
rules file, unchanged) and an alert manager that publishes to the Alerts SNS topic. Each task
runs an AWS Distro for OpenTelemetry collector sidecar (`collector_sidecar`) that scrapes the app
container's /metrics, remote-writes to the workspace and forwards the app's spans to X-Ray.
A CloudWatch dashboard (`add_dashboard`) shows the AWS-side metrics; an Amazon Managed Grafana
workspace with the generated dashboards is optional. The CloudWatch dashboard needs no
Prometheus: a stack without this component creates it alone (`cloudwatch_dashboard_resource`).
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumiverse_grafana as grafana

from components.grant import Grant, policy_document
from components.service_manifest import ServiceManifest
from observability.alerting import RULES_FILE, amp_alert_manager_definition
from observability.grafana import DASHBOARD_DIR

COLLECTOR_DIR = Path(__file__).resolve().parents[1] / "observability" / "collector"
COLLECTOR_CONFIG = COLLECTOR_DIR / "config.yml"
COLLECTOR_MANIFEST = COLLECTOR_DIR / "iam.json"
COLLECTOR_CONTAINER = "adot-collector"
OTLP_HTTP_ENDPOINT = "http://127.0.0.1:4318"
GRAFANA_TOKEN_SECONDS = 30 * 24 * 3600
"""Longest lifetime AMG allows for a service account token; `pulumi up` replaces an expired one."""
# AWS authorises the X-Ray upload actions only on every resource.
XRAY_UPLOAD = Grant(("xray:PutTraceSegments", "xray:PutTelemetryRecords"), ("*",))
AMP_QUERY_ACTIONS = ("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata")


@dataclass(frozen=True)
class ObservabilityArgs:
    region: str
    alert_topic_arn: pulumi.Input[str]
    """The Alerts component's SNS topic: the alert manager publishes every severity to it."""
    grafana: bool = False
    """An Amazon Managed Grafana workspace with the dashboards. Off by default: it costs
    ~9 USD per active editor a month and needs IAM Identity Center for sign-in."""
    collector_image: str = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0"
    """Pinned: a collector upgrade changes what reaches the workspace, so it is a reviewed change.
    Pulled from public ECR, so the private subnets need NAT."""
    trace_sample_ratio: float = 0.1
    """Share of new traces kept; a job's worker span follows its API span's decision."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.trace_sample_ratio <= 1.0:
            raise ValueError(f"trace_sample_ratio must be in [0, 1], got {self.trace_sample_ratio}")


@dataclass(frozen=True)
class CollectorSidecar:
    """What a service adds to run the collector next to its app container."""

    container: Mapping[str, Any]
    """ECS container definition (the service adds its log configuration)."""
    grants: tuple[Grant, ...]
    """Task role permissions the collector needs (from observability/collector/iam.json)."""
    app_environment: Mapping[str, str]
    """OTEL_* variables that send the app's spans to the collector."""


@dataclass(frozen=True)
class CloudWatchDashboardArgs:
    load_balancer_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    queue_name: pulumi.Input[str]
    dlq_name: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    api_service_name: pulumi.Input[str]
    worker_service_name: pulumi.Input[str]
    db_instance_id: pulumi.Input[str]


class Observability(pulumi.ComponentResource):
    """Prometheus workspace, rules, alert routing, collector sidecars and dashboards."""

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:observability:Observability", name, None, opts)
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        self.workspace = aws.amp.Workspace(name, alias=name, opts=child)
        self.remote_write_url = pulumi.Output.concat(
            self.workspace.prometheus_endpoint, "api/v1/remote_write"
        )
        self.rule_groups = aws.amp.RuleGroupNamespace(
            f"{name}-alerts",
            name=f"{name}-alerts",
            workspace_id=self.workspace.id,
            data=RULES_FILE.read_text(encoding="utf-8"),
            opts=child,
        )
        self.alert_manager = aws.amp.AlertManagerDefinition(
            name,
            workspace_id=self.workspace.id,
            definition=pulumi.Output.from_input(args.alert_topic_arn).apply(
                lambda topic_arn: amp_alert_manager_definition(topic_arn, args.region)
            ),
            opts=child,
        )
        self.topic_policy = aws.sns.TopicPolicy(
            f"{name}-alerts-publishers",
            arn=args.alert_topic_arn,
            policy=_topic_policy(args.alert_topic_arn, self.workspace.arn),
            opts=child,
        )
        self.dashboard: aws.cloudwatch.Dashboard | None = None
        self.grafana_workspace = self._grafana(name) if args.grafana else None
        self.register_outputs(
            {"workspace_arn": self.workspace.arn, "remote_write_url": self.remote_write_url}
        )

    def collector_sidecar(self, service: str, metrics_port: int) -> CollectorSidecar:
        """The collector container for `service` (e.g. "api"), scraping 127.0.0.1:metrics_port."""
        environment = {
            "AOT_CONFIG_CONTENT": COLLECTOR_CONFIG.read_text(encoding="utf-8"),
            "AMP_REMOTE_WRITE_URL": self.remote_write_url,
            "AWS_REGION": self._args.region,
            "METRICS_PORT": str(metrics_port),
            "SERVICE_NAME": f"aira-{service}",
        }
        container = {
            "name": COLLECTOR_CONTAINER,
            "image": self._args.collector_image,
            # Losing metrics must not take the service down; the heartbeat alert notices.
            "essential": False,
            "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
            "healthCheck": {
                "command": ["/healthcheck"],
                "interval": 30,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 10,
            },
        }
        manifest = ServiceManifest.load(COLLECTOR_MANIFEST)
        grants = manifest.grants_within(
            {"amp-workspace": (self.grant_remote_write(),), "*": (XRAY_UPLOAD,)}
        )
        return CollectorSidecar(container, grants, self._app_environment(service))

    def grant_remote_write(self) -> Grant:
        """Write samples into this workspace (and no other)."""
        return Grant(("aps:RemoteWrite",), (self.workspace.arn,))

    def _app_environment(self, service: str) -> dict[str, str]:
        return {
            "OTEL_SERVICE_NAME": f"aira-{service}",
            "OTEL_EXPORTER_OTLP_ENDPOINT": OTLP_HTTP_ENDPOINT,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": str(self._args.trace_sample_ratio),
        }

    def add_dashboard(self, args: CloudWatchDashboardArgs) -> aws.cloudwatch.Dashboard:
        """The CloudWatch dashboard of the AWS-side metrics (created once the services exist)."""
        self.dashboard = cloudwatch_dashboard_resource(
            self._name, self._args.region, args, pulumi.ResourceOptions(parent=self)
        )
        return self.dashboard

    def _grafana(self, name: str) -> aws.grafana.Workspace:
        """Amazon Managed Grafana reading the workspace, with the dashboards of observability/."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-grafana",
            assume_role_policy=json.dumps(_service_trust("grafana.amazonaws.com")),
            opts=child,
        )
        query = Grant(AMP_QUERY_ACTIONS, (self.workspace.arn,))
        aws.iam.RolePolicy(
            f"{name}-grafana", role=role.id, policy=policy_document([query]), opts=child
        )
        workspace = aws.grafana.Workspace(
            name,
            name=name,
            account_access_type="CURRENT_ACCOUNT",
            authentication_providers=["AWS_SSO"],
            permission_type="CUSTOMER_MANAGED",
            role_arn=role.arn,
            data_sources=["PROMETHEUS"],
            opts=child,
        )
        account = aws.grafana.WorkspaceServiceAccount(
            f"{name}-provisioning",
            name="pulumi-provisioning",
            grafana_role="ADMIN",
            workspace_id=workspace.id,
            opts=child,
        )
        token = aws.grafana.WorkspaceServiceAccountToken(
            f"{name}-provisioning",
            name="pulumi-provisioning",
            service_account_id=account.service_account_id,
            seconds_to_live=GRAFANA_TOKEN_SECONDS,
            workspace_id=workspace.id,
            opts=child,
        )
        provider = grafana.Provider(
            f"{name}-grafana",
            url=pulumi.Output.concat("https://", workspace.endpoint),
            auth=token.key,
            opts=child,
        )
        self._grafana_contents(name, provider)
        return workspace

    def _grafana_contents(self, name: str, provider: grafana.Provider) -> None:
        on_grafana = pulumi.ResourceOptions(parent=self, provider=provider)
        grafana.oss.DataSource(
            f"{name}-prometheus",
            name="Amazon Managed Prometheus",
            type="prometheus",
            url=self.workspace.prometheus_endpoint,
            is_default=True,
            json_data_encoded=json.dumps(
                {
                    "httpMethod": "POST",
                    "sigV4Auth": True,
                    "sigV4AuthType": "ec2_iam_role",
                    "sigV4Region": self._args.region,
                }
            ),
            opts=on_grafana,
        )
        for path in sorted(DASHBOARD_DIR.glob("*.json")):
            grafana.oss.Dashboard(
                f"{name}-{path.stem}",
                config_json=path.read_text(encoding="utf-8"),
                overwrite=True,
                opts=on_grafana,
            )


def _service_trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def _topic_policy(
    topic_arn: pulumi.Input[str], workspace_arn: pulumi.Input[str]
) -> pulumi.Output[str]:
    """The topic's one policy: CloudWatch alarms and this workspace's alert manager may publish,
    each only for this account (and the workspace only as itself)."""

    def document(topic: str, workspace: str) -> str:
        account = topic.split(":")[4]
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "CloudWatchAlarms",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": topic,
                        "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                    },
                    {
                        "Sid": "PrometheusAlertManager",
                        "Effect": "Allow",
                        "Principal": {"Service": "aps.amazonaws.com"},
                        "Action": ["sns:Publish", "sns:GetTopicAttributes"],
                        "Resource": topic,
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": account},
                            "ArnEquals": {"aws:SourceArn": workspace},
                        },
                    },
                ],
            }
        )

    return pulumi.Output.all(topic_arn, workspace_arn).apply(lambda arns: document(*arns))


def _metric_widget(
    title: str, region: str, metrics: Sequence[Sequence[Any]], stat: str = "Sum"
) -> dict[str, Any]:
    return {
        "type": "metric",
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": region,
            "metrics": [list(metric) for metric in metrics],
            "stat": stat,
            "period": 60,
            "view": "timeSeries",
        },
    }


def cloudwatch_dashboard_resource(
    name: str,
    region: str,
    args: CloudWatchDashboardArgs,
    opts: pulumi.ResourceOptions | None = None,
) -> aws.cloudwatch.Dashboard:
    """A CloudWatch dashboard named `name` of what AWS measures about the services."""
    return aws.cloudwatch.Dashboard(
        name,
        dashboard_name=name,
        dashboard_body=pulumi.Output.all(
            alb=args.load_balancer_arn_suffix,
            target_group=args.target_group_arn_suffix,
            queue=args.queue_name,
            dlq=args.dlq_name,
            cluster=args.cluster_name,
            api=args.api_service_name,
            worker=args.worker_service_name,
            database=args.db_instance_id,
        ).apply(lambda names: json.dumps(cloudwatch_dashboard(region, names))),
        opts=opts,
    )


def cloudwatch_dashboard(region: str, names: Mapping[str, str]) -> dict[str, Any]:
    """The dashboard body: what AWS measures about the load balancer, queue, tasks and database."""
    alb, tg = names["alb"], names["target_group"]
    services = [
        ("ClusterName", names["cluster"], "ServiceName", names[s]) for s in ("api", "worker")
    ]
    widgets = [
        _metric_widget(
            "API requests and 5xx",
            region,
            [
                ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", alb],
                ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", alb],
                ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", alb],
            ],
        ),
        _metric_widget(
            "API p95 time to first byte",
            region,
            [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", alb, "TargetGroup", tg]],
            stat="p95",
        ),
        _metric_widget(
            "Queue: waiting jobs and dead letters",
            region,
            [
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", names["queue"]],
                ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", names["queue"]],
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", names["dlq"]],
            ],
            stat="Maximum",
        ),
        _metric_widget(
            "Queue: oldest job age (s)",
            region,
            [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", names["queue"]]],
            stat="Maximum",
        ),
        _metric_widget(
            "Tasks: CPU %",
            region,
            [["AWS/ECS", "CPUUtilization", *dimensions] for dimensions in services],
            stat="Average",
        ),
        _metric_widget(
            "Tasks: running",
            region,
            [["ECS/ContainerInsights", "RunningTaskCount", *dimensions] for dimensions in services],
            stat="Average",
        ),
        _metric_widget(
            "Database CPU %",
            region,
            [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", names["database"]]],
            stat="Average",
        ),
        _metric_widget(
            "Database connections",
            region,
            [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", names["database"]]],
            stat="Maximum",
        ),
    ]
    return {"widgets": widgets}
