"""Grafana dashboards as code, from the metric names in catalog.py.

`uv run python -m observability.grafana` writes observability/dashboards/*.json, which the local
docs show and Amazon Managed Grafana imports; a test keeps the files equal to this code.
Each dashboard picks its Prometheus data source through the `datasource` variable, so the same
JSON works against a local Prometheus and the Amazon Managed Prometheus workspace.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grafanalib._gen import DashboardEncoder
from grafanalib.core import Dashboard, GridPos, Stat, Target, Template, Templating, TimeSeries

DASHBOARD_DIR = Path(__file__).parent / "dashboards"
DATASOURCE = "${datasource}"
PANEL_WIDTH = 12
PANEL_HEIGHT = 8


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[Query, ...]
    unit: str = "short"
    stat: bool = False
    description: str = ""


def _grid(panels: tuple[Panel, ...]) -> list[Any]:
    """Two panels per row, in the order given."""
    built: list[Any] = []
    for index, panel in enumerate(panels):
        position = GridPos(
            h=PANEL_HEIGHT,
            w=PANEL_WIDTH,
            x=(index % 2) * PANEL_WIDTH,
            y=(index // 2) * PANEL_HEIGHT,
        )
        targets = [
            Target(expr=query.expr, legendFormat=query.legend, refId=chr(ord("A") + number))
            for number, query in enumerate(panel.queries)
        ]
        kind = Stat if panel.stat else TimeSeries
        options: dict[str, Any] = {"format": panel.unit} if panel.stat else {"unit": panel.unit}
        built.append(
            kind(
                title=panel.title,
                description=panel.description,
                dataSource=DATASOURCE,
                targets=targets,
                gridPos=position,
                **options,
            )
        )
    return built


def _dashboard(uid: str, title: str, panels: tuple[Panel, ...]) -> Dashboard:
    datasource = Template(
        name="datasource", label="Prometheus", query="prometheus", type="datasource", default=""
    )
    return Dashboard(
        uid=uid,
        title=title,
        tags=["aira"],
        timezone="utc",
        refresh="30s",
        templating=Templating(list=[datasource]),
        panels=_grid(panels),
    ).auto_panel_ids()


def _p95(histogram: str, by: str, matchers: str = "") -> str:
    selector = f"{histogram}_bucket{{{matchers}}}" if matchers else f"{histogram}_bucket"
    return f"histogram_quantile(0.95, sum by (le, {by}) (rate({selector}[5m])))"


SERVICE_OVERVIEW = (
    Panel(
        "Requests per second by route",
        (Query("sum by (route) (rate(aira_http_requests_total[5m]))", "{{route}}"),),
        unit="reqps",
    ),
    Panel(
        "5xx ratio",
        (
            Query(
                'sum(rate(aira_http_requests_total{status=~"5.."}[5m]))'
                " / sum(rate(aira_http_requests_total[5m]))",
                "5xx",
            ),
        ),
        unit="percentunit",
        description="Alert AiraApiHighErrorRatio fires above 5% for 5 minutes.",
    ),
    Panel(
        "Responses by status",
        (Query("sum by (status) (rate(aira_http_requests_total[5m]))", "{{status}}"),),
        unit="reqps",
    ),
    Panel(
        "p95 latency by route (without event streams)",
        (
            Query(
                _p95("aira_http_request_duration_seconds", "route", 'route!~".*/events"'),
                "{{route}}",
            ),
        ),
        unit="s",
        description="Alert AiraApiSlowResponses fires above 1 s for 10 minutes.",
    ),
    Panel(
        "Jobs finished per second by outcome",
        (Query("sum by (outcome) (rate(aira_jobs_total[5m]))", "{{outcome}}"),),
        unit="ops",
    ),
    Panel(
        "Seconds since the last worker heartbeat",
        (Query("time() - max(aira_worker_heartbeat_timestamp_seconds)", "heartbeat age"),),
        unit="s",
        stat=True,
    ),
)

JOBS_AND_QUEUE = (
    Panel(
        "Queue messages by state",
        (Query("sum by (state) (aira_queue_messages)", "{{state}}"),),
        description="visible: waiting; in_flight: being worked on; dead_letter: gave up.",
    ),
    Panel(
        "Oldest queued job age",
        (Query("max(aira_queue_oldest_message_age_seconds)", "oldest"),),
        unit="s",
        description="Alert AiraQueueOldestJobTooOld fires above 5 minutes.",
    ),
    Panel(
        "Dead-letter queue depth",
        (Query('max(aira_queue_messages{state="dead_letter"})', "dead letters"),),
        stat=True,
    ),
    Panel(
        "Jobs in flight by kind",
        (Query("sum by (kind) (aira_jobs_in_flight)", "{{kind}}"),),
    ),
    Panel(
        "Job outcomes per second",
        (Query("sum by (kind, outcome) (rate(aira_jobs_total[5m]))", "{{kind}} {{outcome}}"),),
        unit="ops",
        description="released: a retryable failure given back to the queue (a retry).",
    ),
    Panel(
        "Job failure ratio",
        (
            Query(
                'sum(rate(aira_jobs_total{outcome="failed"}[15m]))'
                ' / sum(rate(aira_jobs_total{outcome=~"done|failed"}[15m]))',
                "failed",
            ),
        ),
        unit="percentunit",
    ),
    Panel(
        "p95 queue lag (enqueue to claim)",
        (Query(_p95("aira_queue_lag_seconds", "kind"), "{{kind}}"),),
        unit="s",
    ),
    Panel(
        "p95 job duration (claim to final)",
        (Query(_p95("aira_job_duration_seconds", "kind"), "{{kind}}"),),
        unit="s",
    ),
    Panel(
        "Lost jobs sent again by the sweeper",
        (Query("sum by (kind) (increase(aira_sweeper_resent_total[15m]))", "{{kind}}"),),
        description="Jobs left queued after a failed send or a worker crash; rare when healthy.",
    ),
)

LLM = (
    Panel(
        "p95 time to first token",
        (Query(_p95("aira_llm_time_to_first_token_seconds", "kind"), "{{kind}}"),),
        unit="s",
    ),
    Panel(
        "Median time to first token",
        (
            Query(
                "histogram_quantile(0.5, sum by (le, kind)"
                " (rate(aira_llm_time_to_first_token_seconds_bucket[5m])))",
                "{{kind}}",
            ),
        ),
        unit="s",
    ),
    Panel(
        "LLM errors per second by class",
        (Query("sum by (error) (rate(aira_llm_errors_total[5m]))", "{{error}}"),),
        unit="ops",
    ),
    Panel(
        "LLM error ratio",
        (
            Query(
                "sum(rate(aira_llm_errors_total[10m])) / sum(rate(aira_jobs_total[10m]))",
                "errors per call",
            ),
        ),
        unit="percentunit",
        description="Alert AiraLlmHighErrorRatio fires above 20% for 10 minutes.",
    ),
    Panel(
        "Retries per second (jobs released to the queue)",
        (Query('sum by (kind) (rate(aira_jobs_total{outcome="released"}[5m]))', "{{kind}}"),),
        unit="ops",
    ),
    Panel(
        "p95 total generation time (request to last token)",
        (Query(_p95("aira_llm_duration_seconds", "kind"), "{{kind}}"),),
        unit="s",
    ),
    Panel(
        "Tokens per second",
        (
            Query(
                "sum by (kind, direction) (rate(aira_llm_tokens_total[5m]))",
                "{{kind}} {{direction}}",
            ),
        ),
        unit="short",
    ),
)

DASHBOARDS: dict[str, Dashboard] = {
    "aira-service-overview": _dashboard("aira-service", "Aira: service overview", SERVICE_OVERVIEW),
    "aira-jobs-queue": _dashboard("aira-jobs-queue", "Aira: jobs and queue", JOBS_AND_QUEUE),
    "aira-llm": _dashboard("aira-llm", "Aira: LLM", LLM),
}


def dashboard_json(dashboard: Dashboard) -> str:
    document = json.loads(json.dumps(dashboard.to_json_data(), cls=DashboardEncoder))
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def expressions(document: dict[str, Any]) -> list[str]:
    """Every PromQL expression of a dashboard JSON document."""
    return [target["expr"] for panel in document["panels"] for target in panel.get("targets", [])]


def write_all(directory: Path = DASHBOARD_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, dashboard in DASHBOARDS.items():
        path = directory / f"{name}.json"
        path.write_text(dashboard_json(dashboard), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
