"""The end-to-end journey in headless chromium against the real platform (see apps/web/e2e)."""

import subprocess
from pathlib import Path

import pytest

from tests.web.npm import WEB_DIR, npm_run
from tests.web.platform import Platform, running_platform

REPO_ROOT = WEB_DIR.parents[1]
SCREENSHOT_DIR = REPO_ROOT / "reports" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def built_web_app() -> Path:
    """dist/ as the API serves it, rebuilt when older than the sources."""
    fresh = subprocess.run(["node", "scripts/dist-is-fresh.mjs"], cwd=WEB_DIR, check=False)
    if fresh.returncode != 0:
        npm_run("build")
    return WEB_DIR / "dist"


def run_specs(spec: str, platform: Platform) -> None:
    """Run one Playwright spec file against `platform`, with its logs in any failure."""
    try:
        npm_run(
            "e2e",
            spec,
            env={
                "AIRA_E2E_BASE_URL": platform.base_url,
                "AIRA_E2E_LLM_URL": platform.llm_url,
                "AIRA_SCREENSHOT_DIR": str(SCREENSHOT_DIR),
                "CHROMIUM_PATH": str(CHROMIUM),
            },
        )
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{platform.log_tail()}") from None


@pytest.fixture(scope="module")
def screenshot_dir() -> Path:
    """An empty reports/screenshots/ for this run's pictures."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOT_DIR.glob("*.png"):
        old.unlink()
    return SCREENSHOT_DIR


@pytest.fixture
def browser_ready(built_web_app: Path, screenshot_dir: Path) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/test (it installs it)"


@pytest.mark.timeout(600)
@pytest.mark.usefixtures("browser_ready")
def test_user_journey_in_the_browser(tmp_path: Path) -> None:
    with running_platform(tmp_path) as platform:
        run_specs("journey.spec.ts", platform)


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("browser_ready")
def test_offline_responder_is_announced(tmp_path: Path) -> None:
    with running_platform(tmp_path, offline=True) as platform:
        run_specs("offline.spec.ts", platform)
