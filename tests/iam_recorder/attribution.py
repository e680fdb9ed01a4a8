"""Whose code made an AWS call: a service's (`aira_<service>`), or tests and tools.

The calling thread's stack is read from the innermost frame outwards, AWS SDK frames skipped:

- the innermost frame is not application code (`aira_*`): a fixture, a tool or a library called
  AWS itself (creating queues) — nobody's manifest;
- an `aira_<service>` frame comes first: that service's call;
- test or tool code comes first (`tests`, `scripts`, `load`, test modules): it drove shared code
  (`aira_core`) itself, e.g. a fixture enqueuing a job — nobody's manifest;
- neither (a thread with only shared code and libraries on its stack): the service that handed the
  work to that thread with `asyncio.to_thread` (decided the same way where it did, see
  `handed_over`), else the service whose tests are running (`tests/<service>/`).
"""

import functools
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

_SDK_PREFIXES = (
    "botocore",
    "boto3",
    "urllib3",
    "s3transfer",
    "tests.iam_recorder.recorder",
    "tests.iam_recorder.attribution",
)
_TOOL_PACKAGES = frozenset({"tests", "scripts", "load"})
APP_PREFIX = "aira_"


@dataclass(frozen=True)
class Owner:
    """Who owns the work on a thread: a service, or (None) tests and tools."""

    service: str | None


_handover = threading.local()


def _modules(frame: FrameType | None) -> list[str]:
    modules = []
    while frame is not None:
        modules.append(str(frame.f_globals.get("__name__", "")))
        frame = frame.f_back
    return modules


def _is_sdk(module: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in _SDK_PREFIXES)


def _is_tool(module: str) -> bool:
    leaf = module.rsplit(".", 1)[-1]
    return (
        module.split(".", 1)[0] in _TOOL_PACKAGES or leaf == "conftest" or leaf.startswith("test_")
    )


def _service_of(module: str, services: Iterable[str]) -> str | None:
    for service in services:
        package = f"{APP_PREFIX}{service}"
        if module == package or module.startswith(f"{package}."):
            return service
    return None


def _stack_owner(modules: list[str], services: Iterable[str]) -> Owner | None:
    """The first service or tool frame from the innermost outwards; None when there is none."""
    services = tuple(services)
    for module in modules:
        service = _service_of(module, services)
        if service is not None:
            return Owner(service)
        if _is_tool(module):
            return Owner(None)
    handed: Owner | None = getattr(_handover, "owner", None)
    if handed is not None and handed.service not in services:
        return Owner(None)  # handed over by another recorder's service (nested sessions)
    return handed


def calling_service(services: Iterable[str], running_test: str | None) -> str | None:
    """The service whose code is calling AWS right now, or None for test and tool code."""
    modules = [m for m in _modules(sys._getframe(1)) if not _is_sdk(m)]
    if not modules or not modules[0].startswith(APP_PREFIX):
        return None
    owner = _stack_owner(modules, services)
    if owner is not None:
        return owner.service
    return test_service(running_test, services)


def handed_over(func: Callable[..., Any], services: Iterable[str]) -> Callable[..., Any]:
    """`func`, bound to the owner of the calling code: when it runs on another thread (as
    `asyncio.to_thread` runs it), calls it makes through shared code belong to that owner."""
    modules = [m for m in _modules(sys._getframe(1)) if not _is_sdk(m)]
    owner = _stack_owner(modules, services)
    if owner is None:
        return func

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        previous = getattr(_handover, "owner", None)
        _handover.owner = owner
        try:
            return func(*args, **kwargs)
        finally:
            _handover.owner = previous

    return run


def test_service(test_path: str | None, services: Iterable[str]) -> str | None:
    """`tests/worker/test_x.py::test_y` -> `worker`, when `worker` is a service."""
    if not test_path:
        return None
    parts = Path(test_path.split("::", 1)[0]).parts
    return next((part for part in parts[1:2] if part in set(services)), None)
