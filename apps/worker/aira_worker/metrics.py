"""The worker's Prometheus metrics (names fixed by the alert rules and dashboards) and the small
HTTP endpoint that serves them."""

import logging

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

JOBS = Counter(
    "aira_jobs_total",
    "Jobs that reached an outcome: done, failed, cancelled, released (retryable, given back).",
    ["kind", "outcome"],
)
JOB_DURATION = Histogram(
    "aira_job_duration_seconds",
    "From claim to the final state.",
    ["kind"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
)
TIME_TO_FIRST_TOKEN = Histogram(
    "aira_llm_time_to_first_token_seconds",
    "From the LLM request to the first text of its answer.",
    ["kind"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
LLM_DURATION = Histogram(
    "aira_llm_duration_seconds",
    "From the LLM request to the end of its answer.",
    ["kind"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)
LLM_ERRORS = Counter(
    "aira_llm_errors_total",
    "Failed generations by error code (the job's error_code or the retryable class).",
    ["kind", "error"],
)
LLM_TOKENS = Counter("aira_llm_tokens_total", "Tokens reported by the LLM.", ["kind", "direction"])
IN_FLIGHT = Gauge("aira_jobs_in_flight", "Jobs being generated now.", ["kind"])
HEARTBEAT = Gauge(
    "aira_worker_heartbeat_timestamp_seconds", "Last time the worker loop showed it was alive."
)
QUEUE_LAG = Histogram(
    "aira_queue_lag_seconds",
    "From sending a job to the queue to its claim.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
QUEUE_MESSAGES = Gauge("aira_queue_messages", "Messages in the job queue by state.", ["state"])
QUEUE_OLDEST_AGE = Gauge(
    "aira_queue_oldest_message_age_seconds",
    "How long the oldest queued job has waited to start (from the jobs' rows, for either queue).",
)
SWEEPER_RESENT = Counter(
    "aira_sweeper_resent_total", "Lost jobs the sweeper sent to the queue again.", ["kind"]
)


def serve_metrics(port: int) -> None:
    """Serve `/metrics` on all interfaces (the collector sidecar scrapes it); 0 means off.

    A taken port does not stop the worker: answering users matters more than being scraped, and
    the missing heartbeat metric raises the worker-down alert."""
    if port == 0:
        return
    try:
        start_http_server(port)
    except OSError as exc:
        log.error("metrics endpoint not started on port %d: %s", port, exc)
        return
    log.info("metrics on :%d/metrics", port)
