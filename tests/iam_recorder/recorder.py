"""Record every AWS operation boto3 clients call, as the IAM action that authorises it and the
manifest resource it acts on.

The recorder wraps botocore's `Session.create_client` so each client created while it is
installed reports to it through botocore's `before-call` event, whichever session made it. It also
wraps `asyncio.to_thread`, so work an `aira_<service>` coroutine hands to a thread stays that
service's (see attribution.py).
"""

import asyncio
import asyncio.threads
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import botocore.session

from tests.iam_recorder.actions import UnmappedOperationError, iam_action
from tests.iam_recorder.attribution import calling_service, handed_over
from tests.iam_recorder.resources import resource_of

_KEEP_PARAMS_ID = "aira-iam-recorder-params"
_PARAMS_KEY = "aira_iam_recorder_params"


def _keep_params(params: Any, context: dict[str, Any], **_: Any) -> None:
    """Keep the call's API parameters (before-call only sees the serialised request)."""
    context[_PARAMS_KEY] = params


@dataclass(frozen=True)
class AwsCall:
    operation: str
    """`sqs.SendMessageBatch`"""
    action: str | None
    """`sqs:SendMessage`; None when no known IAM action authorises the operation."""
    service: str | None
    """The service whose code made the call; None for test setup and tools."""
    test: str | None
    error: str | None = None
    resource: str | None = None
    """The manifest resource key the call acts on (`jobs-dlq`); None when not recognised."""

    @property
    def grant(self) -> str:
        """`sqs:SendMessage on jobs-queue`, or the action alone without a known resource."""
        return f"{self.action} on {self.resource}" if self.resource else str(self.action)


class AwsCallRecorder:
    def __init__(self, services: Iterable[str]) -> None:
        self.services = tuple(services)
        self.calls: list[AwsCall] = []
        self.running_test: str | None = None
        self._lock = threading.Lock()
        self._handler_id = f"aira-iam-recorder-{id(self)}"
        self._original: Callable[..., Any] | None = None
        self._original_to_thread: Callable[..., Any] | None = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = self._original = botocore.session.Session.create_client
        to_thread = self._original_to_thread = asyncio.to_thread
        recorder = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            events = client.meta.events
            events.register("before-parameter-build", _keep_params, unique_id=_KEEP_PARAMS_ID)
            events.register("before-call", recorder.on_call, unique_id=recorder._handler_id)
            return client

        async def attributed_to_thread(func: Callable[..., Any], /, *args: Any, **kw: Any) -> Any:
            return await to_thread(handed_over(func, recorder.services), *args, **kw)

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
        asyncio.to_thread = asyncio.threads.to_thread = attributed_to_thread

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.session.Session.create_client = self._original  # type: ignore[method-assign]
            self._original = None
        if self._original_to_thread is not None:
            asyncio.to_thread = asyncio.threads.to_thread = self._original_to_thread
            self._original_to_thread = None

    def on_call(self, model: Any, context: dict[str, Any] | None = None, **_: Any) -> None:
        signing_name = model.service_model.signing_name
        operation = f"{signing_name}.{model.name}"
        service = calling_service(self.services, self.running_test)
        try:
            action = iam_action(signing_name, model.name)
        except UnmappedOperationError as error:
            # Only a service's calls must map to an action: tests and tools may call anything.
            message = str(error) if service is not None else None
            call = AwsCall(operation, None, service, self.running_test, message)
        else:
            params = (context or {}).get(_PARAMS_KEY) or {}
            resource = resource_of(action.split(":", 1)[0], params)
            call = AwsCall(operation, action, service, self.running_test, resource=resource)
        with self._lock:
            self.calls.append(call)
        if call.error:
            # Fail the call itself too: the session-end check catches it even if code swallows it.
            raise UnmappedOperationError(call.error)

    def since(self, index: int) -> list[AwsCall]:
        with self._lock:
            return self.calls[index:]
