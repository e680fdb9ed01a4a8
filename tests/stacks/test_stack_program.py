"""The whole program per stack: what it creates, prod-only protections, exports, app settings."""

import json
from collections import Counter
from pathlib import Path

import pytest

from components.grant import WILDCARD_ONLY_ACTIONS

ROOT = Path(__file__).resolve().parents[2]

EXPORTS = {
    "url",
    "queueUrl",
    "dlqUrl",
    "clusterName",
    "apiServiceName",
    "workerServiceName",
    "databaseEndpoint",
    "apiImageUri",
    "workerImageUri",
    "alertTopicArn",
    "apiLogGroup",
    "workerLogGroup",
}
COMMON_COUNTS = {
    "awsx:ec2:Vpc": 1,
    "awsx:ecr:Image": 2,
    "aws:ec2/vpcEndpoint:VpcEndpoint": 7,
    "aws:acm/certificate:Certificate": 1,
    "aws:lb/loadBalancer:LoadBalancer": 1,
    "aws:lb/listener:Listener": 2,
    "aws:sqs/queue:Queue": 2,
    "aws:rds/instance:Instance": 1,
    "aws:ecs/cluster:Cluster": 1,
    "aws:ecs/service:Service": 2,
    "aws:ecs/taskDefinition:TaskDefinition": 2,
    "aws:iam/role:Role": 4,
    "aws:iam/rolePolicy:RolePolicy": 4,
    "aws:appautoscaling/policy:Policy": 3,
    "aws:secretsmanager/secret:Secret": 2,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 8,
    "aws:cloudwatch/dashboard:Dashboard": 1,
    "aws:ecr/repository:Repository": 2,
}


def _counts(plan):
    return Counter(resource["type"] for resource in plan["resources"])


def _one(plan, resource_type, name=None):
    matches = [
        r
        for r in plan["resources"]
        if r["type"] == resource_type and (name is None or r["name"] == name)
    ]
    assert len(matches) == 1, (resource_type, name, len(matches))
    return matches[0]["inputs"]


def _container(plan, service):
    task = _one(plan, "aws:ecs/taskDefinition:TaskDefinition", f"aira-{service}")
    (container,) = json.loads(task["containerDefinitions"])
    return container


def _environment(plan, service):
    return {e["name"]: e["value"] for e in _container(plan, service)["environment"]}


def _secrets(plan, service):
    return {e["name"]: e["valueFrom"] for e in _container(plan, service)["secrets"]}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_expected_resource_types_and_counts(stack, request):
    counts = _counts(request.getfixturevalue(f"{stack}_plan"))
    assert {kind: counts[kind] for kind in COMMON_COUNTS} == COMMON_COUNTS


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_exports_are_present(stack, request):
    plan = request.getfixturevalue(f"{stack}_plan")
    assert set(plan["exports"]) == EXPORTS
    assert plan["exports"]["url"].startswith("https://")
    assert plan["exports"]["queueUrl"].endswith(".fifo")


def test_prod_is_protected_multi_az_and_alarmed(prod_plan):
    database = _one(prod_plan, "aws:rds/instance:Instance")
    assert database["multiAz"] is True
    assert database["deletionProtection"] is True
    assert database["skipFinalSnapshot"] is False
    assert database["backupRetentionPeriod"] >= 7
    assert _one(prod_plan, "aws:lb/loadBalancer:LoadBalancer")["enableDeletionProtection"] is True
    assert _one(prod_plan, "awsx:ec2:Vpc")["natGateways"] == {"strategy": "OnePerAz"}
    assert _counts(prod_plan)["aws:wafv2/webAclAssociation:WebAclAssociation"] == 1
    assert _counts(prod_plan)["aws:sns/topicSubscription:TopicSubscription"] >= 1
    for repository in [r for r in prod_plan["resources"] if r["type"].startswith("aws:ecr/repo")]:
        assert repository["inputs"]["forceDelete"] is False
    for service in ("api", "worker"):
        target = _one(prod_plan, "aws:appautoscaling/target:Target", f"aira-{service}")
        assert target["minCapacity"] >= 2


def test_dev_is_cheap_and_easy_to_tear_down(dev_plan):
    database = _one(dev_plan, "aws:rds/instance:Instance")
    assert database["multiAz"] is False
    assert database["deletionProtection"] is False
    assert database["skipFinalSnapshot"] is True
    assert _one(dev_plan, "awsx:ec2:Vpc")["natGateways"] == {"strategy": "Single"}
    assert _counts(dev_plan)["aws:wafv2/webAcl:WebAcl"] == 0
    secrets = [r for r in dev_plan["resources"] if r["type"] == "aws:secretsmanager/secret:Secret"]
    assert {s["inputs"]["recoveryWindowInDays"] for s in secrets} == {0.0}


def _queue_arns(plan):
    """ARNs of the job queue and DLQ as the plan wires them (redrive allow and redrive policies)."""
    allow = _one(plan, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy")["redriveAllowPolicy"]
    redrive = _one(plan, "aws:sqs/queue:Queue", "aira-jobs")["redrivePolicy"]
    return {
        "jobs-queue": json.loads(allow)["sourceQueueArns"][0],
        "jobs-dlq": json.loads(redrive)["deadLetterTargetArn"],
    }


@pytest.mark.parametrize("service", ["api", "worker"])
def test_task_roles_equal_the_service_manifests(dev_plan, service):
    manifest = json.loads((ROOT / "apps" / service / "iam.json").read_text())
    arns = _queue_arns(dev_plan)
    role_policy = _one(dev_plan, "aws:iam/rolePolicy:RolePolicy", f"aira-{service}-task")
    assert json.loads(role_policy["policy"])["Statement"] == [
        {"Effect": "Allow", "Action": entry["actions"], "Resource": arns[entry["resource"]]}
        for entry in manifest["statements"]
    ]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_role_allows_wildcard_actions_or_unscoped_resources(stack, request):
    plan = request.getfixturevalue(stack + "_plan")
    for role_policy in [
        r for r in plan["resources"] if r["type"] == "aws:iam/rolePolicy:RolePolicy"
    ]:
        for statement in json.loads(role_policy["inputs"]["policy"])["Statement"]:
            assert not any("*" in action for action in statement["Action"])
            if statement["Resource"] == "*":
                assert set(statement["Action"]) <= WILDCARD_ONLY_ACTIONS, role_policy["name"]


def test_queue_settings_match_the_redrive_policy_and_visibility_timeout(dev_plan):
    queue = _one(dev_plan, "aws:sqs/queue:Queue", "aira-jobs")
    redrive = json.loads(queue["redrivePolicy"])
    for service in ("api", "worker"):
        environment = _environment(dev_plan, service)
        assert int(environment["AIRA_MAX_RECEIVES"]) == redrive["maxReceiveCount"]
        assert float(environment["AIRA_JOB_LEASE_SECONDS"]) == queue["visibilityTimeoutSeconds"]
        assert environment["AIRA_QUEUE_URL"] == dev_plan["exports"]["queueUrl"]
        assert environment["AIRA_DLQ_URL"] == dev_plan["exports"]["dlqUrl"]


@pytest.mark.parametrize("service", ["api", "worker"])
def test_containers_get_database_settings_and_secrets(dev_plan, service):
    environment = _environment(dev_plan, service)
    secrets = _secrets(dev_plan, service)
    endpoint = dev_plan["exports"]["databaseEndpoint"]
    assert environment["AIRA_ENV"] == "prod"
    assert environment["AIRA_DATABASE_URL"] == f"mysql+pymysql://aira@{endpoint}:3306/aira"
    assert environment["AIRA_LLM_MODEL"] == "gpt-4o-mini"
    assert secrets["AIRA_DATABASE_PASSWORD"].startswith("arn:aws:secretsmanager:")
    assert secrets["AIRA_DATABASE_PASSWORD"].endswith(":password::")
    assert secrets["AIRA_JWT_SECRET"].endswith(":aira-jwt-secret")


def test_only_the_worker_gets_the_openai_key(dev_plan):
    assert "OPENAI_API_KEY" in _secrets(dev_plan, "worker")
    assert "OPENAI_API_KEY" not in _secrets(dev_plan, "api")
    version = _one(
        dev_plan, "aws:secretsmanager/secretVersion:SecretVersion", "aira-openai-api-key"
    )
    assert version["secretString"] == "plan-placeholder-secret"


def test_api_listens_on_8000_behind_the_load_balancer_health_check(dev_plan):
    environment = _environment(dev_plan, "api")
    assert (environment["AIRA_HOST"], environment["AIRA_PORT"]) == ("0.0.0.0", "8000")
    assert _container(dev_plan, "api")["portMappings"] == [
        {"containerPort": 8000, "protocol": "tcp"}
    ]
    target_group = _one(dev_plan, "aws:lb/targetGroup:TargetGroup")
    assert (target_group["port"], target_group["healthCheck"]["path"]) == (8000.0, "/healthz")
    assert _container(dev_plan, "worker")["portMappings"] == []


def test_database_accepts_only_the_two_services(dev_plan):
    rules = [
        r["inputs"]
        for r in dev_plan["resources"]
        if r["type"] == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    ]
    assert sorted(rule["referencedSecurityGroupId"] for rule in rules) == [
        "aira-api-tasks-id",
        "aira-worker-tasks-id",
    ]
