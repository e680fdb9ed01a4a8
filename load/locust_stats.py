"""Locust statistics as plain JSON, with exact percentiles for merged groups of endpoints.

Locust's CSV has percentiles per endpoint only; "the API's p95" needs the merged histogram of every
HTTP endpoint (without the ANSWER samples, which contain the LLM's own time).
"""

from typing import Any

from locust.env import Environment
from locust.stats import StatsEntry

ANSWER = "ANSWER"
PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


def export_stats(environment: Environment) -> dict[str, Any]:
    stats = environment.stats
    entries = sorted(stats.entries.values(), key=lambda entry: (entry.method, entry.name))
    http = [entry for entry in entries if entry.method != ANSWER]
    answers = [entry for entry in entries if entry.method == ANSWER]
    return {
        "endpoints": [_describe(entry) for entry in entries],
        "api_total": _describe(_merged(stats, "API total", http)),
        "answers_total": _describe(_merged(stats, "answers total", answers)),
        "errors": [
            {"method": error.method, "name": error.name, "error": str(error.error), "count": n}
            for error in stats.errors.values()
            if (n := error.occurrences)
        ],
        "start_time": stats.start_time,
        "last_request_timestamp": stats.last_request_timestamp,
    }


def _merged(stats: Any, name: str, entries: list[StatsEntry]) -> StatsEntry:
    merged = StatsEntry(stats, name, "", use_response_times_cache=False)
    for entry in entries:
        merged.extend(entry)
    return merged


def _describe(entry: StatsEntry) -> dict[str, Any]:
    latency = {
        key: float(entry.get_response_time_percentile(value)) if entry.num_requests else 0.0
        for key, value in PERCENTILES.items()
    }
    return {
        "method": entry.method,
        "name": entry.name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 2),
        "latency_ms": latency,
    }
