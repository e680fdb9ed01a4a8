import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Tool = Callable[..., subprocess.CompletedProcess[str]]


def _tool(name: str) -> Tool:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: scripts/bootstrap.sh installs Debian's prometheus packages")

    def run(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
        command = [path, *(str(argument) for argument in arguments)]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    return run


@pytest.fixture(scope="session")
def promtool() -> Tool:
    """Runs Debian's promtool with the given arguments."""
    return _tool("promtool")


@pytest.fixture(scope="session")
def amtool() -> Tool:
    """Runs Debian's amtool with the given arguments."""
    return _tool("amtool")
