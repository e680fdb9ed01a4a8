"""The real program's plans pass every mandatory policy, and a broken copy of each guarded
property is caught."""

import copy

import pytest

from policies.catalog import POLICY_SPECS
from policies.runner import evaluate
from scripts.plan.capture import capture_plan
from tests.policies.plan_edits import EDITS

STACKS = ("dev", "prod")


@pytest.fixture(scope="module")
def plans():
    return {stack: capture_plan(stack) for stack in STACKS}


@pytest.mark.parametrize("stack", STACKS)
def test_real_plan_passes_every_mandatory_policy(plans, stack):
    report = evaluate(plans[stack])
    assert report.mandatory == [] and report.errors == [] and report.unknown == []


def test_prod_passes_even_the_policies_dev_relaxes(plans):
    assert evaluate(plans["prod"]).violations == []


CASES = [
    pytest.param(stack, edit, policy, id=f"{stack}-{name}")
    for name, (edit, policy, stacks) in EDITS.items()
    for stack in stacks
]


@pytest.mark.parametrize(("stack", "edit", "policy"), CASES)
def test_broken_copy_is_caught(plans, stack, edit, policy):
    broken = copy.deepcopy(plans[stack])
    edit(broken)
    report = evaluate(broken)
    assert policy in {v.policy for v in report.mandatory}, report.violations
    assert report.errors == []


def test_every_policy_is_proven_by_a_broken_copy():
    assert {policy for _, policy, _ in EDITS.values()} == {spec.name for spec in POLICY_SPECS}
