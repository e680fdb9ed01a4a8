"""Whose code made an AWS call: a service's (`aira_<service>`), or tests setting things up.

The innermost frame outside the AWS SDK decides whether application code made the call at all:
a fixture creating queues with boto3 is not the service's doing. The service is then the
innermost `aira_<service>` module on the stack; shared code (`aira_core`) running where no
service frame is visible (a thread it started) belongs to the service whose tests are running.
"""

import sys
from collections.abc import Iterable
from pathlib import Path
from types import FrameType

_SDK_PREFIXES = ("botocore", "boto3", "urllib3", "s3transfer", "tests.iam_recorder.recorder")
APP_PREFIX = "aira_"


def _modules(frame: FrameType | None) -> list[str]:
    modules = []
    while frame is not None:
        modules.append(str(frame.f_globals.get("__name__", "")))
        frame = frame.f_back
    return modules


def _is_sdk(module: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in _SDK_PREFIXES)


def calling_service(services: Iterable[str], running_test: str | None) -> str | None:
    """The service whose code is calling AWS right now, or None for test and tool code."""
    modules = [m for m in _modules(sys._getframe(1)) if not _is_sdk(m)]
    if not modules or not modules[0].startswith(APP_PREFIX):
        return None
    for module in modules:
        for service in services:
            package = f"{APP_PREFIX}{service}"
            if module == package or module.startswith(f"{package}."):
                return service
    return test_service(running_test, services)


def test_service(test_path: str | None, services: Iterable[str]) -> str | None:
    """`tests/worker/test_x.py::test_y` -> `worker`, when `worker` is a service."""
    if not test_path:
        return None
    parts = Path(test_path.split("::", 1)[0]).parts
    return next((part for part in parts[1:2] if part in set(services)), None)
