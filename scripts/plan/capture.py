"""Capture what a stack would create by running the Pulumi program under mocks.

`capture_plan("dev")` returns `{"stack", "resources": [{"urn", "type", "name", "parent",
"inputs"}], "exports"}` where `inputs` are what a policy analyzer would receive: camelCase
property names, JSON values (numbers as floats), secrets unwrapped (their values are placeholders
here), resource references as ids or URNs.
"""

import runpy
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf.json_format import MessageToDict
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.sync_await import _ensure_event_loop

from scripts.plan.mocks import AwsMocks
from scripts.plan.stack_config import REPO_ROOT, load_stack_config

PROGRAM = REPO_ROOT / "stacks" / "__main__.py"

# Markers of Pulumi's wire format (sdk/proto: "special signature" values).
_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"
_OUTPUT_SIGNATURE = "d0e6a833031e9bbcd3f4e8bde6ca49a4"


class PlanError(Exception):
    """The program could not be planned (invalid configuration or a program error)."""


def analyzer_value(value: Any) -> Any:
    """Turn a wire-format value into what a policy analyzer sees."""
    if isinstance(value, list):
        return [analyzer_value(item) for item in value]
    if not isinstance(value, dict):
        return value
    signature = value.get(_SIGNATURE_KEY)
    if signature in (_SECRET_SIGNATURE, _OUTPUT_SIGNATURE):
        return analyzer_value(value.get("value"))
    if signature == _RESOURCE_SIGNATURE:
        return value.get("id") or value.get("urn")
    return {key: analyzer_value(item) for key, item in value.items()}


class CapturingMonitor(pulumi_mocks.MockMonitor):
    """A mock resource monitor that records every registration in analyzer form."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.captured: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        # Called on executor threads: deserializing resource references needs an event loop.
        _ensure_event_loop()
        response = super().RegisterResource(request)
        record = {
            "urn": response.urn,
            "type": request.type,
            "name": request.name,
            "parent": request.parent or None,
            "inputs": analyzer_value(MessageToDict(request.object)),
        }
        with self._lock:
            self.captured.append(record)
        return response


def capture_plan(
    stack: str, overrides: Mapping[str, str] | None = None, program: Path = PROGRAM
) -> dict[str, Any]:
    """Run the stack's program under mocks with its configuration; return the plan.

    `overrides` replace configuration values (full keys, CLI strings), as `pulumi config set`.
    """
    config = load_stack_config(stack)
    values = {**config.values, **(overrides or {})}
    region = values.get("aws:region", "eu-west-1")
    monitor = CapturingMonitor(AwsMocks(region))
    pulumi.runtime.reset_options(project=config.project, stack=stack, preview=False)
    pulumi.runtime.set_all_config(values, list(config.secret_keys))
    pulumi.runtime.set_mocks(
        monitor.mocks, project=config.project, stack=stack, preview=False, monitor=monitor
    )
    exports: dict[str, Any] = {}

    @pulumi.runtime.test
    def run_program() -> pulumi.Output[None]:
        runpy.run_path(str(program), run_name="__main__")
        outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
        return pulumi.Output.from_input(dict(outputs)).apply(exports.update)

    try:
        run_program()
    except pulumi.RunError as error:
        raise PlanError(str(error)) from None
    # Registration order depends on thread scheduling; URN order makes plans comparable.
    resources = sorted(monitor.captured, key=lambda resource: resource["urn"])
    return {"stack": stack, "resources": resources, "exports": exports}
