"""The whole Aira deployment: network, edge, queue, database, images, services and alerts."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.alerts import Alerts, AlertsArgs
from components.app_image import AppImage, AppImageArgs
from components.app_secret import AppSecret, AppSecretArgs
from components.fargate_service import (
    BacklogScaling,
    ContainerSecret,
    FargateService,
    FargateServiceArgs,
    LoadBalancerAttachment,
    RequestScaling,
)
from components.grant import Grant
from components.https_load_balancer import HttpsLoadBalancer, HttpsLoadBalancerArgs
from components.job_queue import JobQueue, JobQueueArgs
from components.mysql_database import MySqlDatabase, MySqlDatabaseArgs
from components.network import Network, NetworkArgs
from components.observability import (
    CloudWatchDashboardArgs,
    CollectorSidecar,
    Observability,
    ObservabilityArgs,
    cloudwatch_dashboard_resource,
)
from components.service_manifest import ServiceManifest
from stacks.config import ServiceSettings, StackSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
API_PORT = 8000
WORKER_METRICS_PORT = 9101


@dataclass(frozen=True)
class Shared:
    """What both services are built from."""

    settings: StackSettings
    network: Network
    cluster: aws.ecs.Cluster
    queue: JobQueue
    database: MySqlDatabase
    jwt_secret: AppSecret
    observability: Observability | None
    """Managed Prometheus and the collector sidecars, when the stack turns them on."""


def deploy(settings: StackSettings) -> dict[str, pulumi.Input[object]]:
    """Create every resource of the stack; returns the stack exports."""
    network = Network(
        "aira",
        NetworkArgs(
            region=settings.region,
            availability_zones=settings.availability_zones,
            nat=settings.nat,
        ),
    )
    edge = _edge(settings, network)
    shared = Shared(
        settings=settings,
        network=network,
        cluster=aws.ecs.Cluster(
            "aira", settings=[{"name": "containerInsights", "value": "enabled"}]
        ),
        queue=JobQueue(
            "aira-jobs",
            JobQueueArgs(
                max_receives=settings.max_receives,
                visibility_timeout_seconds=settings.job_lease_seconds,
            ),
        ),
        database=_database(settings, network),
        jwt_secret=_jwt_secret(settings),
        observability=None,
    )
    alerts = _alerts(shared, edge)
    if settings.managed_prometheus:
        shared = replace(shared, observability=_observability(settings, alerts))
    api = _api_service(shared, edge)
    worker = _worker_service(shared, _openai_key(settings))
    shared.database.allow_from("api", api.security_group.id)
    shared.database.allow_from("worker", worker.security_group.id)
    dashboard = _dashboard_args(shared, edge, api, worker)
    if shared.observability is not None:
        shared.observability.add_dashboard(dashboard)
    else:
        # Named apart from the Observability one: turning managedPrometheus on creates that one
        # before this one is deleted, and a shared name would delete the new dashboard.
        cloudwatch_dashboard_resource("aira-aws", settings.region, dashboard)
    return {
        "url": edge.url,
        "queueUrl": shared.queue.queue.url,
        "dlqUrl": shared.queue.dlq.url,
        "clusterName": shared.cluster.name,
        "apiServiceName": api.service_name,
        "workerServiceName": worker.service_name,
        "databaseEndpoint": shared.database.address,
        "apiImageUri": api.image_uri,
        "workerImageUri": worker.image_uri,
        "alertTopicArn": alerts.topic.arn,
        "apiLogGroup": api.log_group.name,
        "workerLogGroup": worker.log_group.name,
    }


def _edge(settings: StackSettings, network: Network) -> HttpsLoadBalancer:
    return HttpsLoadBalancer(
        "aira",
        HttpsLoadBalancerArgs(
            domain_name=settings.domain_name,
            hosted_zone_name=settings.hosted_zone,
            vpc_id=network.vpc_id,
            public_subnet_ids=network.public_subnet_ids,
            vpc_cidr_block=network.cidr_block,
            target_port=API_PORT,
            waf_enabled=settings.waf_enabled,
            deletion_protection=settings.deletion_protection,
        ),
    )


def _database(settings: StackSettings, network: Network) -> MySqlDatabase:
    return MySqlDatabase(
        "aira",
        MySqlDatabaseArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            instance_class=settings.database.instance_class,
            allocated_storage_gb=settings.database.allocated_storage_gb,
            max_allocated_storage_gb=settings.database.max_allocated_storage_gb,
            multi_az=settings.database.multi_az,
            deletion_protection=settings.deletion_protection,
            backup_retention_days=settings.database.backup_retention_days,
        ),
    )


def _alerts(shared: Shared, edge: HttpsLoadBalancer) -> Alerts:
    return Alerts(
        "aira",
        AlertsArgs(
            load_balancer_arn_suffix=edge.load_balancer.arn_suffix,
            target_group_arn_suffix=edge.target_group.arn_suffix,
            queue_name=shared.queue.queue.name,
            dlq_name=shared.queue.dlq.name,
            db_instance_id=shared.database.identifier,
            emails=shared.settings.alert_emails,
        ),
    )


def _observability(settings: StackSettings, alerts: Alerts) -> Observability:
    return Observability(
        "aira",
        ObservabilityArgs(
            region=settings.region,
            alert_topic_arn=alerts.topic.arn,
            grafana=settings.managed_grafana,
        ),
    )


def _dashboard_args(
    shared: Shared, edge: HttpsLoadBalancer, api: FargateService, worker: FargateService
) -> CloudWatchDashboardArgs:
    return CloudWatchDashboardArgs(
        load_balancer_arn_suffix=edge.load_balancer.arn_suffix,
        target_group_arn_suffix=edge.target_group.arn_suffix,
        queue_name=shared.queue.queue.name,
        dlq_name=shared.queue.dlq.name,
        cluster_name=shared.cluster.name,
        api_service_name=api.service_name,
        worker_service_name=worker.service_name,
        db_instance_id=shared.database.identifier,
    )


def _collector(shared: Shared, service: str, metrics_port: int) -> CollectorSidecar | None:
    if shared.observability is None:
        return None
    return shared.observability.collector_sidecar(service, metrics_port)


def _openai_key(settings: StackSettings) -> AppSecret:
    return AppSecret(
        "aira-openai-api-key",
        AppSecretArgs(
            value=settings.openai_api_key,
            description="OpenAI API key used by the worker",
            recovery_window_days=_recovery_window(settings),
        ),
    )


def _recovery_window(settings: StackSettings) -> int:
    """Protected stacks keep deleted secrets recoverable; others delete them at once."""
    return 30 if settings.deletion_protection else 0


def _jwt_secret(settings: StackSettings) -> AppSecret:
    password = random.RandomPassword("aira-jwt-secret", length=64, special=False)
    return AppSecret(
        "aira-jwt-secret",
        AppSecretArgs(
            value=password.result,
            description="Signs the API's access tokens",
            recovery_window_days=_recovery_window(settings),
        ),
    )


def _image(shared: Shared, target: str) -> AppImage:
    return AppImage(
        f"aira-{target}",
        AppImageArgs(target=target, force_delete=not shared.settings.deletion_protection),
    )


def _environment(shared: Shared) -> dict[str, pulumi.Input[str]]:
    """Settings both processes read (see apps/core/aira_core/settings.py)."""
    settings = shared.settings
    return {
        "AIRA_ENV": "prod",
        "AIRA_DATABASE_URL": shared.database.url,
        "AIRA_QUEUE_URL": shared.queue.queue.url,
        "AIRA_DLQ_URL": shared.queue.dlq.url,
        "AIRA_MAX_RECEIVES": str(shared.queue.max_receives),
        "AIRA_JOB_LEASE_SECONDS": str(shared.queue.visibility_timeout_seconds),
        "AIRA_LLM_MODEL": settings.llm_model,
        "AWS_REGION": settings.region,
    }


def _secrets(shared: Shared) -> dict[str, ContainerSecret]:
    """The database password (from the RDS-managed secret's JSON) and the JWT signing key.

    Production settings refuse to start without AIRA_JWT_SECRET, so both processes get it.
    """
    database = shared.database
    return {
        "AIRA_DATABASE_PASSWORD": ContainerSecret(
            value_from=pulumi.Output.concat(database.master_secret_arn, ":password::"),
            grant=database.grant_read_password(),
        ),
        "AIRA_JWT_SECRET": ContainerSecret(
            value_from=shared.jwt_secret.arn, grant=shared.jwt_secret.grant_read()
        ),
    }


def _task_grants(shared: Shared, service: str) -> tuple[Grant, ...]:
    """The task role allows exactly what apps/<service>/iam.json declares."""
    manifest = ServiceManifest.load(REPO_ROOT / "apps" / service / "iam.json")
    queue = shared.queue
    return manifest.grants_within(
        {
            "jobs-queue": (queue.grant_send(), queue.grant_consume()),
            "jobs-dlq": (queue.grant_redrive(),),
        }
    )


def _service(
    shared: Shared,
    service: str,
    sizing: ServiceSettings,
    scaling: RequestScaling | BacklogScaling,
    environment: Mapping[str, pulumi.Input[str]],
    secrets: Mapping[str, ContainerSecret],
    load_balancer: LoadBalancerAttachment | None = None,
    metrics_port: int = API_PORT,
) -> FargateService:
    collector = _collector(shared, service, metrics_port)
    if collector is not None:
        environment = {**environment, **collector.app_environment}
    return FargateService(
        f"aira-{service}",
        FargateServiceArgs(
            region=shared.settings.region,
            cluster_arn=shared.cluster.arn,
            cluster_name=shared.cluster.name,
            image=_image(shared, service),
            vpc_id=shared.network.vpc_id,
            vpc_cidr_block=shared.network.cidr_block,
            subnet_ids=shared.network.private_subnet_ids,
            scaling=scaling,
            environment=environment,
            secrets=secrets,
            task_grants=(*_task_grants(shared, service), *(collector.grants if collector else ())),
            sidecars=(collector.container,) if collector else (),
            container_port=API_PORT if load_balancer else None,
            load_balancer=load_balancer,
            cpu=sizing.cpu,
            memory=sizing.memory,
            min_tasks=sizing.min_tasks,
            max_tasks=sizing.max_tasks,
            log_retention_days=shared.settings.log_retention_days,
        ),
    )


def _api_service(shared: Shared, edge: HttpsLoadBalancer) -> FargateService:
    """The API behind the load balancer; it applies the database migrations on start."""
    return _service(
        shared,
        "api",
        shared.settings.api,
        RequestScaling(
            resource_label=pulumi.Output.concat(
                edge.load_balancer.arn_suffix, "/", edge.target_group.arn_suffix
            )
        ),
        environment={**_environment(shared), "AIRA_HOST": "0.0.0.0", "AIRA_PORT": str(API_PORT)},
        secrets=_secrets(shared),
        load_balancer=LoadBalancerAttachment(
            target_group_arn=edge.target_group.arn,
            security_group_id=edge.security_group.id,
            depends_on=[edge.https_listener],
        ),
    )


def _worker_service(shared: Shared, openai_key: AppSecret) -> FargateService:
    """The queue consumer: no inbound traffic, scales on backlog per task."""
    return _service(
        shared,
        "worker",
        shared.settings.worker,
        BacklogScaling(queue_name=shared.queue.queue.name),
        environment={**_environment(shared), "AIRA_WORKER_METRICS_PORT": str(WORKER_METRICS_PORT)},
        secrets={
            **_secrets(shared),
            "OPENAI_API_KEY": ContainerSecret(
                value_from=openai_key.arn, grant=openai_key.grant_read()
            ),
        },
        metrics_port=WORKER_METRICS_PORT,
    )
