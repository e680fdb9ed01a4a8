"""Offline plan: `python -m scripts.plan <stack> [--json FILE] [--diagram FILE] [--set KEY=VALUE]`.

Runs the stack's Pulumi program under mocks with that stack's configuration and prints each
section of the report; exits 2 with one clear message when the configuration is invalid.
"""

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from policies.runner import policy_lines
from scripts.plan.capture import PlanError, capture_plan
from scripts.plan.diagram import mermaid
from scripts.plan.render import export_lines, resource_tree, section, type_counts
from scripts.plan.stack_config import StackConfigError

# The printed report, section by section: (title, lines from the plan). Append to extend it.
SECTIONS: list[tuple[str, Callable[[dict[str, Any]], list[str]]]] = [
    ("Resources", resource_tree),
    ("Counts by type", type_counts),
    ("Exports", export_lines),
    ("Policies", policy_lines),
]


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.plan",
        description="Show what a Pulumi stack would create, without credentials or a cloud.",
    )
    parser.add_argument("stack", help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the plan as JSON")
    parser.add_argument("--diagram", type=Path, metavar="FILE", help="write a Mermaid diagram")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set aira:wafEnabled=false (repeatable)",
    )
    return parser.parse_args(argv)


def _overrides(assignments: list[str]) -> dict[str, str]:
    overrides = {}
    for assignment in assignments:
        key, separator, value = assignment.partition("=")
        if not separator or not key:
            raise PlanError(f"--set expects KEY=VALUE, got {assignment!r}")
        overrides[key if ":" in key else f"aira:{key}"] = value
    return overrides


def print_report(plan: dict[str, Any]) -> None:
    print(f"Plan for stack {plan['stack']!r}\n")
    for title, lines in SECTIONS:
        print(section(title, lines(plan)))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        plan = capture_plan(args.stack, _overrides(args.set))
    except (PlanError, StackConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_report(plan)
    if args.json:
        args.json.write_text(json.dumps(plan, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"Wrote the plan to {args.json}")
    if args.diagram:
        args.diagram.write_text(mermaid(plan), encoding="utf-8")
        print(f"Wrote the diagram to {args.diagram}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
