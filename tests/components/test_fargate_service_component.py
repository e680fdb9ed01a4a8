import json

import pytest

from components.app_image import AppImage, AppImageArgs
from components.fargate_service import (
    BacklogScaling,
    ContainerSecret,
    FargateService,
    FargateServiceArgs,
    LoadBalancerAttachment,
    RequestScaling,
    fargate_size_error,
)
from components.grant import Grant

POLICY = "aws:appautoscaling/policy:Policy"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt-AbCdEf"


def _service(name="api", scaling=None, load_balancer=True, task_grants=None, **overrides):
    def build() -> FargateService:
        args = {
            "region": "eu-west-1",
            "cluster_arn": "arn:aws:ecs:eu-west-1:123456789012:cluster/aira",
            "cluster_name": "aira",
            "image": AppImage(name, AppImageArgs(target=name)),
            "vpc_id": "vpc-1",
            "vpc_cidr_block": "10.0.0.0/16",
            "subnet_ids": ["subnet-private-0", "subnet-private-1"],
            "scaling": scaling or RequestScaling(resource_label="app/alb/1/targetgroup/tg/2"),
            "environment": {"AIRA_ENV": "prod", "AIRA_QUEUE_URL": "https://sqs/jobs.fifo"},
            "secrets": {
                "AIRA_JWT_SECRET": ContainerSecret(
                    SECRET_ARN, Grant(("secretsmanager:GetSecretValue",), (SECRET_ARN,))
                )
            },
            "task_grants": (
                task_grants
                if task_grants is not None
                else (Grant(("sqs:SendMessage", "sqs:GetQueueAttributes"), (QUEUE_ARN,)),)
            ),
            "container_port": 8000 if load_balancer else None,
            "load_balancer": (
                LoadBalancerAttachment(target_group_arn="arn:tg", security_group_id="sg-alb")
                if load_balancer
                else None
            ),
            **overrides,
        }
        return FargateService(name, FargateServiceArgs(**args))

    return build


def test_tasks_run_in_private_subnets_without_public_ip(mocked):
    _, registered = mocked(_service())
    service = registered.inputs("aws:ecs/service:Service", "api")
    assert service["launchType"] == "FARGATE"
    assert service["networkConfiguration"]["assignPublicIp"] is False
    assert service["networkConfiguration"]["subnets"] == ["subnet-private-0", "subnet-private-1"]


def test_deployments_roll_back_through_the_circuit_breaker(mocked):
    _, registered = mocked(_service())
    service = registered.inputs("aws:ecs/service:Service", "api")
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["deploymentMinimumHealthyPercent"] == 100.0


def test_task_role_policy_equals_its_grants(mocked):
    _, registered = mocked(_service())
    assert registered.policy("api-task") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"],
                "Resource": QUEUE_ARN,
            }
        ],
    }


def test_execution_role_may_only_pull_its_image_write_its_logs_and_read_its_secrets(mocked):
    _, registered = mocked(_service())
    statements = registered.policy("api-execution")["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        (
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            "arn:aws:ecr:eu-west-1:123456789012:api",
        ),
        (["ecr:GetAuthorizationToken"], "*"),
        (
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            "arn:aws:logs:eu-west-1:123456789012:log-group:api:*",
        ),
        (["secretsmanager:GetSecretValue"], SECRET_ARN),
    ]


def test_roles_are_assumed_only_by_ecs_tasks(mocked):
    _, registered = mocked(_service())
    for role in registered.all("aws:iam/role:Role"):
        trust = json.loads(role["inputs"]["assumeRolePolicy"])
        assert [s["Principal"] for s in trust["Statement"]] == [
            {"Service": "ecs-tasks.amazonaws.com"}
        ]


def test_a_service_without_grants_gets_a_task_role_without_policy(mocked):
    _, registered = mocked(_service(task_grants=()))
    policies = [p["name"] for p in registered.all("aws:iam/rolePolicy:RolePolicy")]
    assert policies == ["api-execution"]


def test_container_gets_its_environment_secrets_logs_and_port(mocked):
    _, registered = mocked(_service())
    task = registered.inputs("aws:ecs/taskDefinition:TaskDefinition", "api")
    (container,) = json.loads(task["containerDefinitions"])
    assert task["family"] == "api-test"
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert task["networkMode"] == "awsvpc"
    assert container["image"].startswith("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:")
    assert container["environment"] == [
        {"name": "AIRA_ENV", "value": "prod"},
        {"name": "AIRA_QUEUE_URL", "value": "https://sqs/jobs.fifo"},
    ]
    assert container["secrets"] == [{"name": "AIRA_JWT_SECRET", "valueFrom": SECRET_ARN}]
    assert container["portMappings"] == [{"containerPort": 8000, "protocol": "tcp"}]
    assert container["logConfiguration"]["options"]["awslogs-group"] == "api"
    log_group = registered.inputs("aws:cloudwatch/logGroup:LogGroup", "api")
    assert log_group["retentionInDays"] == 30.0


def test_only_the_load_balancer_reaches_the_container_port(mocked):
    _, registered = mocked(_service())
    group = registered.inputs("aws:ec2/securityGroup:SecurityGroup", "api-tasks")
    assert group["ingress"] == [
        {"protocol": "tcp", "fromPort": 8000.0, "toPort": 8000.0, "securityGroups": ["sg-alb"]}
    ]
    service = registered.inputs("aws:ecs/service:Service", "api")
    assert service["loadBalancers"] == [
        {"targetGroupArn": "arn:tg", "containerName": "api", "containerPort": 8000.0}
    ]


def test_api_scales_on_requests_per_target_and_cpu(mocked):
    _, registered = mocked(_service(min_tasks=2, max_tasks=6))
    target = registered.inputs("aws:appautoscaling/target:Target", "api")
    assert (target["minCapacity"], target["maxCapacity"]) == (2.0, 6.0)
    assert target["resourceId"] == "service/aira/api"
    requests = registered.inputs(POLICY, "api-requests")["targetTrackingScalingPolicyConfiguration"]
    assert requests["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ALBRequestCountPerTarget",
        "resourceLabel": "app/alb/1/targetgroup/tg/2",
    }
    cpu = registered.inputs(POLICY, "api-cpu")["targetTrackingScalingPolicyConfiguration"]
    assert cpu["predefinedMetricSpecification"]["predefinedMetricType"] == (
        "ECSServiceAverageCPUUtilization"
    )


def test_worker_scales_on_backlog_per_task_with_metric_math(mocked):
    _, registered = mocked(
        _service("worker", BacklogScaling(queue_name="jobs.fifo", messages_per_task=8), False)
    )
    (policy,) = registered.all(POLICY)
    configuration = policy["inputs"]["targetTrackingScalingPolicyConfiguration"]
    metrics = {m["id"]: m for m in configuration["customizedMetricSpecification"]["metrics"]}
    assert configuration["targetValue"] == 8.0
    assert metrics["visible"]["metricStat"]["metric"]["dimensions"] == [
        {"name": "QueueName", "value": "jobs.fifo"}
    ]
    assert metrics["tasks"]["metricStat"]["metric"]["metricName"] == "RunningTaskCount"
    assert metrics["backlog_per_task"]["expression"] == "visible / IF(tasks > 0, tasks, 1)"
    assert metrics["backlog_per_task"]["returnData"] is True
    assert registered.all("aws:lb/listener:Listener") == []
    group = registered.inputs("aws:ec2/securityGroup:SecurityGroup", "worker-tasks")
    assert group["ingress"] == []


@pytest.mark.parametrize(
    ("cpu", "memory", "problem"),
    [(300, 512, "cpu 300 is not a Fargate size"), (256, 4096, "memory 4096 MiB does not fit")],
)
def test_invalid_task_sizes_are_explained(cpu, memory, problem):
    assert problem in (fargate_size_error(cpu, memory) or "")
    assert fargate_size_error(1024, 2048) is None


def test_min_tasks_above_max_tasks_is_rejected(mocked):
    with pytest.raises(ValueError, match="min_tasks"):
        mocked(_service(min_tasks=3, max_tasks=2))
