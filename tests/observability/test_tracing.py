"""Tracing follows the OTEL_* variables, and a job's trace crosses the queue beside the message
body (SQS message attributes, a column of the local queue)."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from aira_api.traced_queue import TraceContextQueue
from aira_core.db import create_db_engine
from aira_core.jobs import JobRef
from aira_core.migrate import migrate
from aira_core.models import JobKind
from aira_core.queue import JobQueue, LocalQueue, SqsQueue
from aira_core.tracing import (
    configure_tracing,
    consumer_span,
    current_trace_context,
    producer_span,
    tracer,
    tracing_requested,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.conftest import SqsQueues


@pytest.mark.parametrize(
    ("environ", "requested"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "api"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://localhost:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x"}, False),
    ],
)
def test_tracing_is_requested_only_by_otel_variables(environ: dict, requested: bool) -> None:
    assert tracing_requested(environ) is requested


def test_without_otel_variables_nothing_is_configured() -> None:
    assert configure_tracing("api", environ={}) is False


def test_the_worker_span_joins_the_api_trace(finished_spans: InMemorySpanExporter) -> None:
    with producer_span("publish chat", {"aira.job_id": "chat-42"}):
        carried = current_trace_context()
    assert "traceparent" in carried

    with consumer_span("process chat", carried, {"aira.job_id": "chat-42"}):
        pass

    producer, consumer = finished_spans.get_finished_spans()
    assert producer.kind is SpanKind.PRODUCER and consumer.kind is SpanKind.CONSUMER
    assert consumer.context.trace_id == producer.context.trace_id
    assert consumer.parent is not None and consumer.parent.span_id == producer.context.span_id


def test_a_message_without_context_starts_a_new_trace(
    finished_spans: InMemorySpanExporter,
) -> None:
    assert current_trace_context() == {}  # no active span: nothing to carry
    with consumer_span("process story", {}):
        pass
    (span,) = finished_spans.get_finished_spans()
    assert span.parent is None


@pytest.mark.parametrize(
    "carried", [{"traceparent": "not a traceparent"}, {"traceparent": ""}, {"trace": "x"}]
)
def test_a_malformed_trace_context_starts_a_new_trace(
    carried: dict[str, str], finished_spans: InMemorySpanExporter
) -> None:
    with consumer_span("process story", carried):
        pass
    (span,) = finished_spans.get_finished_spans()
    assert span.parent is None


@pytest.fixture(params=["local", "sqs"])
def job_queue(
    request: pytest.FixtureRequest, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[JobQueue]:
    """The real local queue (on SQLite) or SQS FIFO on moto's server."""
    if request.param == "sqs":
        make_sqs_queues: Callable[..., SqsQueues] = request.getfixturevalue("make_sqs_queues")
        queues = make_sqs_queues()
        monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", queues.endpoint_url)
        yield SqsQueue(
            queues.queue_url,
            dlq_url=queues.dlq_url,
            region=queues.region,
            visibility_timeout=queues.visibility_timeout,
        )
        return
    engine = create_db_engine(sqlite_url)
    migrate(engine)
    yield LocalQueue(engine, visibility_timeout=30, max_receives=3)
    engine.dispose()


def test_the_api_queue_sends_the_context_beside_the_plain_job_body(
    job_queue: JobQueue, finished_spans: InMemorySpanExporter
) -> None:
    ref = JobRef(JobKind.chat, 42, 1)
    with tracer().start_as_current_span("POST /api/conversations/{id}/messages") as request:
        TraceContextQueue(job_queue).send(ref.body(), group_id="conversation-7", dedup_id="c-42")

    deadline = time.monotonic() + 10
    received = []
    while not received and time.monotonic() < deadline:
        received = job_queue.receive(max_messages=1, wait_seconds=1)
    (message,) = received
    assert message.body == ref.body()  # the plain job reference
    with consumer_span("job", message.trace_context):
        pass

    spans = {span.name: span for span in finished_spans.get_finished_spans()}
    send, job = spans["send job"], spans["job"]
    trace_id = request.get_span_context().trace_id
    assert send.context.trace_id == job.context.trace_id == trace_id
    assert job.kind is SpanKind.CONSUMER
    assert job.parent is not None and job.parent.span_id == send.context.span_id


EXPORTING_PROGRAM = """
from aira_core.tracing import configure_tracing, shutdown_tracing, tracer
assert configure_tracing("aira-worker")
assert configure_tracing("aira-worker")  # a second entry point: no second exporter
with tracer().start_as_current_span("outer"):
    with tracer().start_as_current_span("inner"):
        pass
shutdown_tracing()
"""


def test_spans_are_exported_over_otlp_to_the_configured_endpoint(otlp_collector) -> None:
    environ = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_collector.endpoint,
        "OTEL_SERVICE_NAME": "aira-worker-test",
    }
    result = subprocess.run(
        [sys.executable, "-c", EXPORTING_PROGRAM],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    inner, outer = sorted(otlp_collector.wait_for(2), key=lambda span: span.name)
    assert len(otlp_collector.spans) == 2  # the process flushed everything before it exited
    assert {inner.service, outer.service} == {"aira-worker-test"}
    assert inner.trace_id == outer.trace_id
    assert inner.parent_span_id == outer.span_id
    assert "Traceback" not in result.stderr
