"""Record every AWS operation boto3 clients call, as the IAM action that authorises it.

The recorder wraps botocore's `Session.create_client` so each client created while it is
installed reports to it through botocore's `before-call` event, whichever session made it.
"""

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import botocore.session

from tests.iam_recorder.actions import UnmappedOperationError, iam_action
from tests.iam_recorder.attribution import calling_service

_HANDLER_ID = "aira-iam-recorder"


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


class AwsCallRecorder:
    def __init__(self, services: Iterable[str]) -> None:
        self.services = tuple(services)
        self.calls: list[AwsCall] = []
        self.running_test: str | None = None
        self._lock = threading.Lock()
        self._original: Callable[..., Any] | None = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = self._original = botocore.session.Session.create_client
        recorder = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            client.meta.events.register("before-call", recorder.on_call, unique_id=_HANDLER_ID)
            return client

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.session.Session.create_client = self._original  # type: ignore[method-assign]
            self._original = None

    def on_call(self, model: Any, **_: Any) -> None:
        operation = f"{model.service_model.signing_name}.{model.name}"
        service = calling_service(self.services, self.running_test)
        try:
            call = AwsCall(
                operation,
                iam_action(model.service_model.signing_name, model.name),
                service,
                self.running_test,
            )
        except UnmappedOperationError as error:
            call = AwsCall(operation, None, service, self.running_test, str(error))
        with self._lock:
            self.calls.append(call)
        if call.error:
            # Fail the call itself too: the session-end check catches it even if code swallows it.
            raise UnmappedOperationError(call.error)

    def since(self, index: int) -> list[AwsCall]:
        with self._lock:
            return self.calls[index:]
