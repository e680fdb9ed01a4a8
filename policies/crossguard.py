"""The pack's policies as pulumi_policy objects, served by `__main__.py` and run by `runner.py`."""

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.catalog import POLICY_SPECS
from policies.model import PolicySpec, Resource, Stack
from policies.values import MalformedValueError

PACK_NAME = "aira"


def _config(spec: PolicySpec, given: Mapping[str, Any]) -> dict[str, Any]:
    return {**spec.default_config(), **given}


def _resource_validation(
    spec: PolicySpec,
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    rule = spec.resource_rule
    assert rule is not None

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if spec.resource_types and args.resource_type not in spec.resource_types:
            return
        resource = Resource(args.resource_type, args.props, args.urn, args.name)
        try:
            for message in rule(resource, _config(spec, args.get_config())):
                report(message, None)
        except MalformedValueError as error:
            # A shape no rule can judge must not pass silently.
            report(f"cannot be checked: {error}", None)

    return validate


def _stack_validation(spec: PolicySpec) -> Callable[[StackValidationArgs, ReportViolation], None]:
    rule = spec.stack_rule
    assert rule is not None

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        stack = Stack(Resource(r.resource_type, r.props, r.urn, r.name) for r in args.resources)
        try:
            for finding in rule(stack, _config(spec, args.get_config())):
                report(finding.message, finding.urn)
        except MalformedValueError as error:
            report(f"cannot be checked: {error}", None)

    return validate


PackPolicy = ResourceValidationPolicy | StackValidationPolicy


def to_policy(spec: PolicySpec) -> PackPolicy:
    properties = {key: dict(schema) for key, schema in spec.config_properties.items()}
    schema = PolicyConfigSchema(properties) if properties else None
    if spec.resource_rule is not None:
        return ResourceValidationPolicy(
            spec.name, spec.description, _resource_validation(spec), config_schema=schema
        )
    return StackValidationPolicy(
        spec.name, spec.description, _stack_validation(spec), config_schema=schema
    )


def build_policies() -> list[PackPolicy]:
    return [to_policy(spec) for spec in POLICY_SPECS]
