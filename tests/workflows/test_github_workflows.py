"""The CI/CD workflows: valid for actionlint, and wired the way the deployment needs."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = str(Path(sys.executable).parent / "actionlint")


def _load(name: str) -> dict:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the `on:` key as the boolean True.
    document["on"] = document.pop(True)
    return document


def _steps(job: dict, uses_prefix: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(uses_prefix)]


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ACTIONLINT, "-no-color", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_actionlint_accepts_every_workflow():
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert [p.name for p in paths] == ["ci.yml", "deploy.yml", "preview.yml"]
    result = _lint(*paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nonexistent_context }}\n"
        "      - uses: actions/checkout@v5\n        with:\n          no-such-input: 1\n"
    )
    result = _lint(broken)
    assert result.returncode != 0
    assert "no-such-input" in result.stdout


def test_ci_tests_everything_caches_mypy_and_plans_both_stacks():
    job = _load("ci.yml")["jobs"]["test"]
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    assert "scripts/test" in commands
    assert "nox -s plan" in commands and "for stack in dev prod" in commands
    caches = [step["with"]["path"] for step in _steps(job, "actions/cache@")]
    assert ".mypy_cache" in caches


def test_preview_runs_per_stack_with_the_policy_pack_and_comments():
    workflow = _load("preview.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["permissions"]["pull-requests"] == "write"
    job = workflow["jobs"]["preview"]
    assert job["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    (credentials,) = _steps(job, "aws-actions/configure-aws-credentials@")
    assert "role-to-assume" in credentials["with"]
    (pulumi,) = _steps(job, "pulumi/actions@")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["stack-name"] == "${{ matrix.stack }}"
    assert pulumi["with"]["policyPacks"] == "policies"
    assert pulumi["with"]["comment-on-pr"] is True


@pytest.mark.parametrize(("stack", "environment"), [("dev", "dev"), ("prod", "prod")])
def test_deploy_updates_each_stack_in_its_environment(stack, environment):
    workflow = _load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    job = workflow["jobs"][stack]
    assert job["environment"] == environment
    (pulumi,) = _steps(job, "pulumi/actions@")
    assert (pulumi["with"]["command"], pulumi["with"]["stack-name"]) == ("up", stack)
    assert pulumi["with"]["policyPacks"] == "policies"


def test_prod_deploys_only_after_dev():
    assert _load("deploy.yml")["jobs"]["prod"]["needs"] == "dev"
