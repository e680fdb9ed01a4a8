"""The worker's span of a job joins the trace of the API request that queued it: the trace
context travels beside the job's body through the real queue (the local queue's column, SQS message
attributes on moto's server)."""

from aira_api.traced_queue import TraceContextQueue
from aira_core.models import JobKind, JobStatus
from aira_core.queue.port import JobQueue
from aira_core.tracing import tracer
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import Engine

from tests.observability.conftest import finished_spans  # noqa: F401 - fixture
from tests.support.jobs import ask, create_conversation, create_user, wait_final
from tests.worker.conftest import RunWorker


def test_the_worker_span_joins_the_trace_of_the_request_that_queued_the_job(
    db_engine: Engine,
    queue: JobQueue,
    run_worker: RunWorker,
    finished_spans: InMemorySpanExporter,  # noqa: F811 - the imported fixture
) -> None:
    conversation = create_conversation(db_engine, create_user(db_engine))
    api_queue = TraceContextQueue(queue)  # how the API sends jobs
    with tracer().start_as_current_span("POST /api/conversations/{id}/messages") as request:
        answer = ask(db_engine, api_queue, conversation, "trace this answer")
    assert answer.id is not None
    with run_worker():
        assert wait_final(db_engine, JobKind.chat, answer.id).status == JobStatus.done

    spans = finished_spans.get_finished_spans()
    (send,) = [span for span in spans if span.name == "send job"]
    (job,) = [
        span
        for span in spans
        if span.name == "job" and (span.attributes or {}).get("aira.job.id") == answer.id
    ]
    assert job.kind is SpanKind.CONSUMER
    assert job.context.trace_id == send.context.trace_id == request.get_span_context().trace_id
    assert job.parent is not None and job.parent.span_id == send.context.span_id
