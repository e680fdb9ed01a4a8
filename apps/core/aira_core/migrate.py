"""Apply the Alembic migrations (upgrade to head), safe when several processes start together.

The API runs this on start, so a deploy needs no separate step. Concurrent runs are serialised:
on MySQL/MariaDB by a named server lock (`GET_LOCK`) per database, on SQLite by a file lock next
to the database file. The second process then finds the schema at head and does nothing.
"""

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from aira_core.db import create_db_engine
from aira_core.settings import load_settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
LOCK_TIMEOUT_SECONDS = 300


class MigrationLockTimeout(RuntimeError):
    """Another process held the migration lock for longer than LOCK_TIMEOUT_SECONDS."""


def alembic_config() -> Config:
    config = Config()
    # ConfigParser interpolation: a literal % in the path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest revision; a no-op when it is already there."""
    with engine.connect() as connection, _migration_lock(connection):
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    if connection.dialect.name in ("mysql", "mariadb"):
        with _mysql_lock(connection):
            yield
    elif connection.engine.url.database not in (None, "", ":memory:"):
        with _file_lock(Path(f"{connection.engine.url.database}.migrate-lock")):
            yield
    else:
        yield  # a private in-memory database has no other users


@contextmanager
def _mysql_lock(connection: Connection) -> Iterator[None]:
    # The lock belongs to the server session, so it is named after the database: migrations of
    # other databases on the same server do not wait for each other.
    name = f"aira-migrate:{connection.engine.url.database}"[:64]
    acquired = connection.execute(
        text("SELECT GET_LOCK(:name, :timeout)"), {"name": name, "timeout": LOCK_TIMEOUT_SECONDS}
    ).scalar()
    connection.commit()
    if acquired != 1:
        raise MigrationLockTimeout(f"could not take the migration lock {name!r}")
    try:
        yield
    finally:
        connection.rollback()
        connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": name})
        connection.commit()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main() -> None:
    """Console script `aira-migrate`: migrate the database named by AIRA_DATABASE_URL."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    engine = create_db_engine(load_settings().sqlalchemy_url)
    try:
        migrate(engine)
        log.info("database at revision %s", current_revision(engine))
    finally:
        engine.dispose()
