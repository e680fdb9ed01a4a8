"""IAM rules over the whole stack: the roles ECS tasks run with, linked by their ARNs."""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from policies.data import dead_letter_pairs
from policies.ecs import TASK_DEFINITION, Container, containers
from policies.iam_documents import (
    POLICY,
    POLICY_ATTACHMENT,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
    PolicyDocument,
    attached_policy_arns,
    permission_documents,
    trust_document,
)
from policies.iam_knowledge import is_wildcard_only
from policies.manifests import Manifest, load_manifests, load_sidecar_manifests
from policies.model import Finding, Resource, Stack
from policies.values import as_list

ECS_TASKS = "ecs-tasks.amazonaws.com"
AMP_WORKSPACE = "aws:amp/workspace:Workspace"
# What the ECS agent does with a task's execution role, by the kind of resource it touches.
_IMAGE_PULL = frozenset(
    {"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}
)
_LOG_DELIVERY = frozenset({"logs:CreateLogStream", "logs:PutLogEvents"})
_SECRET_READ = frozenset({"secretsmanager:GetSecretValue"})
_REGISTRY_LOGIN = frozenset({"ecr:GetAuthorizationToken"})
_ECR_IMAGE = re.compile(r"^\d{12}\.dkr\.ecr\.[\w-]+\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+)")


@dataclass(frozen=True)
class RolePermissions:
    """Everything a role allows: its documents, and attachments the stack cannot see into."""

    documents: tuple[PolicyDocument, ...]
    opaque_attachments: tuple[str, ...]

    @property
    def allowed_actions(self) -> frozenset[str]:
        return frozenset(a for document in self.documents for a in document.allowed_actions)


def role_permissions(stack: Stack, role: Resource) -> RolePermissions:
    documents = list(permission_documents(role))
    for policy in stack.of_type(ROLE_POLICY):
        if stack.resolve(policy.props.get("role"), ROLE) is role:
            documents.extend(permission_documents(policy))
    opaque = []
    for attachment in (role, *_attachments_of(stack, role)):
        for arn in attached_policy_arns(attachment):
            managed = stack.resolve(arn, POLICY)
            if managed is None:
                opaque.append(arn)
            else:
                documents.extend(permission_documents(managed))
    return RolePermissions(tuple(documents), tuple(opaque))


def _attachments_of(stack: Stack, role: Resource) -> Iterator[Resource]:
    for attachment in stack.of_type(ROLE_POLICY_ATTACHMENT, ROLE_POLICY_ATTACHMENTS_EXCLUSIVE):
        reference = attachment.props.get("role") or attachment.props.get("roleName")
        if stack.resolve(reference, ROLE) is role:
            yield attachment
    for attachment in stack.of_type(POLICY_ATTACHMENT):
        if any(
            stack.resolve(name, ROLE) is role for name in as_list(attachment.props.get("roles"))
        ):
            yield attachment


@dataclass(frozen=True)
class TaskRoles:
    task_definition: Resource
    task_role: Resource | None
    execution_role: Resource | None


def task_roles(stack: Stack) -> Iterator[TaskRoles]:
    for definition in stack.of_type(TASK_DEFINITION):
        yield TaskRoles(
            definition,
            stack.resolve(definition.props.get("taskRoleArn"), ROLE),
            stack.resolve(definition.props.get("executionRoleArn"), ROLE),
        )


def _unresolved(stack: Stack, link: TaskRoles) -> Iterator[Finding]:
    for key, role in (("taskRoleArn", link.task_role), ("executionRoleArn", link.execution_role)):
        reference = link.task_definition.props.get(key)
        if reference is not None and role is None:
            yield Finding(
                f"{key} {reference!r} is no role of this stack: its permissions cannot be checked",
                link.task_definition.urn,
            )


def ecs_roles_trust_only_ecs_tasks(stack: Stack, config: Mapping[str, Any]) -> Iterator[Finding]:
    roles = {
        role.urn: role
        for link in task_roles(stack)
        for role in (link.task_role, link.execution_role)
        if role is not None
    }
    for role in roles.values():
        document = trust_document(role)
        trusted = [s.principals for s in (document.statements if document else ()) if s.allows]
        if not trusted or not all(_only_ecs_tasks(principals) for principals in trusted):
            yield Finding(
                f"an ECS role must trust only {ECS_TASKS}, this one trusts {trusted}", role.urn
            )


def _only_ecs_tasks(principals: Any) -> bool:
    return (
        isinstance(principals, Mapping)
        and set(principals) == {"Service"}
        and as_list(principals["Service"]) == [ECS_TASKS]
    )


def task_role_differs_from_execution_role(
    stack: Stack, config: Mapping[str, Any]
) -> Iterator[Finding]:
    links = list(task_roles(stack))
    for link in links:
        yield from _unresolved(stack, link)
    execution_roles = {link.execution_role.urn for link in links if link.execution_role}
    for link in links:
        if link.task_role is not None and link.task_role.urn in execution_roles:
            yield Finding(
                "the task role is also an execution role: the application would get the "
                "agent's image, log and secret permissions",
                link.task_definition.urn,
            )


def _needed_by(action: str, resource: str, needs: tuple[Container, ...]) -> bool:
    if action in _REGISTRY_LOGIN:
        return resource == "*"
    if action in _IMAGE_PULL:
        repositories = {m["repo"] for c in needs if (m := _ECR_IMAGE.match(c.image))}
        return _arn_resource(resource) in {
            name for repo in repositories for name in (repo, f"repository/{repo}")
        }
    if action in _LOG_DELIVERY:
        groups = {c.log_group for c in needs if c.log_group}
        return any(f":log-group:{group}" in resource for group in groups)
    if action in _SECRET_READ:
        sources = {source for c in needs for source in c.secret_sources}
        return any(s == resource or s.startswith(f"{resource}:") for s in sources)
    return False


def _arn_resource(arn: str) -> str:
    """The resource part of an ARN (`repository/aira-api` in `arn:aws:ecr:r:a:repository/...`)."""
    return arn.split(":", 5)[-1]


def execution_role_grants_only_task_needs(
    stack: Stack, config: Mapping[str, Any]
) -> Iterator[Finding]:
    """Pulling its images, writing its log groups, reading its secrets: nothing else."""
    for link in task_roles(stack):
        if link.execution_role is None:
            continue
        needs = containers(link.task_definition)
        permissions = role_permissions(stack, link.execution_role)
        for arn in permissions.opaque_attachments:
            yield Finding(
                f"execution role attaches {arn}, broader than its task needs",
                link.execution_role.urn,
            )
        for document in permissions.documents:
            for statement in document.statements:
                for action in statement.allowed_actions:
                    extra = [r for r in statement.resources if not _needed_by(action, r, needs)]
                    if extra:
                        yield Finding(
                            f"execution role allows {action} on {extra}, which its task "
                            "definition's images, log groups and secrets do not need",
                            link.execution_role.urn,
                        )


def wildcard_only_actions_only_on_execution_roles(
    stack: Stack, config: Mapping[str, Any]
) -> Iterator[Finding]:
    links = list(task_roles(stack))
    execution_roles = {link.execution_role.urn for link in links if link.execution_role}
    sidecars = load_sidecar_manifests(config["sidecarManifests"])
    declared_on_any = {
        link.task_role.urn: _actions_on_any_resource(_sidecars_of(link, sidecars))
        for link in links
        if link.task_role is not None
    }
    for role in stack.of_type(ROLE):
        if role.urn in execution_roles:
            continue
        for document in role_permissions(stack, role).documents:
            for statement in document.statements:
                granted = [
                    a
                    for a in statement.allowed_actions
                    if is_wildcard_only(a) and a not in declared_on_any.get(role.urn, set())
                ]
                if granted and statement.has_wildcard_resource:
                    yield Finding(f"{granted} on Resource * is for execution roles only", role.urn)


def _sidecars_of(link: TaskRoles, sidecars: Mapping[str, Manifest]) -> list[Manifest]:
    """Manifests of the task definition's sidecar containers (named after their service)."""
    names = {container.name for container in containers(link.task_definition)}
    return [manifest for service, manifest in sidecars.items() if service in names]


def _actions_on_any_resource(manifests: Iterable[Manifest]) -> set[str]:
    return {
        action
        for manifest in manifests
        for resource, actions in manifest.actions_by_resource
        if resource == "*"
        for action in actions
    }


def manifest_resource_arns(stack: Stack) -> dict[str, str]:
    """The ARNs behind the manifests' logical keys: `jobs-queue` is the one queue with a
    dead-letter queue, `jobs-dlq` that dead-letter queue, `amp-workspace` the one Managed
    Prometheus workspace; `*` stands for itself (actions AWS only authorises on every resource)."""
    arns = {"*": "*"}
    pairs = list(dead_letter_pairs(stack))
    if len(pairs) == 1:
        queue, dlq_arn = pairs[0]
        arns |= {"jobs-queue": str(queue.props.get("arn")), "jobs-dlq": dlq_arn}
    workspaces = list(stack.of_type(AMP_WORKSPACE))
    if len(workspaces) == 1:
        arns["amp-workspace"] = str(workspaces[0].props.get("arn"))
    return arns


def _service_of(link: TaskRoles, services: set[str]) -> str | None:
    """The service whose container this is: named `<service>` or `<prefix>-<service>`."""
    found = {
        service
        for container in containers(link.task_definition)
        for service in services
        if container.name == service or container.name.endswith(f"-{service}")
    }
    return found.pop() if len(found) == 1 else None


def task_role_matches_manifest(stack: Stack, config: Mapping[str, Any]) -> Iterator[Finding]:
    """A task role allows exactly the actions its service's code calls (`apps/<service>/iam.json`),
    the service being the one a container of the task definition is named after."""
    manifests = load_manifests(config["manifestsDirectory"])
    sidecars = load_sidecar_manifests(config["sidecarManifests"])
    for link in task_roles(stack):
        if link.task_role is None:
            continue
        service = _service_of(link, set(manifests))
        if service is None:
            yield Finding(
                f"no container is named after exactly one service manifest {sorted(manifests)}: "
                "the task role cannot be proven least privilege",
                link.task_definition.urn,
            )
            continue
        permissions = role_permissions(stack, link.task_role)
        if permissions.opaque_attachments:
            yield Finding(
                f"task role attaches {list(permissions.opaque_attachments)}", link.task_role.urn
            )
        manifest = manifests[service]
        declared_by = [manifest, *_sidecars_of(link, sidecars)]
        arns = manifest_resource_arns(stack)
        unmapped = sorted(
            {key for m in declared_by for key, _ in m.actions_by_resource} - set(arns)
        )
        if unmapped:
            yield Finding(
                f"{manifest.source} names resources {unmapped} this stack lacks", link.task_role.urn
            )
            continue
        declared = _by_resource(
            (arns[key], actions) for m in declared_by for key, actions in m.actions_by_resource
        )
        granted = _by_resource(
            (resource, frozenset(statement.allowed_actions))
            for document in permissions.documents
            for statement in document.statements
            for resource in statement.resources
        )
        for resource in sorted(set(granted) | set(declared)):
            extra = sorted(granted.get(resource, set()) - declared.get(resource, set()))
            missing = sorted(declared.get(resource, set()) - granted.get(resource, set()))
            if extra or missing:
                yield Finding(
                    f"task role of {service!r} on {resource}: allows {extra} beyond "
                    f"{manifest.source} and lacks {missing}",
                    link.task_role.urn,
                )


def _by_resource(pairs: Iterable[tuple[str, frozenset[str]]]) -> dict[str, frozenset[str]]:
    merged: dict[str, frozenset[str]] = {}
    for resource, actions in pairs:
        merged[resource] = merged.get(resource, frozenset()) | actions
    return {resource: actions for resource, actions in merged.items() if actions}
