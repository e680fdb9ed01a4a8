"""IAM rules on single resources: what any policy document or attachment may grant."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from cloudsplaining.scan.policy_document import PolicyDocument as CloudsplainingDocument
from cloudsplaining.shared.exclusions import Exclusions

from policies.iam_documents import (
    PolicyDocument,
    attached_policy_arns,
    permission_documents,
    trust_document,
)
from policies.iam_knowledge import (
    PERMISSIONS_MANAGEMENT,
    access_level,
    expand_action_pattern,
    is_wildcard_only,
    split_action,
)
from policies.model import Resource
from policies.values import as_list

# Nothing is excluded: cloudsplaining's defaults skip AWS service roles and some actions.
_NO_EXCLUSIONS = Exclusions({"policies": [""], "roles": [""], "users": [""], "groups": [""]})
# Every execution role needs the registry login token to pull its image;
# iam-wildcard-only-actions-on-execution-roles keeps it off every other role.
_REGISTRY_LOGIN = frozenset({"ecr:GetAuthorizationToken"})
_BROAD_MANAGED_POLICY = re.compile(
    r"^arn:aws[\w-]*:iam::aws:policy/(.*/)?"
    r"(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess[A-Za-z0-9_-]*)$"
)


def _allow_statements(resource: Resource) -> Iterator[tuple[PolicyDocument, Any]]:
    for document in permission_documents(resource):
        for statement in document.statements:
            if statement.allows:
                yield document, statement


def no_wildcard_actions(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    for document, statement in _allow_statements(resource):
        wildcards = [a for a in statement.actions if "*" in a or "?" in a]
        if wildcards:
            yield f"{document.where} allows wildcard actions {wildcards}; list each action"


def no_not_action_or_not_resource(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    for document, statement in _allow_statements(resource):
        if statement.not_actions:
            yield f"{document.where} allows everything but NotAction {list(statement.not_actions)}"
        if statement.not_resources:
            yield f"{document.where} allows on NotResource {list(statement.not_resources)}"


def no_unrestricted_resources(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    """A Condition does not count as scoping: `"aws:SecureTransport": "true"` restricts nothing."""
    for document, statement in _allow_statements(resource):
        if not statement.has_wildcard_resource:
            continue
        restrictable = [a for a in statement.allowed_actions if not is_wildcard_only(a)]
        if restrictable:
            yield (
                f"{document.where} allows {restrictable[:10]} on every resource "
                f"({list(statement.resources)}); name the resource ARNs"
            )


def _is_escalation_action(action: str) -> bool:
    service, name = split_action(action)
    if service == "sts":
        return name.lower().startswith("assumerole")
    return service == "iam" and access_level(action) not in ("Read", "List")


def no_privilege_escalation(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    """IAM writes, iam:PassRole and role assumption, plus cloudsplaining's known escalation paths
    and credential-returning actions (evaluated as if no Condition scoped anything)."""
    for document in permission_documents(resource):
        escalating = sorted(a for a in document.allowed_actions if _is_escalation_action(a))
        if escalating:
            yield f"{document.where} allows privilege escalation actions {escalating[:10]}"
        analysis = CloudsplainingDocument(
            dict(document.document), exclusions=_NO_EXCLUSIONS, flag_conditional_statements=True
        )
        for path in analysis.allows_privilege_escalation:
            yield f"{document.where} allows the privilege escalation path {path['type']}"
        exposing = [a for a in analysis.credentials_exposure if a not in _REGISTRY_LOGIN]
        if exposing:
            yield f"{document.where} exposes credentials via {exposing[:10]}"


def no_permissions_management(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    for document in permission_documents(resource):
        managing = sorted(
            a for a in document.allowed_actions if access_level(a) == PERMISSIONS_MANAGEMENT
        )
        if managing:
            yield f"{document.where} allows permissions-management actions {managing[:10]}"


def known_actions(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    """Catches typos and API operations that are no IAM action (`sqs:SendMessageBatch`)."""
    for document in permission_documents(resource):
        for statement in document.statements:
            unknown = [
                pattern
                for pattern in (*statement.actions, *statement.not_actions)
                if not expand_action_pattern(pattern)
            ]
            if unknown:
                yield f"{document.where} names actions AWS does not know: {unknown}"


def no_broad_managed_policies(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    for arn in attached_policy_arns(resource):
        if _BROAD_MANAGED_POLICY.match(arn):
            yield f"attaches the broad managed policy {arn}"


def no_wildcard_principals(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    """A trust policy open to `*` lets any AWS account assume the role."""
    document = trust_document(resource)
    if document is None:
        return
    for statement in document.statements:
        principals = statement.principals
        values = principals.values() if isinstance(principals, Mapping) else [principals]
        if statement.allows and any("*" in as_list(value) for value in values):
            yield "assumeRolePolicy lets any principal (*) assume the role"
