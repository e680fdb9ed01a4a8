"""Run component code under Pulumi's mocks and look at what it registered.

Pulumi's runtime state is global: these tests run serially in one process, and every test starts
from `reset_options` + `set_mocks` (the `mocked` fixture).
"""

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pulumi
import pytest

from scripts.plan.capture import CapturingMonitor
from scripts.plan.mocks import AwsMocks

T = TypeVar("T")


class Registered:
    """The resources a test's program registered, in policy-analyzer form."""

    def __init__(self, monitor: CapturingMonitor) -> None:
        self._monitor = monitor

    def all(self, resource_type: str) -> list[dict[str, Any]]:
        return [r for r in self._monitor.captured if r["type"] == resource_type]

    def one(self, resource_type: str, name: str | None = None) -> dict[str, Any]:
        matches = [r for r in self.all(resource_type) if name is None or r["name"] == name]
        assert len(matches) == 1, f"expected one {resource_type} {name or ''}, got {len(matches)}"
        return matches[0]

    def inputs(self, resource_type: str, name: str | None = None) -> dict[str, Any]:
        return self.one(resource_type, name)["inputs"]

    def policy(self, role_policy_name: str) -> dict[str, Any]:
        return json.loads(self.inputs("aws:iam/rolePolicy:RolePolicy", role_policy_name)["policy"])


@pytest.fixture
def mocked() -> Iterator[Callable[[Callable[[], T]], tuple[T, Registered]]]:
    """`build, registered = mocked(lambda: Component(...))`: run it and wait for every output."""

    def run(build: Callable[[], T]) -> tuple[T, Registered]:
        pulumi.runtime.reset_options(project="aira", stack="test", preview=False)
        monitor = CapturingMonitor(AwsMocks("eu-west-1"))
        pulumi.runtime.set_mocks(
            monitor.mocks, project="aira", stack="test", preview=False, monitor=monitor
        )
        built: list[T] = []

        @pulumi.runtime.test
        def program() -> None:
            built.append(build())

        program()
        return built[0], Registered(monitor)

    yield run


def _resolve(output: pulumi.Input[Any]) -> Any:
    values: list[Any] = []

    @pulumi.runtime.test
    def wait() -> pulumi.Output[None]:
        return pulumi.Output.from_input(output).apply(values.append)

    wait()
    return values[0]


@pytest.fixture
def resolve() -> Callable[[pulumi.Input[Any]], Any]:
    """`resolve(output)`: the value of an output of a component built by `mocked`."""
    return _resolve
