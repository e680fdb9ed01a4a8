"""OpenTelemetry tracing configured by the standard `OTEL_*` variables; off when they are unset.

Tracing turns on when `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
`OTEL_TRACES_EXPORTER` (`otlp`, `console`) is set, unless `OTEL_SDK_DISABLED=true` or
`OTEL_TRACES_EXPORTER=none`. The OTLP exporter (HTTP/protobuf; the ADOT sidecar listens on
localhost:4318) reads its endpoint, headers and timeout from the same variables; the sampler comes
from `OTEL_TRACES_SAMPLER`, the service name from `OTEL_SERVICE_NAME`, propagation from
`OTEL_PROPAGATORS` (W3C trace context by default).

A job's trace crosses the queue beside the message body: the API sends its span context
(`current_trace_context()`) with the message, which SQS carries as message attributes and the local
queue in a column of its own, and the worker starts its span as a child of the context it receives
(`consumer_span`), so both spans share one trace id.
"""

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)

log = logging.getLogger(__name__)

TRACER_NAME = "aira"
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether the environment asks for traces to be exported."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter == "none":
        return False
    return exporter in ("otlp", "console") or any(environ.get(name) for name in _ENDPOINT_VARIABLES)


def _exporter_from(environ: Mapping[str, str]) -> SpanExporter:
    if environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "console":
        return ConsoleSpanExporter()
    # Imported here: the exporter pulls in requests and protobuf, needless when tracing is off.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def configure_tracing(
    service_name: str,
    processor: SpanProcessor | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Install the process's tracer provider; returns whether spans are now recorded.

    Without `processor` the exporter comes from the environment (nothing happens when tracing is
    not requested) and a second call changes nothing, so a process may call it from every entry
    point. A provider can be installed once per process: an explicit `processor` is added to the
    provider already installed.
    """
    environ = os.environ if environ is None else environ
    installed = trace.get_tracer_provider()
    if processor is None:
        if not tracing_requested(environ):
            return False
        if isinstance(installed, TracerProvider):
            return True
        processor = BatchSpanProcessor(_exporter_from(environ))
    elif isinstance(installed, TracerProvider):
        installed.add_span_processor(processor)
        return True
    attributes = {} if environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    log.info("tracing enabled for %s", service_name)
    return True


def shutdown_tracing() -> None:
    """Flush spans still buffered (call on exit)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def current_trace_context() -> dict[str, str]:
    """The current span context as propagation headers (`traceparent`, ...); empty when off."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def producer_span(name: str, attributes: Mapping[str, Any] | None = None) -> Iterator[trace.Span]:
    """A PRODUCER span around sending a message; `current_trace_context()` inside it is what the
    message carries to its consumer."""
    with tracer().start_as_current_span(
        name, kind=trace.SpanKind.PRODUCER, attributes=dict(attributes or {})
    ) as span:
        yield span


@contextmanager
def consumer_span(
    name: str, trace_context: Mapping[str, str], attributes: Mapping[str, Any] | None = None
) -> Iterator[trace.Span]:
    """A CONSUMER span that continues the trace a queue message carried (a new trace when the
    message carried none)."""
    parent = propagate.extract(trace_context)
    with tracer().start_as_current_span(
        name, context=parent, kind=trace.SpanKind.CONSUMER, attributes=dict(attributes or {})
    ) as span:
        yield span
