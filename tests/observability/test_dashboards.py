"""Dashboards are generated from code, query only exported metrics and parse as PromQL."""

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml

from observability.catalog import METRICS, known_series_names, series_names_in
from observability.grafana import DASHBOARD_DIR, DASHBOARDS, dashboard_json, expressions

Tool = Callable[..., CompletedProcess[str]]


def _documents() -> dict[str, dict]:
    return {name: json.loads(dashboard_json(board)) for name, board in DASHBOARDS.items()}


def test_committed_dashboards_match_the_code() -> None:
    committed = {path.stem for path in DASHBOARD_DIR.glob("*.json")}
    assert committed == set(DASHBOARDS)
    for name, board in DASHBOARDS.items():
        on_disk = (DASHBOARD_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert on_disk == dashboard_json(board), "run `uv run python -m observability.grafana`"


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_panel_queries_exported_metrics(name: str) -> None:
    document = _documents()[name]
    for panel in document["panels"]:
        assert panel["targets"], f"panel {panel['title']!r} has no query"
        assert panel["datasource"] == "${datasource}"
        for target in panel["targets"]:
            used = series_names_in(target["expr"])
            assert used, f"{panel['title']!r} reads no Aira metric"
            assert used <= known_series_names(), sorted(used - known_series_names())


def test_every_exported_metric_is_on_a_dashboard() -> None:
    used = set().union(
        *(series_names_in(expr) for doc in _documents().values() for expr in expressions(doc))
    )
    unseen = [m.name for m in METRICS if not used & set(m.series_names)]
    assert not unseen


def test_every_query_is_valid_promql(promtool: Tool, tmp_path: Path) -> None:
    """promtool parses each query as a recording rule: a typo fails here, not on a live board."""
    rules = [
        {"record": f"aira:dashboard_query_{number}", "expr": expr}
        for number, expr in enumerate(
            expr for doc in _documents().values() for expr in expressions(doc)
        )
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "queries", "rules": rules}]}))
    result = promtool("check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr
