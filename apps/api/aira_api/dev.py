"""`aira-dev`: the whole platform on one machine with the embedded defaults.

Builds the web app when its build is missing or stale (and npm is available), applies the
migrations, then runs `aira-api` and `aira-worker` as child processes with this environment:
SQLite under the data dir, the local queue, and the offline responder unless OPENAI_API_KEY is
set. Ctrl-C or SIGTERM stops both cleanly; if either exits on its own, the other is stopped too.
"""

import logging
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

from aira_core.db import create_db_engine
from aira_core.migrate import migrate
from aira_core.settings import Settings, SettingsError, load_settings

log = logging.getLogger("aira-dev")

STOP_GRACE_SECONDS = 30  # the worker gets 20 s to finish jobs in flight
READY_TIMEOUT_SECONDS = 60


def run() -> None:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"aira-dev: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    build_web_app(settings.web_dist)
    engine = create_db_engine(settings.sqlalchemy_url)
    migrate(engine)
    engine.dispose()
    raise SystemExit(supervise(settings))


def build_web_app(dist: Path) -> None:
    """Rebuild `dist` when it is older than the web app's sources (npm decides: check:dist)."""
    web = dist.parent
    npm = shutil.which("npm")
    if not (web / "package.json").is_file():
        return
    if npm is None:
        log.warning("npm not found: serving %s as it is", dist)
        return
    fresh = subprocess.run([npm, "run", "--silent", "check:dist"], cwd=web, check=False)
    if fresh.returncode == 0:
        return
    log.info("building the web app in %s", web)
    steps = [] if (web / "node_modules").is_dir() else [[npm, "ci"]]
    for step in [*steps, [npm, "run", "build"]]:
        if subprocess.run(step, cwd=web, check=False).returncode != 0:
            log.error("%s failed: the API starts without a fresh web build", " ".join(step))
            return


def supervise(settings: Settings) -> int:
    """Run API and worker until a signal or until one of them exits; returns the exit code."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    children = {name: _start(name) for name in ("aira-api", "aira-worker")}
    url = f"http://{settings.host}:{settings.port}"
    if _wait_until_ready(f"{url}/healthz", children, stop):
        responder = "offline responder" if settings.offline else f"model {settings.llm_model}"
        print(f"\n  Aira is running on {url}  ({responder}; Ctrl-C stops it)\n", flush=True)
    crashed = None
    while not stop.is_set() and crashed is None:
        crashed = next((n for n, p in children.items() if p.poll() is not None), None)
        stop.wait(0.5)
    if crashed is not None:
        log.error("%s exited with %s: stopping the platform", crashed, children[crashed].returncode)
    _stop_all(children)
    return 1 if crashed is not None else 0


def _start(name: str) -> subprocess.Popen[bytes]:
    # A session of its own: a Ctrl-C in the terminal reaches only this supervisor, which then
    # stops each child exactly once.
    return subprocess.Popen([_console_script(name)], start_new_session=True)


def _console_script(name: str) -> str:
    beside_python = Path(sys.executable).with_name(name)
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"aira-dev: {name} is not installed (run `uv sync --all-packages`)")
    return found


def _wait_until_ready(
    url: str, children: dict[str, subprocess.Popen[bytes]], stop: threading.Event
) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not stop.is_set():
        if any(child.poll() is not None for child in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        stop.wait(0.3)
    return False


def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop within %ss: killing it", name, STOP_GRACE_SECONDS)
            child.kill()
            child.wait()
    log.info("stopped")
