"""Whole-program plans, captured once per stack (Pulumi's runtime state is global: serial only)."""

from typing import Any

import pytest

from scripts.plan.capture import capture_plan


@pytest.fixture(scope="session")
def dev_plan() -> dict[str, Any]:
    return capture_plan("dev")


@pytest.fixture(scope="session")
def prod_plan() -> dict[str, Any]:
    return capture_plan("prod")
