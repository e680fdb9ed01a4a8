"""Every policy of the pack: name, description, rule and configuration, in one list."""

from policies import compute, data, iam, iam_roles, network
from policies.ecs import SERVICE, TASK_DEFINITION
from policies.iam_documents import PERMISSION_POLICY_TYPES as IAM_POLICIES
from policies.iam_documents import (
    POLICY_ATTACHMENT,
    ROLE,
    ROLE_POLICY_ATTACHMENT,
    ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
)
from policies.model import PolicySpec

SIDECAR_MANIFESTS = {
    "type": "array",
    "items": {"type": "string"},
    "default": ["observability/collector/iam.json"],
    "description": "IAM manifests (relative to the repository) of sidecar containers, each "
    "named after its manifest's service: a task role also allows what its sidecars declare",
}
_ATTACHING = (ROLE, ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT, ROLE_POLICY_ATTACHMENTS_EXCLUSIVE)

IAM_POLICY_SPECS = (
    PolicySpec(
        "iam-no-wildcard-actions",
        "IAM policies name every action (no `*`, `svc:*`).",
        resource_rule=iam.no_wildcard_actions,
        resource_types=IAM_POLICIES,
    ),
    PolicySpec(
        "iam-no-not-action-or-not-resource",
        "No Allow with NotAction or NotResource.",
        resource_rule=iam.no_not_action_or_not_resource,
        resource_types=IAM_POLICIES,
    ),
    PolicySpec(
        "iam-no-unrestricted-resources",
        'No `Resource: "*"` for actions AWS can restrict to ARNs, Condition or not.',
        resource_rule=iam.no_unrestricted_resources,
        resource_types=IAM_POLICIES,
    ),
    PolicySpec(
        "iam-no-privilege-escalation",
        "No iam:PassRole, IAM writes, role assumption or known escalation paths.",
        resource_rule=iam.no_privilege_escalation,
        resource_types=IAM_POLICIES,
    ),
    PolicySpec(
        "iam-no-permissions-management",
        "No permissions-management actions (e.g. sqs:SetQueueAttributes).",
        resource_rule=iam.no_permissions_management,
        resource_types=IAM_POLICIES,
    ),
    PolicySpec(
        "iam-known-actions",
        "Every action is one AWS knows (catches typos, API names).",
        resource_rule=iam.known_actions,
        resource_types=IAM_POLICIES,
    ),
    PolicySpec(
        "iam-no-broad-managed-policies",
        "No AdministratorAccess, PowerUserAccess, IAMFullAccess or *FullAccess.",
        resource_rule=iam.no_broad_managed_policies,
        resource_types=_ATTACHING,
    ),
    PolicySpec(
        "iam-no-wildcard-principals",
        "No trust policy lets `*` assume a role.",
        resource_rule=iam.no_wildcard_principals,
        resource_types=(ROLE,),
    ),
    PolicySpec(
        "ecs-roles-trust-only-ecs-tasks",
        "Task and execution roles trust only ecs-tasks.amazonaws.com.",
        stack_rule=iam_roles.ecs_roles_trust_only_ecs_tasks,
    ),
    PolicySpec(
        "ecs-task-role-differs-from-execution-role",
        "A task definition's task role is not an execution role.",
        stack_rule=iam_roles.task_role_differs_from_execution_role,
    ),
    PolicySpec(
        "ecs-execution-role-scoped-to-task",
        "Execution roles grant only the task's image pulls, log groups and secrets.",
        stack_rule=iam_roles.execution_role_grants_only_task_needs,
    ),
    PolicySpec(
        "iam-wildcard-only-actions-on-execution-roles",
        "Wildcard-only actions (ecr:GetAuthorizationToken) only on execution roles, or on a "
        "task role whose sidecar's manifest declares them on `*` (X-Ray uploads).",
        stack_rule=iam_roles.wildcard_only_actions_only_on_execution_roles,
        config_properties={"sidecarManifests": SIDECAR_MANIFESTS},
    ),
    PolicySpec(
        "ecs-task-role-matches-manifest",
        "Each task role allows exactly the actions of its service's iam.json.",
        stack_rule=iam_roles.task_role_matches_manifest,
        config_properties={
            "manifestsDirectory": {
                "type": "string",
                "default": "apps",
                "description": "Directory (relative to the repository) of <service>/iam.json",
            },
            "sidecarManifests": SIDECAR_MANIFESTS,
        },
    ),
)

DATA_POLICY_SPECS = (
    PolicySpec(
        "sqs-encrypted",
        "SQS queues are encrypted at rest.",
        resource_rule=data.queue_encrypted,
        resource_types=(data.QUEUE,),
    ),
    PolicySpec(
        "sqs-dead-letter-queue",
        "Every queue that is not a DLQ has a DLQ of the same FIFO-ness.",
        stack_rule=data.queues_have_dead_letter_queues,
    ),
    PolicySpec(
        "rds-not-public",
        "Databases are not publicly accessible.",
        resource_rule=data.database_private,
        resource_types=(data.DB_INSTANCE,),
    ),
    PolicySpec(
        "rds-encrypted",
        "Database storage is encrypted.",
        resource_rule=data.database_encrypted,
        resource_types=(data.DB_INSTANCE,),
    ),
    PolicySpec(
        "rds-managed-master-password",
        "RDS manages the master password in Secrets Manager.",
        resource_rule=data.database_managed_password,
        resource_types=(data.DB_INSTANCE,),
    ),
    PolicySpec(
        "rds-backups",
        "Automated backups are kept long enough.",
        resource_rule=data.database_backups,
        resource_types=(data.DB_INSTANCE,),
        config_properties={"minimumRetentionDays": {"type": "integer", "default": 7}},
    ),
    PolicySpec(
        "rds-deletion-protection",
        "Databases are protected from deletion.",
        resource_rule=data.database_deletion_protection,
        resource_types=(data.DB_INSTANCE,),
    ),
    PolicySpec(
        "rds-final-snapshot",
        "Deleting a database takes a final snapshot.",
        resource_rule=data.database_final_snapshot,
        resource_types=(data.DB_INSTANCE,),
    ),
    PolicySpec(
        "log-retention",
        "Log groups expire their logs.",
        resource_rule=data.log_retention,
        resource_types=(data.LOG_GROUP,),
    ),
)

NETWORK_POLICY_SPECS = (
    PolicySpec(
        "alb-http-redirects-to-https",
        "HTTP listeners only redirect to HTTPS.",
        resource_rule=network.http_listener_redirects_to_https,
        resource_types=network.LISTENERS,
    ),
    PolicySpec(
        "alb-https-modern-tls",
        "HTTPS listeners use a TLS 1.2+/1.3 policy and a certificate.",
        resource_rule=network.https_listener_uses_modern_tls,
        resource_types=network.LISTENERS,
        config_properties={
            "allowedSslPolicyPrefixes": {
                "type": "array",
                "items": {"type": "string"},
                "default": [
                    "ELBSecurityPolicy-TLS13-1-2",
                    "ELBSecurityPolicy-TLS13-1-3",
                    "ELBSecurityPolicy-TLS-1-2",
                    "ELBSecurityPolicy-FS-1-2",
                ],
            }
        },
    ),
    PolicySpec(
        "alb-drops-invalid-headers",
        "Application load balancers drop invalid headers.",
        resource_rule=network.load_balancer_drops_invalid_headers,
        resource_types=network.LOAD_BALANCERS,
    ),
    PolicySpec(
        "world-open-ingress-only-alb-https",
        "Only the load balancer's security group is open to the world, on TCP 80/443.",
        stack_rule=network.world_open_only_to_load_balancer_https,
    ),
    PolicySpec(
        "database-ingress-only-from-services",
        "The database port admits only the services' security groups.",
        stack_rule=network.database_reachable_only_from_services,
    ),
    PolicySpec(
        "ecs-no-public-ip",
        "ECS tasks get no public IP.",
        resource_rule=network.task_has_no_public_ip,
        resource_types=(SERVICE,),
    ),
)

COMPUTE_POLICY_SPECS = (
    PolicySpec(
        "ecs-no-privileged-containers",
        "No container runs privileged.",
        resource_rule=compute.no_privileged_containers,
        resource_types=(TASK_DEFINITION,),
    ),
    PolicySpec(
        "ecs-no-plain-secrets",
        "Secret-looking variables come from `secrets`.",
        resource_rule=compute.no_plain_secrets_in_environment,
        resource_types=(TASK_DEFINITION,),
        config_properties={
            "allowedNames": {
                "type": "array",
                "items": {"type": "string"},
                "default": [],
                "description": "Variable names that look secret but are not",
            }
        },
    ),
)

POLICY_SPECS = IAM_POLICY_SPECS + DATA_POLICY_SPECS + NETWORK_POLICY_SPECS + COMPUTE_POLICY_SPECS
