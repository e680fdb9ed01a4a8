"""Edits of a captured plan that break one guarded property each, as a person would by hand:
resources are picked by type and properties, never by name or URN."""

import json
from collections.abc import Callable
from typing import Any

Plan = dict[str, Any]
Edit = Callable[[Plan], None]


def of_type(plan: Plan, resource_type: str, where: Callable[[dict], bool] = lambda _: True):
    found = [r for r in plan["resources"] if r["type"] == resource_type and where(r["inputs"])]
    assert found, f"the plan has no {resource_type} to edit"
    return found


def _actions(inputs: dict) -> set[str]:
    document = json.loads(inputs["policy"])
    return {a for s in document["Statement"] for a in _listed(s.get("Action"))}


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def task_role_policies(plan: Plan) -> list[dict]:
    """Role policies granting queue actions: the task roles'."""
    return of_type(
        plan,
        "aws:iam/rolePolicy:RolePolicy",
        lambda i: any(a.startswith("sqs:") for a in _actions(i)),
    )


def execution_role_policies(plan: Plan) -> list[dict]:
    return of_type(
        plan, "aws:iam/rolePolicy:RolePolicy", lambda i: "ecr:GetAuthorizationToken" in _actions(i)
    )


def add_statement(policies: list[dict], statement: dict) -> None:
    for resource in policies:
        document = json.loads(resource["inputs"]["policy"])
        document["Statement"].append(statement)
        resource["inputs"]["policy"] = json.dumps(document)


def queue_arn(plan: Plan) -> str:
    document = json.loads(task_role_policies(plan)[0]["inputs"]["policy"])
    return _listed(document["Statement"][0]["Resource"])[0]


def grant(actions: Any, resource: str | None = None, **extra: Any) -> Edit:
    def edit(plan: Plan) -> None:
        statement = {
            "Effect": "Allow",
            "Action": actions,
            "Resource": resource or queue_arn(plan),
            **extra,
        }
        add_statement(task_role_policies(plan), statement)

    return edit


def set_inputs(
    resource_type: str, where: Callable[[dict], bool] = lambda _: True, **values: Any
) -> Edit:
    """Set (or with None remove) properties of every matching resource."""

    def edit(plan: Plan) -> None:
        for resource in of_type(plan, resource_type, where):
            for key, value in values.items():
                if value is None:
                    resource["inputs"].pop(key, None)
                else:
                    resource["inputs"][key] = value

    return edit


def edit_containers(change: Callable[[dict], None]) -> Edit:
    def edit(plan: Plan) -> None:
        for definition in of_type(plan, "aws:ecs/taskDefinition:TaskDefinition"):
            containers = json.loads(definition["inputs"]["containerDefinitions"])
            for container in containers:
                change(container)
            definition["inputs"]["containerDefinitions"] = json.dumps(containers)

    return edit


def trust(principal: Any) -> Edit:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    return set_inputs("aws:iam/role:Role", assumeRolePolicy=json.dumps(document))


def add_resource(resource_type: str, inputs_from: Callable[[Plan], dict]) -> Edit:
    """A resource added by hand, with a name and URN unlike anything the program makes."""

    def edit(plan: Plan) -> None:
        plan["resources"].append(
            {
                "urn": "urn:hand:added",
                "type": resource_type,
                "name": "zz",
                "parent": None,
                "inputs": inputs_from(plan),
            }
        )

    return edit


def task_role_reference(plan: Plan) -> str:
    return task_role_policies(plan)[0]["inputs"]["role"]


def alb_security_group(inputs: dict) -> bool:
    return any("0.0.0.0/0" in rule.get("cidrBlocks", []) for rule in inputs.get("ingress", []))


def service_security_group(inputs: dict) -> bool:
    return any(rule.get("securityGroups") for rule in inputs.get("ingress", []))


def world_port(port: float) -> dict:
    return {"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]}


def add_ingress(where: Callable[[dict], bool], rule: dict) -> Edit:
    def edit(plan: Plan) -> None:
        for group in of_type(plan, "aws:ec2/securityGroup:SecurityGroup", where):
            group["inputs"]["ingress"] = [*group["inputs"].get("ingress", []), rule]

    return edit


def same_task_and_execution_role(plan: Plan) -> None:
    for definition in of_type(plan, "aws:ecs/taskDefinition:TaskDefinition"):
        definition["inputs"]["taskRoleArn"] = definition["inputs"]["executionRoleArn"]


def database_ingress_from_cidr(plan: Plan) -> None:
    for rule in of_type(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        rule["inputs"].pop("referencedSecurityGroupId")
        rule["inputs"]["cidrIpv4"] = "10.0.0.0/16"


def http_listener(inputs: dict) -> bool:
    return inputs.get("protocol") == "HTTP"


def https_listener(inputs: dict) -> bool:
    return inputs.get("protocol") == "HTTPS"


def source_queue(inputs: dict) -> bool:
    return "redrivePolicy" in inputs


def env(name: str) -> Callable[[dict], None]:
    return lambda container: container["environment"].append({"name": name, "value": "s3cret"})


def privileged(container: dict) -> None:
    container["privileged"] = True


def execution_grant(action: str, resource: str) -> Edit:
    def edit(plan: Plan) -> None:
        add_statement(
            execution_role_policies(plan),
            {"Effect": "Allow", "Action": action, "Resource": resource},
        )

    return edit


def hand_added_task_role_policy(plan: Plan) -> dict:
    statement = {"Effect": "Allow", "Action": "sqs:DeleteQueue", "Resource": queue_arn(plan)}
    return {
        "role": task_role_reference(plan),
        "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    }


def admin_attachment(plan: Plan) -> dict:
    return {
        "role": task_role_reference(plan),
        "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
    }


# (edit, policy that must report a mandatory violation, stacks where that holds)
BOTH = ("dev", "prod")
EDITS: dict[str, tuple[Edit, str, tuple[str, ...]]] = {
    "wildcard action": (grant("sqs:*"), "iam-no-wildcard-actions", BOTH),
    "service wildcard in a list": (grant(["sqs:Get*"]), "iam-no-wildcard-actions", BOTH),
    "NotAction": (
        lambda p: add_statement(
            task_role_policies(p),
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": queue_arn(p)},
        ),
        "iam-no-not-action-or-not-resource",
        BOTH,
    ),
    "Resource * behind a condition": (
        grant("sqs:SendMessage", "*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        "iam-no-unrestricted-resources",
        BOTH,
    ),
    "PassRole": (
        grant("iam:PassRole", "arn:aws:iam::123456789012:role/admin"),
        "iam-no-privilege-escalation",
        BOTH,
    ),
    "SetQueueAttributes": (grant("sqs:SetQueueAttributes"), "iam-no-permissions-management", BOTH),
    "batch operation named as action": (grant("sqs:SendMessageBatch"), "iam-known-actions", BOTH),
    "typo in action": (grant("sqs:RecieveMessage"), "iam-known-actions", BOTH),
    "action beyond the manifest": (grant("sqs:PurgeQueue"), "ecs-task-role-matches-manifest", BOTH),
    "hand-added role policy": (
        add_resource("aws:iam/rolePolicy:RolePolicy", hand_added_task_role_policy),
        "ecs-task-role-matches-manifest",
        BOTH,
    ),
    "AdministratorAccess attached by hand": (
        add_resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", admin_attachment),
        "iam-no-broad-managed-policies",
        BOTH,
    ),
    "trust beyond ECS": (
        trust({"Service": "lambda.amazonaws.com"}),
        "ecs-roles-trust-only-ecs-tasks",
        BOTH,
    ),
    "trust anyone": (trust({"AWS": "*"}), "iam-no-wildcard-principals", BOTH),
    "task role is the execution role": (
        same_task_and_execution_role,
        "ecs-task-role-differs-from-execution-role",
        BOTH,
    ),
    "execution role reads another secret": (
        execution_grant(
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other",
        ),
        "ecs-execution-role-scoped-to-task",
        BOTH,
    ),
    "registry login on a task role": (
        grant("ecr:GetAuthorizationToken", "*"),
        "iam-wildcard-only-actions-on-execution-roles",
        BOTH,
    ),
    "unencrypted queue": (
        set_inputs("aws:sqs/queue:Queue", sqsManagedSseEnabled=False),
        "sqs-encrypted",
        BOTH,
    ),
    "queue without DLQ": (
        set_inputs("aws:sqs/queue:Queue", source_queue, redrivePolicy=None),
        "sqs-dead-letter-queue",
        BOTH,
    ),
    "public database": (
        set_inputs("aws:rds/instance:Instance", publiclyAccessible=True),
        "rds-not-public",
        BOTH,
    ),
    "unencrypted database": (
        set_inputs("aws:rds/instance:Instance", storageEncrypted=False),
        "rds-encrypted",
        BOTH,
    ),
    "database password in the program": (
        set_inputs("aws:rds/instance:Instance", manageMasterUserPassword=None, password="x" * 20),
        "rds-managed-master-password",
        BOTH,
    ),
    "no backups": (
        set_inputs("aws:rds/instance:Instance", backupRetentionPeriod=0.0),
        "rds-backups",
        BOTH,
    ),
    "short backups in prod": (
        set_inputs("aws:rds/instance:Instance", backupRetentionPeriod=3.0),
        "rds-backups",
        ("prod",),
    ),
    "no deletion protection in prod": (
        set_inputs("aws:rds/instance:Instance", deletionProtection=False),
        "rds-deletion-protection",
        ("prod",),
    ),
    "no final snapshot in prod": (
        set_inputs("aws:rds/instance:Instance", skipFinalSnapshot=True),
        "rds-final-snapshot",
        ("prod",),
    ),
    "logs kept forever": (
        set_inputs("aws:cloudwatch/logGroup:LogGroup", retentionInDays=None),
        "log-retention",
        BOTH,
    ),
    "HTTP listener forwards": (
        set_inputs(
            "aws:lb/listener:Listener",
            http_listener,
            defaultActions=[{"type": "forward", "targetGroupArn": "arn:aws:lb:tg"}],
        ),
        "alb-http-redirects-to-https",
        BOTH,
    ),
    "old TLS policy": (
        set_inputs(
            "aws:lb/listener:Listener", https_listener, sslPolicy="ELBSecurityPolicy-2016-08"
        ),
        "alb-https-modern-tls",
        BOTH,
    ),
    "HTTPS without certificate": (
        set_inputs("aws:lb/listener:Listener", https_listener, certificateArn=None),
        "alb-https-modern-tls",
        BOTH,
    ),
    "invalid headers kept": (
        set_inputs("aws:lb/loadBalancer:LoadBalancer", dropInvalidHeaderFields=False),
        "alb-drops-invalid-headers",
        BOTH,
    ),
    "SSH open on the load balancer": (
        add_ingress(alb_security_group, world_port(22.0)),
        "world-open-ingress-only-alb-https",
        BOTH,
    ),
    "service open to the world": (
        add_ingress(service_security_group, world_port(443.0)),
        "world-open-ingress-only-alb-https",
        BOTH,
    ),
    "database open to the VPC": (
        database_ingress_from_cidr,
        "database-ingress-only-from-services",
        BOTH,
    ),
    "public task IP": (
        lambda p: [
            s["inputs"]["networkConfiguration"].update(assignPublicIp=True)
            for s in of_type(p, "aws:ecs/service:Service")
        ],
        "ecs-no-public-ip",
        BOTH,
    ),
    "privileged container": (edit_containers(privileged), "ecs-no-privileged-containers", BOTH),
    "secret in plain environment": (
        edit_containers(env("AIRA_JWT_SECRET")),
        "ecs-no-plain-secrets",
        BOTH,
    ),
}
