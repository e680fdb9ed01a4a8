"""Local monitoring: Debian's Prometheus and AlertManager on loopback, with the production rules.

`uv run nox -s monitoring` (or `python -m observability.monitoring --help`) scrapes the local API
(`/metrics` on port 8000) and worker (port 9101), evaluates observability/rules, routes alerts
through AlertManager to a webhook that prints them here, and prints the URLs. Ctrl-C stops it all.
"""

import argparse
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from observability.alerting import RULES_FILE, local_config
from observability.webhook import start_receiver

HOST = "127.0.0.1"
READY_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Options:
    api_target: str
    worker_target: str
    prometheus_port: int
    alertmanager_port: int
    webhook_port: int
    scrape_interval: str
    data_dir: Path


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-target", default=f"{HOST}:8000", help="host:port of the API")
    parser.add_argument("--worker-target", default=f"{HOST}:9101", help="host:port of the worker")
    parser.add_argument("--prometheus-port", type=int, default=9090)
    parser.add_argument("--alertmanager-port", type=int, default=9093)
    parser.add_argument("--webhook-port", type=int, default=9095)
    parser.add_argument("--scrape-interval", default="15s")
    parser.add_argument("--data-dir", type=Path, default=Path(".aira/monitoring"))
    args = parser.parse_args(argv)
    return Options(**{key.replace("-", "_"): value for key, value in vars(args).items()})


def prometheus_config(options: Options) -> dict[str, Any]:
    return {
        "global": {
            "scrape_interval": options.scrape_interval,
            "evaluation_interval": options.scrape_interval,
        },
        "rule_files": [str(RULES_FILE.resolve())],
        "alerting": {
            "alertmanagers": [
                {"static_configs": [{"targets": [f"{HOST}:{options.alertmanager_port}"]}]}
            ]
        },
        "scrape_configs": [
            {"job_name": "aira-api", "static_configs": [{"targets": [options.api_target]}]},
            {"job_name": "aira-worker", "static_configs": [{"targets": [options.worker_target]}]},
        ],
    }


def _binary(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit(f"{names[0]} not found: run scripts/bootstrap.sh (installs Debian's package)")


def _write_yaml(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def prometheus_command(options: Options) -> list[str]:
    config = _write_yaml(options.data_dir / "prometheus.yml", prometheus_config(options))
    return [
        _binary("prometheus"),
        f"--config.file={config}",
        f"--storage.tsdb.path={options.data_dir / 'prometheus-data'}",
        f"--web.listen-address={HOST}:{options.prometheus_port}",
    ]


def alertmanager_command(options: Options) -> list[str]:
    webhook_url = f"http://{HOST}:{options.webhook_port}/alerts"
    config = _write_yaml(options.data_dir / "alertmanager.yml", local_config(webhook_url))
    return [
        _binary("prometheus-alertmanager", "alertmanager"),
        f"--config.file={config}",
        f"--storage.path={options.data_dir / 'alertmanager-data'}",
        f"--web.listen-address={HOST}:{options.alertmanager_port}",
        # A single local instance: no gossip port on every interface.
        "--cluster.listen-address=",
    ]


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit(f"{url} not ready after {READY_TIMEOUT_SECONDS:.0f}s")


def alerts_page(prometheus_url: str) -> str:
    """Debian's build serves the classic web UI under /classic; upstream builds at the root."""
    classic = f"{prometheus_url}/classic/alerts"
    try:
        with urllib.request.urlopen(classic, timeout=2) as response:
            return classic if response.status == 200 else f"{prometheus_url}/alerts"
    except urllib.error.URLError:
        return f"{prometheus_url}/alerts"


def _start(stack: ExitStack, command: list[str], log: Path) -> subprocess.Popen[bytes]:
    output = stack.enter_context(log.open("ab"))
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    return process


def run(options: Options) -> None:
    with ExitStack() as stack:
        webhook = start_receiver(HOST, options.webhook_port)
        stack.callback(webhook.shutdown)
        alertmanager = _start(
            stack, alertmanager_command(options), options.data_dir / "alertmanager.log"
        )
        prometheus = _start(stack, prometheus_command(options), options.data_dir / "prometheus.log")
        prometheus_url = f"http://{HOST}:{options.prometheus_port}"
        alertmanager_url = f"http://{HOST}:{options.alertmanager_port}"
        wait_ready(f"{alertmanager_url}/-/ready", alertmanager)
        wait_ready(f"{prometheus_url}/-/ready", prometheus)
        print(
            f"Prometheus:   {prometheus_url}  (alerts: {alerts_page(prometheus_url)})", flush=True
        )
        print(f"AlertManager: {alertmanager_url}", flush=True)
        print(
            f"Scraping API {options.api_target} and worker {options.worker_target}; "
            f"logs in {options.data_dir}. Ctrl-C stops.",
            flush=True,
        )
        while prometheus.poll() is None and alertmanager.poll() is None:
            time.sleep(0.5)
        raise SystemExit("a monitoring process exited; see its log in " + str(options.data_dir))


def main(argv: list[str] | None = None) -> None:
    # SIGTERM (e.g. from a supervisor) stops the servers as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run(parse_options(argv))
    except KeyboardInterrupt:
        print("monitoring stopped", file=sys.stderr)


if __name__ == "__main__":
    main()
