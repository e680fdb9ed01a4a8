"""What the provider would return for a planned resource, for the offline runner's stack policies.

On `pulumi up` the engine hands stack policies each resource's outputs, so a role is found by the
ARN a task definition names and a security group by its id. An offline plan records inputs only;
the outputs come from the same mocks that produced the plan, applied to the (possibly hand-edited)
inputs, so every resource is linked by its properties exactly as the program's own are.
"""

from collections.abc import Mapping
from typing import Any

import pulumi

from scripts.plan.mocks import AwsMocks
from scripts.plan.stack_config import StackConfigError, load_stack_config


def _mocks_for(stack: str) -> AwsMocks:
    try:
        region = load_stack_config(stack).values.get("aws:region")
    except (StackConfigError, OSError):
        region = None
    return AwsMocks(region) if region else AwsMocks()


class SimulatedOutputs:
    """Outputs (with `id`) of plan resources, as the plan's mocks answer for them."""

    def __init__(self, stack: str) -> None:
        self._mocks = _mocks_for(stack)

    def __call__(self, resource_type: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        args = pulumi.runtime.MockResourceArgs(
            typ=resource_type,
            name=name,
            inputs=dict(inputs),
            provider="",
            resource_id="",
            custom=True,
        )
        resource_id, outputs = self._mocks.new_resource(args)
        return {**outputs, "id": resource_id or ""}
