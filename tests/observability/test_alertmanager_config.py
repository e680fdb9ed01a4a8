"""Both AlertManager configurations are valid and route each severity to its own receiver."""

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml

from observability.alerting import amp_alert_manager_definition, local_config, sns_config

Tool = Callable[..., CompletedProcess[str]]

TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:aira-alerts"


def _write(tmp_path: Path, config: dict) -> Path:
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "config",
    [local_config("http://127.0.0.1:9095/alerts"), sns_config(TOPIC_ARN, "eu-west-1")],
    ids=["local", "sns"],
)
def test_amtool_accepts_the_config(amtool: Tool, tmp_path: Path, config: dict) -> None:
    result = amtool("check-config", _write(tmp_path, config))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("severity", ["critical", "warning"])
def test_each_severity_reaches_its_receiver(amtool: Tool, tmp_path: Path, severity: str) -> None:
    path = _write(tmp_path, local_config("http://127.0.0.1:9095/alerts"))
    result = amtool("config", "routes", "test", f"--config.file={path}", f"severity={severity}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == severity


def test_local_receivers_post_to_the_webhook() -> None:
    receivers = {r["name"]: r for r in local_config("http://127.0.0.1:9095/alerts/")["receivers"]}
    url = receivers["critical"]["webhook_configs"][0]["url"]
    assert url == "http://127.0.0.1:9095/alerts/critical"


def test_amp_definition_publishes_every_severity_to_the_topic() -> None:
    document = yaml.safe_load(amp_alert_manager_definition(TOPIC_ARN, "eu-west-1"))
    config = yaml.safe_load(document["alertmanager_config"])
    for receiver in config["receivers"]:
        (sns,) = receiver["sns_configs"]
        assert sns["topic_arn"] == TOPIC_ARN
        assert sns["sigv4"] == {"region": "eu-west-1"}
        assert sns["attributes"] == {"severity": receiver["name"]}
