"""The platform as real processes, observed the way operators observe it: `aira-api` (two uvicorn
processes) and `aira-worker` on SQLite with the local queue, answering through the OpenAI-speaking
test server, exporting spans over OTLP to a collector of the test, logging to files."""

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

from tests.support.openai_server import OpenAIServerControl, running_openai_server

BIN_DIR = Path(sys.executable).parent
START_TIMEOUT_S = 60
# Configured as the worker's OpenAI key: it must never appear in a log line.
OPENAI_KEY = "sk-observability-test-0123456789abcdef"


@dataclass(frozen=True)
class ObservedPlatform:
    api_url: str
    worker_metrics_url: str
    llm: OpenAIServerControl
    api_log: Path
    worker_log: Path

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}"
            for log in (self.api_log, self.worker_log)
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def observed_platform(data_dir: Path, otlp_endpoint: str) -> Iterator[ObservedPlatform]:
    with running_openai_server(latency=0.3) as llm, ExitStack() as stack:
        api_port, metrics_port = free_port(), free_port()
        env = {
            **os.environ,
            "AIRA_ENV": "test",
            "AIRA_HOST": "127.0.0.1",
            "AIRA_PORT": str(api_port),
            "AIRA_API_WORKERS": "2",
            "AIRA_DATA_DIR": str(data_dir),
            "AIRA_QUEUE_URL": "local",
            "AIRA_WEB_DIST": str(data_dir / "no-web-build"),
            "AIRA_WORKER_METRICS_PORT": str(metrics_port),
            "AIRA_WORKER_RECEIVE_WAIT_SECONDS": "1",
            "AIRA_WORKER_STATS_INTERVAL_SECONDS": "1",
            "AIRA_WORKER_BACKOFF_BASE_SECONDS": "0",
            "OPENAI_BASE_URL": llm.base_url,
            "OPENAI_API_KEY": OPENAI_KEY,
            "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }
        for name in ("AIRA_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "OTEL_SDK_DISABLED"):
            env.pop(name, None)
        api_url = f"http://127.0.0.1:{api_port}"
        api_log, worker_log = data_dir / "api.log", data_dir / "worker.log"
        stack.enter_context(_process("aira-api", env, api_log))
        _wait_until_ready(f"{api_url}/readyz", api_log)
        stack.enter_context(_process("aira-worker", env, worker_log))
        worker_metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        _wait_until_ready(worker_metrics_url, worker_log)
        yield ObservedPlatform(api_url, worker_metrics_url, llm.control, api_log, worker_log)


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
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready:\n{log.read_text(errors='replace')[-4000:]}")
