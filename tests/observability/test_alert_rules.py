"""The alert rules are valid, documented, use only exported metrics and pass promtool unit tests."""

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml

from observability.alerting import RULES_FILE, SEVERITIES
from observability.catalog import known_series_names, series_names_in

Tool = Callable[..., CompletedProcess[str]]

RULE_TESTS_FILE = RULES_FILE.with_name("aira-alerts.test.yml")
REQUIRED_ALERTS = {
    "AiraApiHighErrorRatio",
    "AiraApiSlowResponses",
    "AiraDeadLetterQueueNotEmpty",
    "AiraQueueOldestJobTooOld",
    "AiraWorkerHeartbeatMissing",
    "AiraLlmHighErrorRatio",
    "AiraJobHighFailureRatio",
}


def _alerts() -> list[dict]:
    document = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"] if "alert" in rule]


def _rule_tests() -> list[dict]:
    document = yaml.safe_load(RULE_TESTS_FILE.read_text(encoding="utf-8"))
    return [check for test in document["tests"] for check in test["alert_rule_test"]]


def test_promtool_accepts_the_rules(promtool: Tool) -> None:
    result = promtool("check", "rules", RULES_FILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(_alerts())} rules found" in result.stdout


def test_promtool_unit_tests_pass(promtool: Tool) -> None:
    result = promtool("test", "rules", RULE_TESTS_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_threshold_fails_the_unit_tests(promtool: Tool, tmp_path: Path) -> None:
    """The unit tests really pin the thresholds: an alert that never fires is caught."""
    rules = RULES_FILE.read_text(encoding="utf-8").replace("> 0.05", "> 0.5")
    (tmp_path / RULES_FILE.name).write_text(rules, encoding="utf-8")
    (tmp_path / RULE_TESTS_FILE.name).write_text(RULE_TESTS_FILE.read_text(), encoding="utf-8")
    result = promtool("test", "rules", tmp_path / RULE_TESTS_FILE.name)
    assert result.returncode != 0
    assert "AiraApiHighErrorRatio" in result.stdout + result.stderr


def test_every_required_alert_exists() -> None:
    assert {alert["alert"] for alert in _alerts()} == REQUIRED_ALERTS


@pytest.mark.parametrize("alert", _alerts(), ids=lambda alert: alert["alert"])
def test_alert_has_severity_summary_and_runbook(alert: dict) -> None:
    assert alert["labels"]["severity"] in SEVERITIES
    assert alert["annotations"]["summary"].strip()
    assert alert["annotations"]["runbook"].strip()


@pytest.mark.parametrize("alert", _alerts(), ids=lambda alert: alert["alert"])
def test_alert_reads_only_exported_metrics(alert: dict) -> None:
    used = series_names_in(alert["expr"])
    assert used, "an alert must read at least one Aira metric"
    assert used <= known_series_names(), sorted(used - known_series_names())


@pytest.mark.parametrize("name", sorted(REQUIRED_ALERTS))
def test_alert_is_tested_firing_and_quiet(name: str) -> None:
    checks = [check for check in _rule_tests() if check["alertname"] == name]
    assert any(check["exp_alerts"] for check in checks), f"no test where {name} fires"
    assert any(not check["exp_alerts"] for check in checks), f"no test where {name} stays quiet"
