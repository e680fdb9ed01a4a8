"""The whole platform as real processes for the browser tests: `aira-api` (serving the built web
app) and `aira-worker` on SQLite with the local queue, answering through a local server that
speaks the OpenAI streaming API."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.openai_server import running_openai_server
from tests.web.npm import WEB_DIR

BIN_DIR = Path(sys.executable).parent
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class Platform:
    base_url: str
    llm_url: str
    logs: tuple[Path, ...]

    def log_tail(self, chars: int = 4000) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}" for log in self.logs
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_platform(data_dir: Path, *, offline: bool = False) -> Iterator[Platform]:
    """The platform on a free port; `offline` leaves the LLM unset (the offline responder)."""
    with running_openai_server(latency=1.0) as llm, ExitStack() as stack:
        port = free_port()
        llm_env = {"OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "test-key"}
        env = {
            **{k: v for k, v in os.environ.items() if k not in llm_env},
            **({} if offline else llm_env),
            "AIRA_ENV": "test",
            "AIRA_HOST": "127.0.0.1",
            "AIRA_PORT": str(port),
            "AIRA_DATA_DIR": str(data_dir),
            "AIRA_QUEUE_URL": "local",
            "AIRA_WEB_DIST": str(WEB_DIR / "dist"),
            # No fixed metrics port: other platforms may run on this machine at the same time.
            "AIRA_WORKER_METRICS_PORT": "0",
        }
        env.pop("AIRA_DATABASE_URL", None)
        base_url = f"http://127.0.0.1:{port}"
        api_log, worker_log = data_dir / "api.log", data_dir / "worker.log"
        stack.enter_context(_process("aira-api", env, api_log))
        _wait_until_ready(base_url, api_log)
        stack.enter_context(_process("aira-worker", env, worker_log))
        yield Platform(base_url=base_url, llm_url=llm.root_url, logs=(api_log, worker_log))


@contextmanager
def _process(name: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN_DIR / name)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"aira-api did not become ready:\n{log.read_text(errors='replace')[-4000:]}")
