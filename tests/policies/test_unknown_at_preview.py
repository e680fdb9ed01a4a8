"""Every policy leaves a value unknown at preview to `pulumi up` (the engine reports "can't run
during preview") instead of passing or failing it."""

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies.catalog import POLICY_SPECS
from tests.policies.analyzer import UNKNOWN, resource_violations, stack_violations
from tests.policies.ecs_stack import queues, replace, worker_stack
from tests.policies.network_stack import network_stack

DB = "aws:rds/instance:Instance"
LISTENER = "aws:lb/listener:Listener"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
IAM_POLICY = ("aws:iam/rolePolicy:RolePolicy", {"policy": UNKNOWN, "role": "r"})

RESOURCE_CASES = {
    "iam-no-wildcard-actions": IAM_POLICY,
    "iam-no-not-action-or-not-resource": IAM_POLICY,
    "iam-no-unrestricted-resources": IAM_POLICY,
    "iam-no-privilege-escalation": IAM_POLICY,
    "iam-no-permissions-management": IAM_POLICY,
    "iam-known-actions": IAM_POLICY,
    "iam-no-broad-managed-policies": (
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"role": "r", "policyArn": UNKNOWN},
    ),
    "iam-no-wildcard-principals": ("aws:iam/role:Role", {"assumeRolePolicy": UNKNOWN}),
    "sqs-encrypted": ("aws:sqs/queue:Queue", {"sqsManagedSseEnabled": UNKNOWN}),
    "rds-not-public": (DB, {"publiclyAccessible": UNKNOWN}),
    "rds-encrypted": (DB, {"storageEncrypted": UNKNOWN}),
    "rds-managed-master-password": (DB, {"manageMasterUserPassword": UNKNOWN}),
    "rds-backups": (DB, {"backupRetentionPeriod": UNKNOWN}),
    "rds-deletion-protection": (DB, {"deletionProtection": UNKNOWN}),
    "rds-final-snapshot": (DB, {"skipFinalSnapshot": UNKNOWN}),
    "log-retention": ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": UNKNOWN}),
    "alb-http-redirects-to-https": (LISTENER, {"protocol": UNKNOWN}),
    "alb-https-modern-tls": (LISTENER, {"protocol": "HTTPS", "sslPolicy": UNKNOWN}),
    "alb-drops-invalid-headers": (
        "aws:lb/loadBalancer:LoadBalancer",
        {"dropInvalidHeaderFields": UNKNOWN},
    ),
    "ecs-no-public-ip": ("aws:ecs/service:Service", {"networkConfiguration": UNKNOWN}),
    "ecs-no-privileged-containers": (TASK_DEFINITION, {"containerDefinitions": UNKNOWN}),
    "ecs-no-plain-secrets": (TASK_DEFINITION, {"containerDefinitions": UNKNOWN}),
}
# A role ARN is an output: unknown until the role exists.
UNKNOWN_ROLE = replace(worker_stack(), "aira-worker", taskRoleArn=UNKNOWN)
STACK_CASES = {
    "ecs-roles-trust-only-ecs-tasks": UNKNOWN_ROLE,
    "ecs-task-role-differs-from-execution-role": UNKNOWN_ROLE,
    "ecs-execution-role-scoped-to-task": replace(
        worker_stack(), "aira-worker", executionRoleArn=UNKNOWN
    ),
    "iam-wildcard-only-actions-on-execution-roles": UNKNOWN_ROLE,
    "ecs-task-role-matches-manifest": UNKNOWN_ROLE,
    "sqs-dead-letter-queue": replace(queues(), "aira-jobs", redrivePolicy=UNKNOWN),
    "world-open-ingress-only-alb-https": replace(network_stack(), "alb", ingress=UNKNOWN),
    "database-ingress-only-from-services": replace(
        network_stack(), "database", vpcSecurityGroupIds=UNKNOWN
    ),
}


@pytest.mark.parametrize(("policy", "case"), RESOURCE_CASES.items())
def test_resource_policy_waits_for_up(policy, case):
    resource_type, inputs = case
    with pytest.raises(UnknownValueError):
        resource_violations(policy, resource_type, inputs)


@pytest.mark.parametrize(("policy", "stack"), STACK_CASES.items())
def test_stack_policy_waits_for_up(policy, stack):
    with pytest.raises(UnknownValueError):
        stack_violations(policy, stack)


def test_every_policy_is_covered():
    assert set(RESOURCE_CASES) | set(STACK_CASES) == {spec.name for spec in POLICY_SPECS}
