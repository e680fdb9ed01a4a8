"""The run's own database: a SQLite file in the run directory or a fresh MariaDB database.

MariaDB is shared with other users of the box: each run creates a uniquely named utf8mb4 database
and drops only that one afterwards.
"""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pymysql
from sqlalchemy.engine import make_url

MARIADB_SERVER_URL = os.environ.get("AIRA_LOAD_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306")


@dataclass(frozen=True)
class RunDatabase:
    backend: str
    url: str
    mariadb_name: str | None = None

    def drop(self) -> None:
        if self.mariadb_name is not None:
            with _admin_connection() as admin, admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS `{self.mariadb_name}`")


def create_run_database(backend: str, run_dir: Path) -> RunDatabase:
    if backend == "local":
        return RunDatabase(backend, f"sqlite:///{run_dir / 'aira.db'}")
    if backend == "mysql":
        name = f"aira_load_{uuid.uuid4().hex[:10]}"
        with _admin_connection() as admin, admin.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        url = make_url(MARIADB_SERVER_URL).set(database=name, query={"charset": "utf8mb4"})
        return RunDatabase(backend, url.render_as_string(hide_password=False), name)
    raise ValueError(f"unknown backend {backend!r} (local or mysql)")


def _admin_connection() -> pymysql.Connection:
    server = make_url(MARIADB_SERVER_URL)
    return pymysql.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 3306,
        user=server.username or "root",
        password=server.password or "",
        charset="utf8mb4",
        autocommit=True,
    )
