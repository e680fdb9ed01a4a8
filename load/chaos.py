"""The chaos run: faults during sustained load, then proof that nothing was lost or duplicated.

    uv run nox -s chaos -- [--users N] [--backend local|mysql] [--restart-mariadb] [--short]

The platform runs as in production: API, worker, database, SQS (moto's server, reached through a
TCP proxy that can cut it off) and the OpenAI-speaking server. While Locust keeps users chatting,
a timeline of faults plays: the worker SIGKILLed several times, LLM 429 bursts with Retry-After,
500s, stalled streams and an outage, the queue unreachable, the database restarted (MariaDB,
only with `--restart-mariadb`: the server is shared) or stalled. Afterwards:

1. drain: every job reaches a final state; audit: 0 lost, 0 duplicated, every failed job has an
   error code;
2. recover: the dead-letter queue is redriven (`scripts.redrive`: jobs whose receives ran out get
   a new attempt) and every other failed job is retried through the API by its owner;
3. drain and audit again: every job done.

Writes reports/load/<timestamp>-chaos/chaos.json and prints the outcome; exits 1 on any loss,
duplicate, unfinished job, failed job without error code, or job not recovered.
"""

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
from aira_core.models import Conversation, JobStatus, Message, Story, User
from sqlalchemy import Engine, select
from sqlmodel import Session

from load.faults import (
    KillWorker,
    LlmFault,
    LlmOutage,
    MariadbTableLock,
    QueueOutage,
    RestartMariadb,
    SqliteStall,
)
from load.integrity import JobAudit, audit, drain
from load.locust_runner import LocustRun
from load.platform import ACCOUNT_PASSWORD, Platform, PlatformConfig, running_platform
from load.processes import Service
from load.run import account_options
from load.sqs_queues import create_queues, start_moto
from load.tcp_proxy import TcpProxy
from tests.support.openai_server import OpenAIServerControl


class Fault(Protocol):
    def run(self) -> None: ...


@dataclass(frozen=True)
class Scheduled:
    at_s: float
    fault: Fault


@dataclass(frozen=True)
class ChaosProfile:
    """Load and timings of one kind of chaos run."""

    users: int
    duration_s: int
    think: tuple[float, float]
    lease_s: int
    worker_down_s: float
    outage_s: float
    db_stall_s: float
    llm_outage_s: float
    # Worker timings scaled to the run: how soon a stalled stream, an unsent job and a retry
    # come round again (production keeps its slower defaults).
    worker_env: dict[str, str]


FULL = ChaosProfile(
    users=100,
    duration_s=300,
    think=(5, 15),
    lease_s=20,
    worker_down_s=3,
    outage_s=30,
    db_stall_s=5,
    llm_outage_s=45,
    worker_env={
        "AIRA_WORKER_LLM_READ_TIMEOUT_SECONDS": "10",
        "AIRA_WORKER_SWEEP_INTERVAL_SECONDS": "5",
        "AIRA_WORKER_SWEEP_AFTER_SECONDS": "30",
        "AIRA_WORKER_BACKOFF_MAX_SECONDS": "30",
    },
)
SHORT = ChaosProfile(
    users=12,
    duration_s=45,
    think=(1, 3),
    lease_s=6,
    worker_down_s=1,
    outage_s=5,
    db_stall_s=2,
    llm_outage_s=12,
    worker_env={
        "AIRA_WORKER_LLM_READ_TIMEOUT_SECONDS": "3",
        "AIRA_WORKER_SWEEP_INTERVAL_SECONDS": "1",
        "AIRA_WORKER_SWEEP_AFTER_SECONDS": "5",
        "AIRA_WORKER_RECEIVE_WAIT_SECONDS": "2",
        "AIRA_WORKER_BACKOFF_BASE_SECONDS": "0.5",
        "AIRA_WORKER_BACKOFF_MAX_SECONDS": "4",
        "AIRA_WORKER_SHUTDOWN_GRACE_SECONDS": "3",
    },
)


def timeline(
    profile: ChaosProfile,
    platform: Platform,
    proxy: TcpProxy,
    restart_mariadb: bool,
) -> list[Scheduled]:
    """When each fault strikes, spread over the run (`at_s` as a share of its duration)."""
    worker = platform.workers[0]
    llm = platform.llm_url
    kill = KillWorker(worker, profile.worker_down_s)
    database_fault = _database_fault(platform, profile, restart_mariadb)
    shares: list[tuple[float, Fault]] = [
        (0.07, kill),
        (0.12, LlmFault(llm, "rate_limit", count=max(5, profile.users // 3), retry_after=2)),
        (0.18, LlmFault(llm, "server_error", count=max(5, profile.users // 4))),
        (0.25, kill),
        (0.30, LlmFault(llm, "stall", count=2)),
        (0.37, QueueOutage(proxy, profile.outage_s)),
        (0.55, database_fault),
        (0.64, kill),
        (0.70, LlmFault(llm, "rate_limit", count=max(5, profile.users // 3), retry_after=1)),
        (0.75, LlmFault(llm, "server_error", count=max(5, profile.users // 4))),
        (0.78, LlmOutage(llm, profile.llm_outage_s)),
    ]
    return [Scheduled(share * profile.duration_s, fault) for share, fault in shares]


def _database_fault(platform: Platform, profile: ChaosProfile, restart_mariadb: bool) -> Fault:
    """MariaDB restarted (full run, on request), else the run's own database stalled."""
    if restart_mariadb:
        return RestartMariadb()
    if platform.database.backend == "mysql":
        return MariadbTableLock(platform.database.url, ("messages", "stories"), profile.db_stall_s)
    return SqliteStall(Path(platform.database.url.removeprefix("sqlite:///")), profile.db_stall_s)


def play(schedule: Sequence[Scheduled], log: list[dict[str, Any]]) -> threading.Thread:
    """Run the faults in order, each at its time, in a background thread."""

    def run() -> None:
        started = time.monotonic()
        for item in schedule:
            time.sleep(max(0.0, item.at_s - (time.monotonic() - started)))
            began = round(time.monotonic() - started, 1)
            try:
                item.fault.run()
                outcome = "ok"
            except Exception as exc:  # a fault that could not be applied is reported, not fatal
                outcome = f"not applied: {exc}"
            log.append({"at_s": began, "fault": str(item.fault), "outcome": outcome})
            print(f"[chaos] t={began:>5}s {item.fault} ({outcome})", flush=True)

    thread = threading.Thread(target=run, name="chaos-timeline", daemon=True)
    thread.start()
    return thread


def recover(platform: Platform) -> dict[str, int]:
    """What an operator and the users do after an incident: redrive the dead letters, then
    retry every answer that is still failed."""
    redrive = Service(
        "redrive",
        [sys.executable, "-m", "scripts.redrive", "--rate", "20"],
        platform.env,
        platform.config.run_dir,
    ).start()
    assert redrive.process is not None
    redrive_code = redrive.process.wait(timeout=600)
    time.sleep(1.0)
    retried = retry_failed_jobs(platform)
    return {"redrive_exit_code": redrive_code, "retried_by_users": retried}


def retry_failed_jobs(platform: Platform) -> int:
    owners = failed_jobs_by_owner(platform.engine)
    retried = 0
    with httpx.Client(base_url=platform.api_url, timeout=30) as client:
        for email, paths in owners.items():
            login = client.post(
                "/api/auth/token", data={"username": email, "password": ACCOUNT_PASSWORD}
            )
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            for path in paths:
                if client.post(path, headers=headers).status_code == 202:
                    retried += 1
    return retried


def failed_jobs_by_owner(engine: Engine) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    with Session(engine) as session:
        answers = session.execute(
            select(User.email, Message.id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .join(User, User.id == Conversation.user_id)
            .where(Message.role == "assistant", Message.status == JobStatus.failed)
        ).all()
        stories = session.execute(
            select(User.email, Story.id)
            .join(User, User.id == Story.user_id)
            .where(Story.status == JobStatus.failed)
        ).all()
    for email, message_id in answers:
        owners.setdefault(email, []).append(f"/api/messages/{message_id}/retry")
    for email, story_id in stories:
        owners.setdefault(email, []).append(f"/api/stories/{story_id}/retry")
    return owners


def verdict(first: JobAudit, after_recovery: JobAudit) -> list[str]:
    problems = []
    if first.lost or after_recovery.lost:
        problems.append(f"lost: {first.lost} after the faults, {after_recovery.lost} at the end")
    if first.duplicated or after_recovery.duplicated:
        problems.append(f"duplicated: {first.duplicated} / {after_recovery.duplicated}")
    if "(none)" in first.error_codes:
        problems.append(f"{first.error_codes['(none)']} failed jobs without an error code")
    if after_recovery.failed:
        problems.append(f"{after_recovery.failed} jobs still failed after redrive and retry")
    return problems


def run_chaos(args: argparse.Namespace) -> dict[str, Any]:
    profile = SHORT if args.short else FULL
    users = args.users or profile.users
    run_dir = args.reports / (datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-chaos")
    run_dir.mkdir(parents=True, exist_ok=True)
    moto, moto_url = start_moto(run_dir)
    proxy = TcpProxy("127.0.0.1", int(moto_url.rsplit(":", 1)[1])).start()
    faults: list[dict[str, Any]] = []
    try:
        queues = create_queues(moto_url, max_receives=5, visibility_timeout=profile.lease_s)
        config = PlatformConfig(
            backend=args.backend,
            run_dir=run_dir / "platform",
            accounts=users,
            llm_latency=args.llm_latency,
            api_workers=args.api_workers,
            worker_concurrency=64,
            job_lease_seconds=profile.lease_s,
            extra_env=queues.env(endpoint_url=f"http://127.0.0.1:{proxy.port}")
            | profile.worker_env,
        )
        with running_platform(config) as platform:
            load = LocustRun(
                "chaos",
                "ChatUser",
                platform.api_url,
                users,
                max(1.0, users / 10),
                profile.duration_s,
                run_dir,
                (
                    *account_options(users),
                    "--think-min",
                    str(profile.think[0]),
                    "--think-max",
                    str(profile.think[1]),
                ),
            )
            locust = load.service().start()
            schedule = timeline(profile, platform, proxy, args.restart_mariadb)
            faults_done = play(schedule, faults)
            results = load.wait(locust)
            faults_done.join()
            OpenAIServerControl(platform.llm_url).reset()  # faults left unused end here
            drain_s = drain(platform.engine, args.drain_timeout)
            first = audit(platform.engine, results["accepted"])
            recovery = recover(platform)
            recovery_drain_s = drain(platform.engine, args.drain_timeout)
            final = audit(platform.engine, results["accepted"])
    finally:
        proxy.stop()
        moto.stop()
    stats = results["stats"]["api_total"]
    report = {
        "backend": args.backend,
        "queue": "sqs (moto, through a cuttable proxy)",
        "users": users,
        "duration_s": profile.duration_s,
        "faults": faults,
        "requests": stats["requests"],
        "failures": stats["failures"],
        "drain_s": drain_s,
        "after_faults": first.__dict__,
        "recovery": recovery | {"drain_s": recovery_drain_s},
        "after_recovery": final.__dict__,
        "problems": verdict(first, final),
    }
    (run_dir / "chaos.json").write_text(json.dumps(report, indent=2))
    print_report(report, run_dir)
    return report


def print_report(report: dict[str, Any], run_dir: Path) -> None:
    first, final = report["after_faults"], report["after_recovery"]
    print(
        f"chaos on {report['backend']} + {report['queue']}: {report['users']} users, "
        f"{report['duration_s']} s, {len(report['faults'])} faults; "
        f"{report['requests']} requests, {report['failures']} failed during the faults\n"
        f"after the faults (drain {report['drain_s']} s): accepted {first['accepted']}, "
        f"done {first['done']}, failed {first['failed']} {first['error_codes']}, "
        f"lost {first['lost']}, duplicated {first['duplicated']}\n"
        f"recovery: {report['recovery']}\n"
        f"after redrive + retry: done {final['done']}, failed {final['failed']}, "
        f"lost {final['lost']}, duplicated {final['duplicated']}\n"
        + (
            "verdict: nothing lost, nothing duplicated, everything recovered"
            if not report["problems"]
            else "verdict: FAILED: " + "; ".join(report["problems"])
        )
        + f"\nreport in {run_dir}",
        flush=True,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=0, help="default: 100 (12 with --short)")
    parser.add_argument("--backend", choices=["local", "mysql"], default="mysql")
    parser.add_argument("--restart-mariadb", action="store_true", help="restart the shared server")
    parser.add_argument("--short", action="store_true", help="the quick version (~1-2 min)")
    parser.add_argument("--llm-latency", type=float, default=2.0)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--drain-timeout", type=int, default=600)
    parser.add_argument("--reports", type=Path, default=Path("reports/load"))
    args = parser.parse_args(argv)
    if args.restart_mariadb and args.backend != "mysql":
        parser.error("--restart-mariadb needs --backend mysql")
    return args


def main(argv: list[str] | None = None) -> int:
    report = run_chaos(parse_args(argv))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    # SIGTERM unwinds like Ctrl-C, so the services started for the run are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
