"""The root Dockerfile AppImage builds: stages, targets, non-root users, exec-form entrypoints."""

import json
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(ROOT / "Dockerfile"))


def _stages(dockerfile: DockerfileParser) -> dict[str, list[dict]]:
    """Instructions by stage name (comments and parser directives before the first FROM dropped)."""
    stages: dict[str, list[dict]] = {}
    current: str | None = None
    for instruction in dockerfile.structure:
        if instruction["instruction"] == "FROM":
            current = instruction["value"].split(" AS ")[-1].strip()
            stages[current] = []
        if current is not None:
            stages[current].append(instruction)
    return stages


def _values(stage: list[dict], instruction: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == instruction]


def test_stages_are_web_base_api_worker(dockerfile):
    assert list(_stages(dockerfile)) == ["web", "base", "api", "worker"]
    assert _values(_stages(dockerfile)["api"], "FROM") == ["base AS api"]
    assert _values(_stages(dockerfile)["worker"], "FROM") == ["base AS worker"]


def test_web_stage_builds_the_app_from_its_lock_file(dockerfile):
    runs = " && ".join(_values(_stages(dockerfile)["web"], "RUN"))
    assert "npm ci" in runs
    assert "npm run build" in runs


def test_base_installs_the_locked_runtime_dependencies_only(dockerfile):
    runs = _values(_stages(dockerfile)["base"], "RUN")
    assert runs and all("uv sync --frozen --no-dev" in run for run in runs)
    assert all("--package aira-api --package aira-worker" in run for run in runs)


@pytest.mark.parametrize(("target", "command"), [("api", "aira-api"), ("worker", "aira-worker")])
def test_targets_run_as_non_root_with_exec_form_entrypoints(dockerfile, target, command):
    stage = _stages(dockerfile)[target]
    users = _values(stage, "USER")
    assert users and users[-1] not in ("root", "0")
    (entrypoint,) = _values(stage, "ENTRYPOINT")
    assert json.loads(entrypoint) == [command]


def test_api_serves_the_web_build(dockerfile):
    stage = _stages(dockerfile)["api"]
    assert "--from=web /src/apps/web/dist /app/apps/web/dist" in _values(stage, "COPY")
    assert any("AIRA_WEB_DIST=/app/apps/web/dist" in env for env in _values(stage, "ENV"))
    assert _values(stage, "EXPOSE") == ["8000"]


def test_every_copied_path_exists_in_the_repository(dockerfile):
    for instruction in dockerfile.structure:
        if instruction["instruction"] != "COPY" or instruction["value"].startswith("--from"):
            continue
        *sources, _destination = instruction["value"].split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY source {source} is missing"


def test_dockerignore_keeps_local_state_out_of_the_context():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for pattern in ("**/.venv", "**/node_modules", "**/.git", "apps/web/dist", "**/.aira"):
        assert pattern in ignored
