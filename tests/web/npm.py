"""Running the web app's npm scripts from pytest, with their output in the failure message."""

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parents[2] / "apps" / "web"


def npm_run(
    script: str, *args: str, env: Mapping[str, str] | None = None, timeout: float = 600
) -> str:
    """Run `npm run <script>` in apps/web; fail the test with the script's output if it fails."""
    npm = shutil.which("npm")
    assert npm is not None, "npm is missing: run scripts/test (its bootstrap installs Node)"
    assert (WEB_DIR / "node_modules").is_dir(), "apps/web/node_modules is missing: run scripts/test"
    command = [npm, "run", "--silent", script, *(["--", *args] if args else [])]
    result = subprocess.run(
        command,
        cwd=WEB_DIR,
        env={**os.environ, "CI": "1", "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, (
        f"npm run {script} failed ({result.returncode}):\n{output[-20000:]}"
    )
    return output
