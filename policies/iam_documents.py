"""IAM policy documents: where they live on IAM resources and their statements, normalised."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from policies.iam_knowledge import expand_action_pattern
from policies.model import Resource
from policies.values import MalformedValueError, as_list, json_value

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = (
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
)
PERMISSION_POLICY_TYPES = (ROLE, ROLE_POLICY, POLICY, USER_POLICY, GROUP_POLICY)


@dataclass(frozen=True)
class Statement:
    """One statement, with single values turned into tuples."""

    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    principals: Any
    has_condition: bool
    raw: Mapping[str, Any]

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def allowed_actions(self) -> tuple[str, ...]:
        """Every known action an Allow statement's Action patterns grant."""
        if not self.allows:
            return ()
        return tuple(
            sorted({a for pattern in self.actions for a in expand_action_pattern(pattern)})
        )

    @property
    def has_wildcard_resource(self) -> bool:
        """`*`, or an ARN whose resource part is `*` (every resource of that service)."""
        return any(
            r == "*" or (r.startswith("arn:") and r.split(":", 5)[-1] == "*")
            for r in self.resources
        )


@dataclass(frozen=True)
class PolicyDocument:
    """A parsed document and where it came from (for messages)."""

    where: str
    document: Mapping[str, Any]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(_statement(raw, self.where) for raw in as_list(self.document.get("Statement")))

    @property
    def allowed_actions(self) -> frozenset[str]:
        return frozenset(a for s in self.statements for a in s.allowed_actions)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    items = as_list(value)
    if not all(isinstance(item, str) for item in items):
        raise MalformedValueError(f"{what} must be a string or a list of strings")
    return tuple(items)


def _statement(raw: Any, where: str) -> Statement:
    if not isinstance(raw, Mapping):
        raise MalformedValueError(f"{where}: a statement must be an object, not {raw!r}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedValueError(
            f"{where}: statement Effect must be Allow or Deny, not {effect!r}"
        )
    return Statement(
        effect=effect,
        actions=_strings(raw.get("Action"), f"{where}: Action"),
        not_actions=_strings(raw.get("NotAction"), f"{where}: NotAction"),
        resources=_strings(raw.get("Resource"), f"{where}: Resource"),
        not_resources=_strings(raw.get("NotResource"), f"{where}: NotResource"),
        principals=raw.get("Principal"),
        has_condition=bool(raw.get("Condition")),
        raw=raw,
    )


def parse_document(value: Any, where: str) -> PolicyDocument:
    document = json_value(value, where)
    if not isinstance(document, Mapping):
        raise MalformedValueError(f"{where} must be a JSON object")
    return PolicyDocument(where, document)


def permission_documents(resource: Resource) -> Iterator[PolicyDocument]:
    """The permission policies a resource defines (not trust policies)."""
    if resource.type == ROLE:
        for index, inline in enumerate(as_list(resource.props.get("inlinePolicies"))):
            if not isinstance(inline, Mapping):
                raise MalformedValueError(f"inlinePolicies[{index}] must be an object")
            if inline.get("policy") is not None:
                yield parse_document(inline["policy"], f"inlinePolicies[{index}].policy")
    elif resource.type in PERMISSION_POLICY_TYPES and resource.props.get("policy") is not None:
        yield parse_document(resource.props["policy"], "policy")


def trust_document(resource: Resource) -> PolicyDocument | None:
    value = resource.props.get("assumeRolePolicy")
    return None if value is None else parse_document(value, "assumeRolePolicy")


def attached_policy_arns(resource: Resource) -> Iterator[str]:
    """Managed policy ARNs a resource attaches (to a role, user or group)."""
    if resource.type == ROLE:
        yield from _strings(resource.props.get("managedPolicyArns"), "managedPolicyArns")
    elif resource.type in (ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT):
        yield from _strings(resource.props.get("policyArn"), "policyArn")
    elif resource.type == ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
        yield from _strings(resource.props.get("policyArns"), "policyArns")
