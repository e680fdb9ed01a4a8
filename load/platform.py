"""The whole platform started for a run: database, OpenAI-speaking server, API, worker.

Every process runs with the production code and console scripts (`aira-api`, `aira-worker`); the
only stand-in is the LLM, a local HTTP server speaking the OpenAI streaming API with a realistic
answer time. Accounts are seeded straight into the database with one argon2 hash (the password
is the same for all), so the run measures logging in, not registering 2,000 accounts.
"""

import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aira_api.security import hash_password
from aira_core.db import create_db_engine
from aira_core.migrate import migrate
from aira_core.models import User
from sqlalchemy import Engine, insert

from load.databases import RunDatabase, create_run_database
from load.network import free_port, wait_http
from load.processes import Service

ACCOUNT_PREFIX = "load-user-"
ACCOUNT_PASSWORD = "load-password"  # test accounts of a throw-away database only


@dataclass(frozen=True)
class PlatformConfig:
    backend: str  # "local" (SQLite + durable local queue) or "mysql" (MariaDB + the same queue)
    run_dir: Path
    accounts: int
    llm_latency: float = 2.0
    api_workers: int = 2
    worker_processes: int = 1
    worker_concurrency: int = 512  # per worker process
    job_lease_seconds: int = 30
    max_receives: int = 5
    extra_env: dict[str, str] = field(default_factory=dict)


@dataclass
class Platform:
    config: PlatformConfig
    database: RunDatabase
    engine: Engine
    llm: Service
    api: Service
    workers: list[Service]
    env: dict[str, str]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.env['AIRA_PORT']}"

    @property
    def llm_url(self) -> str:
        return self.env["OPENAI_BASE_URL"].removesuffix("/v1")

    def services(self) -> list[Service]:
        return [self.llm, self.api, *self.workers]


@contextmanager
def running_platform(config: PlatformConfig) -> Iterator[Platform]:
    """Start everything, yield it, and stop it all (and drop the run's database) afterwards."""
    config.run_dir.mkdir(parents=True, exist_ok=True)
    database = create_run_database(config.backend, config.run_dir)
    engine = create_db_engine(database.url)
    platform: Platform | None = None
    try:
        migrate(engine)
        seed_accounts(engine, config.accounts)
        platform = _start(config, database, engine)
        yield platform
    finally:
        if platform is not None:
            for service in reversed(platform.services()):
                service.stop()
        engine.dispose()
        database.drop()


def seed_accounts(engine: Engine, count: int) -> None:
    password_hash = hash_password(ACCOUNT_PASSWORD)
    rows = [
        {
            "email": f"{ACCOUNT_PREFIX}{number}@load.aira.test",
            "password_hash": password_hash,
            "display_name": f"Load {number}",
            "locale": "en",
            "interests": [],
            "is_admin": False,
        }
        for number in range(count)
    ]
    with engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(insert(User), rows[start : start + 1000])


def platform_env(config: PlatformConfig, database: RunDatabase) -> dict[str, str]:
    llm_port, api_port = free_port(), free_port()
    return {
        "AIRA_ENV": "prod",
        "AIRA_HOST": "127.0.0.1",
        "AIRA_PORT": str(api_port),
        "AIRA_API_WORKERS": str(config.api_workers),
        "AIRA_DATA_DIR": str(config.run_dir / "data"),
        "AIRA_DATABASE_URL": database.url,
        "AIRA_QUEUE_URL": "local",
        "AIRA_JWT_SECRET": secrets.token_urlsafe(48),
        "AIRA_JOB_LEASE_SECONDS": str(config.job_lease_seconds),
        "AIRA_MAX_RECEIVES": str(config.max_receives),
        "AIRA_WORKER_CONCURRENCY": str(config.worker_concurrency),
        "OPENAI_API_KEY": "sk-load-test",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
        "AIRA_LLM_PORT": str(llm_port),
        **config.extra_env,
    }


def _start(config: PlatformConfig, database: RunDatabase, engine: Engine) -> Platform:
    env = platform_env(config, database)
    started: list[Service] = []
    try:
        for service in _services(config, env):
            started.append(service.start())
    except BaseException:
        for service in reversed(started):
            service.stop()
        raise
    llm, api, *workers = started
    return Platform(config, database, engine, llm, api, workers, env)


def _services(config: PlatformConfig, env: dict[str, str]) -> list[Service]:
    """LLM stand-in, API, then the workers, in the order they must start."""
    logs = config.run_dir
    llm_port, api_port = env["AIRA_LLM_PORT"], env["AIRA_PORT"]
    llm_command = [sys.executable, "-m", "tests.support.openai_server", "--port", llm_port]
    llm = Service(
        "llm",
        [*llm_command, "--latency", str(config.llm_latency)],
        env,
        logs,
        ready=lambda s: wait_http(f"http://127.0.0.1:{llm_port}/_control", 30, s.alive),
    )
    api = Service(
        "api",
        [_console_script("aira-api")],
        env,
        logs,
        ready=lambda s: wait_http(f"http://127.0.0.1:{api_port}/readyz", 120, s.alive),
    )
    workers = [
        Service(
            f"worker-{number}",
            [_console_script("aira-worker")],
            env | {"AIRA_WORKER_METRICS_PORT": str(free_port())},
            logs,
        )
        for number in range(config.worker_processes)
    ]
    return [llm, api, *workers]


def _console_script(name: str) -> str:
    """The script in this interpreter's environment, whatever PATH says."""
    return str(Path(sys.executable).parent / name)
