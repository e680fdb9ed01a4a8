"""Tracing follows the OTEL_* variables, and a job's trace crosses the queue message."""

import os
import subprocess
import sys

import pytest
from aira_core.jobs import JobRef
from aira_core.models import JobKind
from aira_core.tracing import (
    add_trace_context,
    configure_tracing,
    consumer_span,
    producer_span,
    trace_context_of,
    tracing_requested,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind


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
    ref = JobRef(JobKind.chat, 42, 1)
    with producer_span("publish chat", {"aira.job_id": "chat-42"}):
        body = add_trace_context(ref.body())
    assert JobRef.parse(body) == ref
    assert "traceparent" in trace_context_of(body)

    with consumer_span("process chat", body, {"aira.job_id": "chat-42"}):
        pass

    producer, consumer = finished_spans.get_finished_spans()
    assert producer.kind is SpanKind.PRODUCER and consumer.kind is SpanKind.CONSUMER
    assert consumer.context.trace_id == producer.context.trace_id
    assert consumer.parent is not None and consumer.parent.span_id == producer.context.span_id


def test_a_message_without_context_starts_a_new_trace(
    finished_spans: InMemorySpanExporter,
) -> None:
    body = JobRef(JobKind.story, 3, 2).body()
    assert add_trace_context(body) == body  # no active span: nothing to carry
    with consumer_span("process story", body):
        pass
    (span,) = finished_spans.get_finished_spans()
    assert span.parent is None


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"trace": "x"}', '{"id": 1}'])
def test_malformed_trace_context_is_ignored(body: str) -> None:
    assert trace_context_of(body) == {}


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
