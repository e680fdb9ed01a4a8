"""The Console page in headless chromium against the real platform: an admin made with
`aira-admin` finds it and sees the queue; a member neither sees the link nor the page."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.web.npm import WEB_DIR, npm_run
from tests.web.platform import running_platform

CHROMIUM = Path("/usr/bin/chromium")
AIRA_ADMIN = str(Path(sys.executable).parent / "aira-admin")
PASSWORD = "console-admin-42"


def _built_web_app() -> None:
    """dist/ as the API serves it, rebuilt when older than the sources."""
    fresh = subprocess.run(["node", "scripts/dist-is-fresh.mjs"], cwd=WEB_DIR, check=False)
    if fresh.returncode != 0:
        npm_run("build")


def _admin(base_url: str, data_dir: Path) -> str:
    email = f"operator-{uuid.uuid4().hex[:8]}@example.com"
    created = httpx.post(
        f"{base_url}/api/auth/register", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert created.status_code == 201, created.text
    env = {**os.environ, "AIRA_DATA_DIR": str(data_dir), "AIRA_ENV": "test"}
    env.pop("AIRA_DATABASE_URL", None)
    granted = subprocess.run(
        [AIRA_ADMIN, "grant", email], env=env, capture_output=True, text=True, timeout=60
    )
    assert granted.returncode == 0, granted.stderr
    return email


@pytest.mark.timeout(600)
def test_console_in_the_browser(tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/test (it installs it)"
    _built_web_app()
    data_dir = tmp_path / "platform"
    data_dir.mkdir()
    with running_platform(data_dir) as platform:
        email = _admin(platform.base_url, data_dir)
        try:
            npm_run(
                "e2e",
                "console.spec.ts",
                env={
                    "AIRA_E2E_BASE_URL": platform.base_url,
                    "AIRA_E2E_LLM_URL": platform.llm_url,
                    "AIRA_SCREENSHOT_DIR": str(tmp_path / "screenshots"),
                    "AIRA_E2E_ADMIN_EMAIL": email,
                    "AIRA_E2E_ADMIN_PASSWORD": PASSWORD,
                    "CHROMIUM_PATH": str(CHROMIUM),
                },
            )
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{platform.log_tail()}") from None
    assert (tmp_path / "screenshots" / "20-console-desktop.png").is_file()
