"""Engine and sessions for SQLite (embedded default) and MySQL/MariaDB (production)."""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session


def create_db_engine(url: str, *, pool_size: int = 30) -> Engine:
    """`pool_size` connections are kept open and none are made beyond them: a connection opened
    for a burst and closed after it costs more CPU (TCP, authentication, TLS set-up) than the
    query it served."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, pool_size)
    # READ COMMITTED: a session reused across polls must see other processes' commits.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_size=pool_size,
        max_overflow=0,
        isolation_level="READ COMMITTED",
        connect_args={"charset": "utf8mb4"},
    )


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    # Sized like the MySQL pool: SQLAlchemy's default (5 + 10) is smaller than the thread pools
    # that use it, and a thread that waits 30 s for a pooled connection fails its request.
    busy_timeout_ms = 30_000
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # While several processes open a new database together, the switch to WAL can fail with
        # SQLITE_BUSY at once, without waiting in the busy handler: try again for a while.
        deadline = time.monotonic() + busy_timeout_ms / 1000
        pause = 0.005
        while True:
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def pool_capacity(engine: Engine) -> int | None:
    """How many connections the engine's pool hands out at most (None: no fixed limit)."""
    size = getattr(engine.pool, "size", None)
    overflow = getattr(engine.pool, "_max_overflow", None)  # QueuePool keeps it private
    if not callable(size) or not isinstance(overflow, int) or overflow < 0:
        return None
    return int(size()) + overflow


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
