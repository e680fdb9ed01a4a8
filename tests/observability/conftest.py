import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

import pulumi
import pytest
from aira_core.tracing import configure_tracing
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once

from scripts.plan.capture import CapturingMonitor
from scripts.plan.mocks import ACCOUNT_ID, AwsMocks
from tests.api.conftest import (  # noqa: F401 - the API's fixtures, for the console tests
    api,
    api_app,
    api_queue,
    launch_api,
    make_settings,
)
from tests.components.conftest import Registered, resolve  # noqa: F401 - shared fixture

T = TypeVar("T")

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


@dataclass
class CollectedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, str]


class OtlpCollector:
    """A real OTLP/HTTP trace receiver (`POST /v1/traces`, protobuf) keeping what it receives."""

    def __init__(self) -> None:
        self.spans: list[CollectedSpan] = []
        self._lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = ExportTraceServiceRequest.FromString(body)
                with collector._lock:
                    collector.spans.extend(_spans_of(request))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test reads the spans, not the access log."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[CollectedSpan]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.spans) >= count:
                    return list(self.spans)
            time.sleep(0.1)
        raise AssertionError(f"expected {count} spans, got {self.spans}")


def _spans_of(request: ExportTraceServiceRequest) -> Iterator[CollectedSpan]:
    for resource_spans in request.resource_spans:
        resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield CollectedSpan(
                    service=resource.get("service.name", ""),
                    name=span.name,
                    trace_id=span.trace_id.hex(),
                    span_id=span.span_id.hex(),
                    parent_span_id=span.parent_span_id.hex(),
                    attributes={a.key: _plain(a.value) for a in span.attributes},
                )


def _plain(value: AnyValue) -> str:
    """An OTLP attribute value as text (`aira.job.id` 7 -> "7")."""
    kind = value.WhichOneof("value")
    return str(getattr(value, kind)) if kind else ""


@pytest.fixture
def otlp_collector() -> Iterator[OtlpCollector]:
    collector = OtlpCollector()
    yield collector
    collector.server.shutdown()


def _reset_global_tracer_provider() -> None:
    """Back to "no tracer provider installed", as OpenTelemetry's own test utilities do: the
    provider is process-global, and other tests must not find one left behind."""
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None


@pytest.fixture
def finished_spans() -> Iterator[InMemorySpanExporter]:
    """Spans finished during the test, from a tracer provider installed for this test only."""
    exporter = InMemorySpanExporter()
    _reset_global_tracer_provider()
    configure_tracing("aira-tests", processor=SimpleSpanProcessor(exporter))
    yield exporter
    _reset_global_tracer_provider()


class ObservabilityMocks(AwsMocks):
    """The AWS mocks plus the outputs of the monitoring services the component reads."""

    def _computed_outputs(self, args: pulumi.runtime.MockResourceArgs, name: str) -> dict:
        workspace_id = f"ws-{args.name}"
        match args.typ:
            case "aws:amp/workspace:Workspace":
                return {
                    "arn": f"arn:aws:aps:{self.region}:{ACCOUNT_ID}:workspace/{workspace_id}",
                    "prometheusEndpoint": (
                        f"https://aps-workspaces.{self.region}.amazonaws.com"
                        f"/workspaces/{workspace_id}/"
                    ),
                }
            case "aws:grafana/workspace:Workspace":
                return {"endpoint": f"g-{args.name}.grafana-workspace.{self.region}.amazonaws.com"}
            case "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount":
                return {"serviceAccountId": "sa-1"}
            case "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken":
                return {"key": "glsa_mock_token"}
        return super()._computed_outputs(args, name)


@pytest.fixture
def mocked_observability() -> Callable[[Callable[[], T]], tuple[T, Registered]]:
    """`built, registered = mocked_observability(lambda: ...)`, as tests/components' `mocked`."""

    def run(build: Callable[[], T]) -> tuple[T, Registered]:
        pulumi.runtime.reset_options(project="aira", stack="test", preview=False)
        monitor = CapturingMonitor(ObservabilityMocks("eu-west-1"))
        pulumi.runtime.set_mocks(
            monitor.mocks, project="aira", stack="test", preview=False, monitor=monitor
        )
        built: list[T] = []

        @pulumi.runtime.test
        def program() -> None:
            built.append(build())

        program()
        return built[0], Registered(monitor)

    return run
