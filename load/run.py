"""The load run: `uv run nox -s load -- [--users N] [--spawn-rate R] [--duration T]
[--backend local|mysql|sqs]`.

One run, in order: the bare-FastAPI baseline (closed loop), the platform under the seed's scenario,
the drain, the enqueue endpoint at saturation (closed loop), the database audit. Writes
reports/load/<timestamp>/ (Locust HTML reports, summary.json) and prints the table. `--users`
takes a comma-separated list to find the largest user count that still meets the targets.
`--backend sqs` runs the SQS adapter's throughput run against moto instead (load/sqs_throughput.py).
Exits 1 when a run missed a target.
"""

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aira_api.security import create_access_token
from aira_core.models import User
from sqlalchemy import select
from sqlmodel import Session

from load import sqs_throughput
from load.cpu import CpuMeter, PidSource, mariadb_pid
from load.integrity import audit, drain, throughput
from load.locust_runner import LocustRun
from load.network import free_port, wait_http
from load.platform import (
    ACCOUNT_PASSWORD,
    ACCOUNT_PREFIX,
    Platform,
    PlatformConfig,
    running_platform,
)
from load.processes import Service
from load.summary import RunFigures, build_summary, format_table, missed_targets

PROBE_USERS = 32


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="2000", help="users, or a comma-separated list")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument("--duration", type=int, default=360, help="seconds of load (with ramp)")
    parser.add_argument("--backend", choices=["local", "mysql", "sqs"], default="local")
    parser.add_argument("--llm-latency", type=float, default=2.0, help="seconds per answer")
    parser.add_argument("--api-workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--worker-processes", type=int, default=1)
    parser.add_argument("--worker-concurrency", type=int, default=512, help="jobs per worker")
    parser.add_argument("--story-share", type=float, default=0.1)
    parser.add_argument("--probe-duration", type=int, default=20, help="baseline/enqueue probes")
    parser.add_argument("--drain-timeout", type=int, default=900)
    parser.add_argument("--reports", type=Path, default=Path("reports/load"))
    args, rest = parser.parse_known_args(argv)
    if rest and args.backend != "sqs":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.sqs_options = rest  # --messages, --producers, --consumers, --groups
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.backend == "sqs":
        return sqs_throughput.main([*args.sqs_options, "--reports", str(args.reports)])
    met = []
    for users in (int(value) for value in args.users.split(",")):
        summary = run_once(args, users)
        missed = missed_targets(summary)
        if not missed:
            met.append(users)
    if len(args.users.split(",")) > 1:
        largest = max(met) if met else "none"
        print(f"largest user count meeting every target on {args.backend}: {largest}")
    return 0 if len(met) == len(args.users.split(",")) else 1


def run_once(args: argparse.Namespace, users: int) -> dict[str, Any]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = args.reports / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    print(f"load run: {users} users on {args.backend}; report in {run_dir}", flush=True)
    baseline = measure_baseline(run_dir, args)
    config = PlatformConfig(
        backend=args.backend,
        run_dir=run_dir / "platform",
        accounts=max(users, PROBE_USERS),
        llm_latency=args.llm_latency,
        api_workers=args.api_workers,
        worker_processes=args.worker_processes,
        worker_concurrency=args.worker_concurrency,
    )
    with running_platform(config) as platform:
        scenario = LocustRun(
            "scenario",
            "ChatUser",
            platform.api_url,
            users,
            args.spawn_rate,
            args.duration,
            run_dir,
            (*account_options(config.accounts), "--story-share", str(args.story_share)),
        )
        locust = scenario.service()
        meter = CpuMeter(
            {
                **{service.name: pid_of(service) for service in platform.services()},
                "locust": pid_of(locust),
                "mariadbd (shared)": mariadb_pid,
            }
        )
        with sampling(meter):
            locust.start()
            results = scenario.wait(locust)
            print("scenario finished; draining the queue", flush=True)
            drain_s = drain(platform.engine, args.drain_timeout)
            jobs_per_s = throughput(platform.engine)
        cpu = meter.result()
        enqueue = LocustRun(
            "enqueue",
            "EnqueueUser",
            platform.api_url,
            PROBE_USERS,
            PROBE_USERS,
            args.probe_duration,
            run_dir,
            (*account_options(config.accounts), "--tokens-file", str(probe_tokens(platform))),
        )
        enqueue_results = enqueue.wait(enqueue.service().start())
        drain(platform.engine, args.drain_timeout)
        accepted = {
            kind: results["accepted"][kind] + enqueue_results["accepted"][kind]
            for kind in ("chat", "story")
        }
        job_audit = audit(platform.engine, accepted)
    figures = RunFigures(
        users=users,
        spawn_rate=args.spawn_rate,
        duration_s=args.duration,
        backend=args.backend,
        scenario=results["stats"],
        jobs=job_audit.as_summary(),
        drain_s=drain_s,
        worker_jobs_per_s=jobs_per_s,
        baseline=baseline,
        enqueue=enqueue_results["stats"],
        cpu=cpu,
    )
    summary = build_summary(figures)
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    (run_dir / "audit.json").write_text(json.dumps(job_audit.__dict__, indent=2))
    print(format_table(summary), flush=True)
    return summary


def pid_of(service: Service) -> PidSource:
    """The service's current process id (it changes when a fault restarts the service)."""
    return lambda: service.pid if service.process is not None else None


def probe_tokens(platform: Platform) -> Path:
    """Access tokens of the first seeded accounts, signed like the API signs them: the enqueue
    probe measures sending messages, not logging in."""
    with Session(platform.engine) as session:
        ids = session.execute(select(User.id).order_by(User.id).limit(PROBE_USERS)).scalars()
        secret = platform.env["AIRA_JWT_SECRET"]
        tokens = [create_access_token(user_id, secret, 3600) for user_id in ids]
    path = platform.config.run_dir / "probe-tokens.json"
    path.write_text(json.dumps(tokens))
    return path


def account_options(accounts: int) -> tuple[str, ...]:
    return (
        "--accounts",
        str(accounts),
        "--account-prefix",
        ACCOUNT_PREFIX,
        "--account-password",
        ACCOUNT_PASSWORD,
    )


def measure_baseline(run_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The bare FastAPI endpoint, served by uvicorn with the API's worker count."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "load.baseline_app:app",
        "--port",
        str(port),
        "--workers",
        str(args.api_workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = Service("baseline", command, {}, run_dir)
    server.ready = lambda s: wait_http(f"http://127.0.0.1:{port}/ping", 30, s.alive)
    server.start()
    try:
        probe = LocustRun(
            "baseline",
            "BaselineUser",
            f"http://127.0.0.1:{port}",
            PROBE_USERS,
            PROBE_USERS,
            args.probe_duration,
            run_dir,
        )
        stats: dict[str, Any] = probe.wait(probe.service().start())["stats"]
        return stats
    finally:
        server.stop()


@contextmanager
def sampling(meter: CpuMeter, every: float = 2.0) -> Iterator[None]:
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            meter.sample()

    meter.start()
    thread = threading.Thread(target=loop, name="cpu-meter", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


if __name__ == "__main__":
    # SIGTERM unwinds like Ctrl-C, so the services started for the run are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    code = main()
    print(f"done in {time.monotonic() - started:.0f} s")
    sys.exit(code)
