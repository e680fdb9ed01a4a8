"""Alembic environment: the target schema is SQLModel's metadata (aira_core.models).

`aira_core.migrate` passes its own connection (holding the migration lock) in
`config.attributes["connection"]`; the `alembic` command line connects with the app's settings.
"""

import aira_core.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from aira_core.db import create_db_engine
from aira_core.settings import load_settings
from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite alters tables by copying them; batch mode does that transparently.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = create_db_engine(load_settings().sqlalchemy_url)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


run_online()
