"""An ECS Fargate service: task definition, least-privilege roles, logs, autoscaling."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.app_image import AppImage
from components.grant import Grant, policy_document

# Valid Fargate (cpu units -> memory MiB) combinations, from the ECS task size table.
FARGATE_MEMORY_BY_CPU: dict[int, range] = {
    256: range(512, 2048 + 1, 512),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
}

ECS_TASKS_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def fargate_size_error(cpu: int, memory: int) -> str | None:
    """Why (cpu, memory) is not a valid Fargate task size, or None when it is."""
    if cpu not in FARGATE_MEMORY_BY_CPU:
        return f"cpu {cpu} is not a Fargate size; use one of {sorted(FARGATE_MEMORY_BY_CPU)}"
    allowed = FARGATE_MEMORY_BY_CPU[cpu]
    if memory not in allowed:
        return (
            f"memory {memory} MiB does not fit cpu {cpu}; use {allowed.start}-{allowed.stop - 1}"
            f" in steps of {allowed.step}"
        )
    return None


@dataclass(frozen=True)
class ContainerSecret:
    """A container secret: where ECS reads it (`valueFrom`) and the grant that allows the read."""

    value_from: pulumi.Input[str]
    grant: Grant


@dataclass(frozen=True)
class RequestScaling:
    """Scale on ALB requests per task and on CPU, whichever asks for more tasks."""

    resource_label: pulumi.Input[str]
    """`<load balancer arn suffix>/<target group arn suffix>`."""
    requests_per_target: int = 300
    cpu_percent: int = 60


@dataclass(frozen=True)
class BacklogScaling:
    """Scale on visible queue messages per running task (metric math, no Lambda)."""

    queue_name: pulumi.Input[str]
    messages_per_task: int = 10
    """Each worker handles a few jobs at once; 10 waiting per task means it falls behind."""


@dataclass(frozen=True)
class LoadBalancerAttachment:
    target_group_arn: pulumi.Input[str]
    security_group_id: pulumi.Input[str]
    """The load balancer's security group: the only source allowed to reach the container port."""
    depends_on: Sequence[pulumi.Resource] = ()
    """The listener that forwards to the target group (ECS needs it before attaching)."""


@dataclass(frozen=True)
class FargateServiceArgs:
    region: str
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    image: AppImage
    vpc_id: pulumi.Input[str]
    vpc_cidr_block: str
    """Where the database lives: the only MySQL destination the tasks may reach."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets: tasks never get a public IP."""
    scaling: RequestScaling | BacklogScaling
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    secrets: Mapping[str, ContainerSecret] = field(default_factory=dict)
    task_grants: Sequence[Grant] = ()
    """Everything the application code may call on AWS; the task role allows exactly this."""
    container_port: int | None = None
    load_balancer: LoadBalancerAttachment | None = None
    cpu: int = 256
    memory: int = 512
    """The smallest Fargate size (~9 USD/month per task)."""
    min_tasks: int = 1
    max_tasks: int = 2
    log_retention_days: int = 30
    stop_timeout_seconds: int = 120
    """Time between SIGTERM and SIGKILL to finish in-flight work (Fargate maximum)."""
    health_check_grace_seconds: int = 60
    """Time for migrations on start before the load balancer's health checks count."""
    sidecars: Sequence[Mapping[str, Any]] = ()
    """More containers of each task (e.g. the telemetry collector), as ECS container definitions
    without a log configuration: they log to the service's log group. Their AWS permissions
    belong in `task_grants`."""

    def __post_init__(self) -> None:
        size_error = fargate_size_error(self.cpu, self.memory)
        if size_error:
            raise ValueError(size_error)
        if not 1 <= self.min_tasks <= self.max_tasks:
            raise ValueError(
                f"need 1 <= min_tasks ({self.min_tasks}) <= max_tasks ({self.max_tasks})"
            )
        if self.load_balancer and self.container_port is None:
            raise ValueError("a load balancer attachment needs a container_port")


class FargateService(pulumi.ComponentResource):
    """One application process running as tasks in private subnets."""

    def __init__(
        self, name: str, args: FargateServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:service:FargateService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.log_group = aws.cloudwatch.LogGroup(
            name, retention_in_days=args.log_retention_days, opts=child
        )
        self.role_policies: list[aws.iam.RolePolicy] = []
        self.execution_grants = self._execution_grants(args)
        self.task_grants = tuple(args.task_grants)
        self.execution_role = self._role(f"{name}-execution", self.execution_grants)
        self.task_role = self._role(f"{name}-task", self.task_grants)
        self.security_group = self._security_group(name, args)
        self.task_definition = aws.ecs.TaskDefinition(
            name,
            # Stacks may share an account: one task definition family per stack.
            family=f"{name}-{pulumi.get_stack()}",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(args.cpu),
            memory=str(args.memory),
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "X86_64"},
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=self._container_definitions(name, args),
            opts=child,
        )
        self.service = aws.ecs.Service(
            name,
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            desired_count=args.min_tasks,
            network_configuration={
                "subnets": args.subnet_ids,
                "security_groups": [self.security_group.id],
                "assign_public_ip": False,
            },
            deployment_circuit_breaker={"enable": True, "rollback": True},
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            load_balancers=self._load_balancers(name, args),
            health_check_grace_period_seconds=(
                args.health_check_grace_seconds if args.load_balancer else None
            ),
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            # Autoscaling owns the running count after creation.
            opts=pulumi.ResourceOptions(
                parent=self,
                ignore_changes=["desiredCount"],
                # Tasks must not start before their roles carry their permissions.
                depends_on=[
                    *self.role_policies,
                    *(args.load_balancer.depends_on if args.load_balancer else ()),
                ],
            ),
        )
        self.service_name = self.service.name
        self.image_uri = args.image.image_uri
        self._autoscaling(name, args)
        self.register_outputs({"service_name": self.service_name})

    def _execution_grants(self, args: FargateServiceArgs) -> tuple[Grant, ...]:
        """What ECS needs to start the task: pull its image, write its logs, read its secrets."""
        return (
            args.image.grant_pull(),
            Grant(("ecr:GetAuthorizationToken",), ("*",)),
            Grant(
                ("logs:CreateLogStream", "logs:PutLogEvents"),
                (pulumi.Output.concat(self.log_group.arn, ":*"),),
            ),
            *(secret.grant for secret in args.secrets.values()),
        )

    def _role(self, name: str, grants: Sequence[Grant]) -> aws.iam.Role:
        """A role ECS tasks assume, whose only permissions are `grants`."""
        role = aws.iam.Role(
            name,
            assume_role_policy=pulumi.Output.json_dumps(ECS_TASKS_TRUST_POLICY),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if grants:
            self.role_policies.append(
                aws.iam.RolePolicy(
                    name,
                    role=role.id,
                    policy=policy_document(grants),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        return role

    def _security_group(self, name: str, args: FargateServiceArgs) -> aws.ec2.SecurityGroup:
        ingress: list[aws.ec2.SecurityGroupIngressArgsDict] = []
        if args.load_balancer and args.container_port is not None:
            ingress.append(
                {
                    "protocol": "tcp",
                    "from_port": args.container_port,
                    "to_port": args.container_port,
                    "security_groups": [args.load_balancer.security_group_id],
                }
            )
        return aws.ec2.SecurityGroup(
            f"{name}-tasks",
            description=f"{name} tasks: inbound only from the load balancer, outbound HTTPS/MySQL",
            vpc_id=args.vpc_id,
            ingress=ingress,
            # Outbound: AWS APIs and the OpenAI API over HTTPS (through endpoints or NAT), MySQL.
            egress=[
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
                {
                    "protocol": "tcp",
                    "from_port": 3306,
                    "to_port": 3306,
                    "cidr_blocks": [args.vpc_cidr_block],
                },
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _container_definitions(self, name: str, args: FargateServiceArgs) -> pulumi.Output[str]:
        container = {
            "name": name,
            "image": args.image.image_uri,
            "essential": True,
            "portMappings": (
                [{"containerPort": args.container_port, "protocol": "tcp"}]
                if args.container_port is not None
                else []
            ),
            "environment": [
                {"name": key, "value": value} for key, value in sorted(args.environment.items())
            ],
            "secrets": [
                {"name": key, "valueFrom": secret.value_from}
                for key, secret in sorted(args.secrets.items())
            ],
            "logConfiguration": self._log_configuration(args, name),
            "linuxParameters": {"initProcessEnabled": True},
            "stopTimeout": args.stop_timeout_seconds,
        }
        sidecars = [
            {**sidecar, "logConfiguration": self._log_configuration(args, sidecar["name"])}
            for sidecar in args.sidecars
        ]
        return pulumi.Output.json_dumps([container, *sidecars])

    def _log_configuration(self, args: FargateServiceArgs, stream_prefix: str) -> dict[str, Any]:
        return {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": self.log_group.name,
                "awslogs-region": args.region,
                "awslogs-stream-prefix": stream_prefix,
            },
        }

    def _load_balancers(
        self, name: str, args: FargateServiceArgs
    ) -> list[aws.ecs.ServiceLoadBalancerArgsDict]:
        if args.load_balancer is None or args.container_port is None:
            return []
        return [
            {
                "target_group_arn": args.load_balancer.target_group_arn,
                "container_name": name,
                "container_port": args.container_port,
            }
        ]

    def _autoscaling(self, name: str, args: FargateServiceArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.scaling_target = aws.appautoscaling.Target(
            name,
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", args.cluster_name, "/", self.service.name),
            min_capacity=args.min_tasks,
            max_capacity=args.max_tasks,
            opts=child,
        )
        configurations = (
            _request_scaling(args.scaling)
            if isinstance(args.scaling, RequestScaling)
            else _backlog_scaling(args.scaling, args.cluster_name, self.service.name)
        )
        self.scaling_policies = [
            aws.appautoscaling.Policy(
                f"{name}-{suffix}",
                policy_type="TargetTrackingScaling",
                service_namespace=self.scaling_target.service_namespace,
                scalable_dimension=self.scaling_target.scalable_dimension,
                resource_id=self.scaling_target.resource_id,
                target_tracking_scaling_policy_configuration=configuration,
                opts=child,
            )
            for suffix, configuration in configurations.items()
        ]


TargetTracking = aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgsDict


def _request_scaling(scaling: RequestScaling) -> dict[str, TargetTracking]:
    return {
        "requests": {
            "target_value": scaling.requests_per_target,
            "predefined_metric_specification": {
                "predefined_metric_type": "ALBRequestCountPerTarget",
                "resource_label": scaling.resource_label,
            },
            "scale_in_cooldown": 300,
            "scale_out_cooldown": 60,
        },
        "cpu": {
            "target_value": scaling.cpu_percent,
            "predefined_metric_specification": {
                "predefined_metric_type": "ECSServiceAverageCPUUtilization"
            },
            "scale_in_cooldown": 300,
            "scale_out_cooldown": 60,
        },
    }


def _backlog_scaling(
    scaling: BacklogScaling, cluster_name: pulumi.Input[str], service_name: pulumi.Input[str]
) -> dict[str, TargetTracking]:
    """Backlog per task = visible messages / running tasks (from Container Insights)."""
    return {
        "backlog": {
            "target_value": scaling.messages_per_task,
            "customized_metric_specification": {
                "metrics": [
                    {
                        "id": "visible",
                        "return_data": False,
                        "metric_stat": {
                            "stat": "Sum",
                            "metric": {
                                "namespace": "AWS/SQS",
                                "metric_name": "ApproximateNumberOfMessagesVisible",
                                "dimensions": [{"name": "QueueName", "value": scaling.queue_name}],
                            },
                        },
                    },
                    {
                        "id": "tasks",
                        "return_data": False,
                        "metric_stat": {
                            "stat": "Average",
                            "metric": {
                                "namespace": "ECS/ContainerInsights",
                                "metric_name": "RunningTaskCount",
                                "dimensions": [
                                    {"name": "ClusterName", "value": cluster_name},
                                    {"name": "ServiceName", "value": service_name},
                                ],
                            },
                        },
                    },
                    {
                        "id": "backlog_per_task",
                        "label": "visible messages per running task",
                        "expression": "visible / IF(tasks > 0, tasks, 1)",
                        "return_data": True,
                    },
                ]
            },
            "scale_in_cooldown": 300,
            "scale_out_cooldown": 60,
        }
    }
