"""The faults of a chaos run, each a small action on the running platform.

- `KillWorker`: SIGKILL a worker process (no shutdown handler runs), start it again later.
- `LlmFault`: arm a fault in the OpenAI-speaking server (429 bursts with Retry-After, 500s,
  stalled streams) through its control endpoint.
- `LlmOutage`: the LLM answers 500 to every request for a while: jobs use up their receives, fail
  with `retries_exhausted` and land in the dead-letter queue (what redrive is for).
- `QueueOutage`: the queue unreachable (its TCP proxy cuts every connection) for a while.
- `RestartMariadb`: shut the MariaDB server down and start it again (shared server: full run only).
- `SqliteStall`: hold SQLite's write lock for a while, so every writer waits (the embedded
  database's equivalent of a database hiccup).
- `MariadbTableLock`: the same on the run's own MariaDB database (job tables write-locked), for
  runs that must not restart the shared server.
"""

import sqlite3
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from load.processes import Service
from load.tcp_proxy import TcpProxy
from tests.support.openai_server import FaultName, OpenAIServerControl


@dataclass(frozen=True)
class KillWorker:
    worker: Service
    down_s: float = 3.0

    def __str__(self) -> str:
        return f"SIGKILL {self.worker.name}, restart after {self.down_s:g} s"

    def run(self) -> None:
        self.worker.kill()
        time.sleep(self.down_s)
        self.worker.start()


@dataclass(frozen=True)
class LlmFault:
    llm_url: str
    fault: FaultName
    count: int
    retry_after: float = 1.0

    def __str__(self) -> str:
        extra = f", Retry-After {self.retry_after:g} s" if self.fault == "rate_limit" else ""
        return f"LLM {self.fault} for the next {self.count} requests{extra}"

    def run(self) -> None:
        control = OpenAIServerControl(self.llm_url)
        control.inject(self.fault, self.count, retry_after=self.retry_after)


@dataclass(frozen=True)
class LlmOutage:
    llm_url: str
    seconds: float

    def __str__(self) -> str:
        return f"LLM down (500 on every request) for {self.seconds:g} s"

    def run(self) -> None:
        control = OpenAIServerControl(self.llm_url)
        control.always_fail("server_error")
        try:
            time.sleep(self.seconds)
        finally:
            control.reset()


@dataclass(frozen=True)
class QueueOutage:
    proxy: TcpProxy
    seconds: float

    def __str__(self) -> str:
        return f"queue unreachable for {self.seconds:g} s"

    def run(self) -> None:
        self.proxy.down()
        try:
            time.sleep(self.seconds)
        finally:
            self.proxy.up()


@dataclass(frozen=True)
class RestartMariadb:
    """Stops the server the way the box documents it, then starts it in the background."""

    def __str__(self) -> str:
        return "restart MariaDB"

    def run(self) -> None:
        subprocess.run(["mysqladmin", "-uroot", "shutdown"], check=True, timeout=120)
        subprocess.run(
            [
                "start-stop-daemon",
                "--start",
                "--oknodo",
                "--background",
                "--exec",
                "/usr/sbin/mariadbd",
            ],
            check=True,
            timeout=30,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["mysqladmin", "-uroot", "-h127.0.0.1", "ping"], capture_output=True, timeout=10
            )
            if ping.returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("MariaDB did not come back within 120 s")


@dataclass(frozen=True)
class SqliteStall:
    database: Path
    seconds: float

    def __str__(self) -> str:
        return f"SQLite write lock held for {self.seconds:g} s"

    def run(self) -> None:
        connection = sqlite3.connect(self.database, timeout=30, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            time.sleep(self.seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()


@dataclass(frozen=True)
class MariadbTableLock:
    url: str
    tables: Sequence[str]
    seconds: float

    def __str__(self) -> str:
        return f"MariaDB tables {', '.join(self.tables)} write-locked for {self.seconds:g} s"

    def run(self) -> None:
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                locks = ", ".join(f"`{table}` WRITE" for table in self.tables)
                connection.execute(text(f"LOCK TABLES {locks}"))
                time.sleep(self.seconds)
                connection.execute(text("UNLOCK TABLES"))
        finally:
            engine.dispose()
