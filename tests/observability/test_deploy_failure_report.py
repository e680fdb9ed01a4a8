"""A failed deploy is reported: GitHub notifies the pusher; a Slack webhook, when set, the team."""

import shutil
import subprocess
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "deploy.yml"


def _report_job() -> dict:
    return yaml.safe_load(DEPLOY.read_text(encoding="utf-8"))["jobs"]["report-failure"]


def test_the_report_runs_when_either_deploy_fails() -> None:
    job = _report_job()
    assert job["needs"] == ["dev", "prod"]
    assert job["if"] == "failure()"


def test_slack_is_optional_and_the_webhook_stays_a_secret() -> None:
    job = _report_job()
    assert job["env"]["SLACK_WEBHOOK_URL"] == "${{ secrets.SLACK_WEBHOOK_URL }}"
    (step,) = job["steps"]
    assert step["if"] == "env.SLACK_WEBHOOK_URL != ''"
    assert '"$SLACK_WEBHOOK_URL"' in step["run"]
    assert "RUN_URL" in step["run"]


def test_the_report_script_is_valid_shell() -> None:
    (step,) = _report_job()["steps"]
    bash = shutil.which("bash")
    assert bash is not None
    checked = subprocess.run([bash, "-n"], input=step["run"], text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr
