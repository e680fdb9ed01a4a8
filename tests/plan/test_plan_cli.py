"""The offline plan command: printed tree, JSON for policies, Mermaid diagram, config errors."""

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.plan.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev_outputs(tmp_path_factory):
    """Run the command once for dev with --json and --diagram; keep what it printed and wrote."""
    directory = tmp_path_factory.mktemp("plan")
    json_path, diagram_path = directory / "plan.json", directory / "plan.mmd"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["dev", "--json", str(json_path), "--diagram", str(diagram_path)])
    return {
        "status": status,
        "text": printed.getvalue(),
        "plan": json.loads(json_path.read_text()),
        "diagram": diagram_path.read_text(),
    }


def test_prints_the_tree_counts_and_exports(dev_outputs):
    text = dev_outputs["text"]
    assert dev_outputs["status"] == 0
    assert "== Resources ==" in text
    assert "└─ pulumi:pulumi:Stack  aira-dev" in text
    assert "aira:queue:JobQueue  aira-jobs" in text
    assert "aws:sqs/queue:Queue  aira-jobs  (fifoQueue=true" in text
    assert "== Counts by type ==" in text
    assert "== Exports ==" in text
    assert "https://dev.aira.example.com" in text


def test_json_has_the_contract_shape_with_analyzer_inputs(dev_outputs):
    plan = dev_outputs["plan"]
    assert set(plan) == {"stack", "resources", "exports"}
    assert plan["stack"] == "dev"
    for resource in plan["resources"]:
        assert set(resource) == {"urn", "type", "name", "parent", "inputs"}
        assert resource["urn"].startswith("urn:pulumi:dev::aira::")
    queue = next(r for r in plan["resources"] if r["name"] == "aira-jobs" and "sqs" in r["type"])
    assert queue["inputs"]["visibilityTimeoutSeconds"] == 60.0
    assert queue["parent"].endswith("aira:queue:JobQueue::aira-jobs")
    key = next(
        r
        for r in plan["resources"]
        if r["name"] == "aira-openai-api-key"
        and r["type"] == "aws:secretsmanager/secretVersion:SecretVersion"
    )
    assert key["inputs"]["secretString"] == "plan-placeholder-secret"


def test_diagram_shows_edge_services_queue_database_and_network(dev_outputs):
    diagram = dev_outputs["diagram"]
    assert diagram.startswith("flowchart LR\n")
    for fragment in (
        'subgraph edge["Edge"]',
        'subgraph network["VPC: 2 AZs, NAT Single"]',
        'aira_api["aira-api, 1-2 tasks"]',
        "aira_jobs -.->|after 5 receives| aira_jobs_dlq",
        'db[("RDS MySQL 8.0 db.t4g.micro")]',
        "alb --> aira_api",
        "aira_worker --> aira_jobs",
        "aira_worker -->|HTTPS via NAT| openai",
    ):
        assert fragment in diagram


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["dev", "--set", "natGateways=none"], "error: aira:natGateways: 'none'"),
        (["staging"], "error: unknown stack 'staging'"),
        (["dev", "--set", "natGateways"], "error: --set expects KEY=VALUE"),
    ],
)
def test_bad_input_exits_2_with_one_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_real_command_exits_non_zero_on_invalid_config():
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.plan", "prod", "--set", "aira:apiMinTasks=20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert (
        completed.stderr.strip() == "error: aira:apiMinTasks: 20 is greater than apiMaxTasks (10)"
    )
