"""Call the pack's policies exactly as the Pulumi analyzer does, on table-driven inputs."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.catalog import POLICY_SPECS
from policies.crossguard import to_policy

UNKNOWN = UNKNOWN_STRING_VALUE
ACCOUNT = "123456789012"


def analyzer_props(inputs: Mapping[str, Any]) -> Any:
    """What a policy receives: deserialized, wrapped to raise on values unknown at preview."""
    return unknown_checking_proxy(deserialize_properties(json.loads(json.dumps(inputs))))


def _spec(name: str):
    return next(spec for spec in POLICY_SPECS if spec.name == name)


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def resource_violations(
    policy: str, resource_type: str, inputs: Mapping[str, Any], config: Mapping | None = None
) -> list[str]:
    spec = _spec(policy)
    found: list[str] = []
    args = ResourceValidationArgs(
        resource_type,
        analyzer_props(inputs),
        f"urn:pulumi:test::aira::{resource_type}::subject",
        "subject",
        _options(),
        None,
        {**spec.default_config(), **(config or {})},
    )
    to_policy(spec).validate(args, lambda message, urn=None: found.append(message))
    return found


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:test::aira::{resource_type}::{name}"


def stack_violations(
    policy: str,
    resources: Sequence[tuple[str, str, Mapping[str, Any]]],
    config: Mapping | None = None,
) -> list[tuple[str, str | None]]:
    """`resources` are (type, name, properties as on `pulumi up`: inputs plus outputs)."""
    spec = _spec(policy)
    found: list[tuple[str, str | None]] = []
    stack = [
        PolicyResource(t, analyzer_props(p), urn(t, n), n, _options(), None, None, [], {})
        for t, n, p in resources
    ]
    args = StackValidationArgs(stack, {**spec.default_config(), **(config or {})})
    to_policy(spec).validate(args, lambda message, at=None: found.append((message, at)))
    return found


def document(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: Any, resources: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def arn(service: str, resource: str, region: str = "eu-west-1") -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"
