"""The metrics the API and worker export: the one list alert rules and dashboards may use.

Names, types and labels are the cross-team contract; tests compare this catalog with what the
applications really register and with every expression in the rules and dashboards.
"""

import re
from dataclasses import dataclass
from typing import Literal

MetricType = Literal["counter", "gauge", "histogram"]

# What Prometheus exposes for each metric type, beyond the bare name.
SERIES_SUFFIXES: dict[MetricType, tuple[str, ...]] = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
}


@dataclass(frozen=True)
class Metric:
    name: str
    type: MetricType
    labels: tuple[str, ...]
    source: Literal["api", "worker"]
    contract: bool = True
    """Named in the cross-team contract (always exported); else an extra the code exports."""

    @property
    def series_names(self) -> tuple[str, ...]:
        """Names under which the metric's series appear in PromQL."""
        base = self.name.removesuffix("_total")
        return tuple(base + suffix for suffix in SERIES_SUFFIXES[self.type])


METRICS: tuple[Metric, ...] = (
    Metric("aira_http_requests_total", "counter", ("route", "method", "status"), "api"),
    Metric("aira_http_request_duration_seconds", "histogram", ("route", "method"), "api"),
    Metric("aira_jobs_total", "counter", ("kind", "outcome"), "worker"),
    Metric("aira_job_duration_seconds", "histogram", ("kind",), "worker"),
    Metric("aira_llm_time_to_first_token_seconds", "histogram", ("kind",), "worker"),
    Metric("aira_llm_errors_total", "counter", ("kind", "error"), "worker"),
    Metric("aira_jobs_in_flight", "gauge", ("kind",), "worker"),
    Metric("aira_worker_heartbeat_timestamp_seconds", "gauge", (), "worker"),
    Metric("aira_queue_lag_seconds", "histogram", ("kind",), "worker"),
    Metric("aira_queue_messages", "gauge", ("state",), "worker"),
    Metric("aira_queue_oldest_message_age_seconds", "gauge", (), "worker"),
    # Beyond the contract: exported by the worker for the LLM and queue dashboards.
    Metric("aira_llm_duration_seconds", "histogram", ("kind",), "worker", contract=False),
    Metric("aira_llm_tokens_total", "counter", ("kind", "direction"), "worker", contract=False),
    Metric("aira_sweeper_resent_total", "counter", ("kind",), "worker", contract=False),
)

JOB_OUTCOMES = ("done", "failed", "cancelled", "released")
QUEUE_STATES = ("visible", "in_flight", "dead_letter")

_METRIC_NAME = re.compile(r"\baira_[a-z0-9_]+\b")


def known_series_names() -> frozenset[str]:
    return frozenset(name for metric in METRICS for name in metric.series_names)


def series_names_in(expression: str) -> set[str]:
    """The `aira_*` series a PromQL expression reads."""
    return set(_METRIC_NAME.findall(expression))
