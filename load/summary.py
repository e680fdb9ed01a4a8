"""summary.json of a load run, the table printed at its end, and the verdict on the targets."""

from dataclasses import dataclass
from typing import Any

P95_TARGET_MS = 300.0


@dataclass(frozen=True)
class RunFigures:
    users: int
    spawn_rate: float
    duration_s: int
    backend: str
    scenario: dict[str, Any]  # locust-stats.json of the main scenario
    jobs: dict[str, int]
    drain_s: float
    worker_jobs_per_s: float
    baseline: dict[str, Any]  # locust-stats.json of the bare FastAPI endpoint
    enqueue: dict[str, Any]  # locust-stats.json of the closed-loop enqueue probe
    cpu: dict[str, Any]


def build_summary(figures: RunFigures) -> dict[str, Any]:
    api = figures.scenario["api_total"]
    baseline_rps = figures.baseline["api_total"]["rps"]
    enqueue_rps = _enqueue_entry(figures.enqueue)["rps"]
    latency = {_label(entry): entry["latency_ms"] for entry in figures.scenario["endpoints"]}
    latency["API total (excl. LLM)"] = api["latency_ms"]
    return {
        "users": figures.users,
        "spawn_rate": figures.spawn_rate,
        "duration_s": figures.duration_s,
        "backend": figures.backend,
        "requests": api["requests"],
        "failures": api["failures"],
        "rps": api["rps"],
        "latency_ms": latency,
        "jobs": figures.jobs,
        "drain_s": figures.drain_s,
        "worker_jobs_per_s": figures.worker_jobs_per_s,
        "baseline": {
            "rps": baseline_rps,
            "p95_ms": figures.baseline["api_total"]["latency_ms"]["p95"],
        },
        "enqueue_vs_baseline_ratio": round(enqueue_rps / baseline_rps, 3) if baseline_rps else 0.0,
        "cpu": figures.cpu,
    }


def missed_targets(summary: dict[str, Any]) -> list[str]:
    """The targets this run missed (empty when it met all of them)."""
    missed = []
    if summary["failures"]:
        missed.append(f"{summary['failures']} failed requests")
    p95 = summary["latency_ms"]["API total (excl. LLM)"]["p95"]
    if p95 >= P95_TARGET_MS:
        missed.append(f"API p95 {p95:.0f} ms >= {P95_TARGET_MS:.0f} ms")
    for key in ("lost", "duplicated"):
        if summary["jobs"][key]:
            missed.append(f"{summary['jobs'][key]} {key}")
    return missed


def format_table(summary: dict[str, Any]) -> str:
    lines = [
        f"backend {summary['backend']}, {summary['users']} users "
        f"(spawn {summary['spawn_rate']}/s), {summary['duration_s']} s",
        f"{'endpoint':<58} {'p50':>8} {'p95':>8} {'p99':>8}",
    ]
    for name, latency in summary["latency_ms"].items():
        lines.append(
            f"{name:<58} {latency['p50']:>8.0f} {latency['p95']:>8.0f} {latency['p99']:>8.0f}"
        )
    jobs = summary["jobs"]
    cpu = summary["cpu"]
    enqueue_rps = summary["enqueue_vs_baseline_ratio"] * summary["baseline"]["rps"]
    lines += [
        f"requests {summary['requests']}, failures {summary['failures']}, {summary['rps']} req/s",
        f"jobs: accepted {jobs['accepted']}, done {jobs['done']}, failed {jobs['failed']}, "
        f"lost {jobs['lost']}, duplicated {jobs['duplicated']}; drain {summary['drain_s']} s; "
        f"worker {summary['worker_jobs_per_s']} jobs/s",
        f"baseline (bare FastAPI): {summary['baseline']['rps']} req/s, "
        f"p95 {summary['baseline']['p95_ms']:.0f} ms; enqueue endpoint at saturation "
        f"{enqueue_rps:.0f} req/s = {summary['enqueue_vs_baseline_ratio']} x baseline",
        f"cpu: box busy {cpu['box_busy_percent']}% of {cpu['cores']} cores; "
        + ", ".join(f"{name} {seconds} s" for name, seconds in cpu["process_cpu_s"].items()),
    ]
    missed = missed_targets(summary)
    lines.append("targets: met" if not missed else "targets: MISSED (" + "; ".join(missed) + ")")
    return "\n".join(lines)


def _label(entry: dict[str, Any]) -> str:
    return f"{entry['method']} {entry['name']}"


def _enqueue_entry(stats: dict[str, Any]) -> dict[str, Any]:
    for entry in stats["endpoints"]:
        if entry["method"] == "POST" and entry["name"].endswith("/messages"):
            return dict(entry)
    return {"rps": 0.0}
