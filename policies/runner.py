"""Run every policy of the pack over an offline plan, as the Pulumi engine would.

    uv run nox -s policy -- --plan plan.json [--config policies/config.prod.json]

Exit status: 0 no mandatory violation, 1 mandatory violations, 2 unreadable plan or config.
"""

import argparse
import asyncio
import inspect
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policies.crossguard import PackPolicy, build_policies
from policies.enforcement import (
    EnforcementConfigError,
    config_path_for_stack,
    enforcement_for,
    load_config,
)
from policies.plan_outputs import SimulatedOutputs


class PlanError(ValueError):
    """The plan is not in the offline plan format."""


@dataclass(frozen=True)
class PlanResource:
    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]


@dataclass(frozen=True)
class Violation:
    policy: str
    level: EnforcementLevel
    urn: str
    message: str


@dataclass(frozen=True)
class Skipped:
    """A check that could not run: a value unknown until `pulumi up`, or a shape it cannot read."""

    policy: str
    urn: str
    reason: str


@dataclass
class PolicyReport:
    stack: str
    policies: int
    resources: int
    violations: list[Violation] = field(default_factory=list)
    unknown: list[Skipped] = field(default_factory=list)
    errors: list[Skipped] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == EnforcementLevel.MANDATORY]

    @property
    def passed(self) -> bool:
        return not self.mandatory and not self.errors


def parse_plan(plan: Any) -> tuple[str, list[PlanResource]]:
    if not isinstance(plan, Mapping):
        raise PlanError("a plan is a JSON object with 'stack' and 'resources'")
    stack, resources = plan.get("stack"), plan.get("resources")
    if not isinstance(stack, str) or not stack:
        raise PlanError("plan 'stack' must be a non-empty string")
    if not isinstance(resources, list):
        raise PlanError("plan 'resources' must be a list")
    parsed = [_plan_resource(index, raw) for index, raw in enumerate(resources)]
    duplicates = {r.urn for r in parsed if sum(o.urn == r.urn for o in parsed) > 1}
    if duplicates:
        raise PlanError(f"resources share URNs: {sorted(duplicates)}")
    return stack, parsed


def _plan_resource(index: int, raw: Any) -> PlanResource:
    where = f"resources[{index}]"
    if not isinstance(raw, Mapping):
        raise PlanError(f"{where} must be an object")
    for key in ("urn", "type", "name"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise PlanError(f"{where}.{key} must be a non-empty string")
    if not isinstance(raw.get("inputs"), Mapping):
        raise PlanError(f"{where}.inputs ({raw['urn']}) must be an object")
    try:
        inputs = deserialize_properties(dict(raw["inputs"]))
    except Exception as error:  # the SDK raises bare exceptions on shapes it cannot read
        raise PlanError(f"{where}.inputs ({raw['urn']}) cannot be read: {error}") from error
    return PlanResource(raw["urn"], raw["type"], raw["name"], inputs)


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def _run(policy: PackPolicy, args: Any, report: Any) -> None:
    result = policy.validate(args, report)
    if inspect.isawaitable(result):
        asyncio.run(_await(result))


async def _await(awaitable: Any) -> None:
    await awaitable


def evaluate(plan: Any, config: Mapping[str, Any] | None = None) -> PolicyReport:
    """Every policy over every resource of `plan`; `config` defaults to the plan stack's file."""
    stack, resources = parse_plan(plan)
    if config is None:
        config = load_config(config_path_for_stack(stack))
    policies = build_policies()
    report = PolicyReport(stack, len(policies), len(resources))
    outputs = SimulatedOutputs(stack)
    for policy in policies:
        enforcement = enforcement_for(policy.name, config)
        if enforcement.level != EnforcementLevel.DISABLED:
            _evaluate_policy(
                policy, enforcement.level, enforcement.config, resources, outputs, report
            )
    return report


def _evaluate_policy(
    policy: PackPolicy,
    level: EnforcementLevel,
    config: Mapping[str, Any],
    resources: Sequence[PlanResource],
    outputs: SimulatedOutputs,
    report: PolicyReport,
) -> None:
    def check(args: Any, urn: str) -> None:
        def violation(message: str, at: str | None = None) -> None:
            report.violations.append(Violation(policy.name, level, at or urn, message))

        try:
            _run(policy, args, violation)
        except UnknownValueError as error:
            report.unknown.append(Skipped(policy.name, urn, error.message))
        except Exception as error:  # a hand-edited plan may hold any shape: report, not crash
            report.errors.append(Skipped(policy.name, urn, f"{type(error).__name__}: {error}"))

    if isinstance(policy, ResourceValidationPolicy):
        for r in resources:
            props = unknown_checking_proxy(dict(r.inputs))
            args = ResourceValidationArgs(r.type, props, r.urn, r.name, _options(), None, config)
            check(args, r.urn)
        return
    check(StackValidationArgs(_stack_resources(resources, outputs), config), "(stack)")


def _stack_resources(
    resources: Sequence[PlanResource], outputs: SimulatedOutputs
) -> list[PolicyResource]:
    """Stack policies see outputs, as on `pulumi up`: the inputs plus what the provider adds."""
    return [
        PolicyResource(
            r.type,
            unknown_checking_proxy(outputs(r.type, r.name, r.inputs)),
            r.urn,
            r.name,
            _options(),
            None,
            None,
            [],
            {},
        )
        for r in resources
    ]


def format_report(report: PolicyReport) -> str:
    lines = [
        f"{v.level.value.upper():9} {v.policy}  {v.urn}\n          {v.message}"
        for v in report.violations
    ]
    lines += [f"ERROR     {e.policy}  {e.urn}\n          {e.reason}" for e in report.errors]
    lines += [f"UNKNOWN   {u.policy}  {u.urn}\n          {u.reason}" for u in report.unknown]
    advisory = len(report.violations) - len(report.mandatory)
    lines.append(
        f"policies: {report.policies} policies over {report.resources} resources of stack "
        f"{report.stack!r}: {len(report.mandatory)} mandatory, {advisory} advisory violations, "
        f"{len(report.errors)} errors, {len(report.unknown)} not checkable until `pulumi up`"
    )
    return "\n".join(lines)


def policy_lines(plan: Mapping[str, Any]) -> list[str]:
    """The policy results of a plan, as lines of the offline plan's report."""
    try:
        return format_report(evaluate(plan)).splitlines()
    except (PlanError, EnforcementConfigError) as error:
        return [f"policies could not run: {error}"]


def _read_plan(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanError(f"cannot read {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise PlanError(f"{path} is not valid JSON: {error}") from error


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policy", description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, required=True, help="offline plan JSON file")
    parser.add_argument("--config", type=Path, help="enforcement config (default: the stack's)")
    options = parser.parse_args(argv)
    try:
        config = load_config(options.config) if options.config else None
        report = evaluate(_read_plan(options.plan), config)
    except (PlanError, EnforcementConfigError) as error:
        print(f"policy: error: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    if report.errors:
        return 2
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
