"""API fixtures: the app served by uvicorn on a free port, over SQLite and MariaDB (`db_engine`
from tests/conftest.py is parametrised over both), with the local durable queue."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aira_api.app import create_app
from aira_core.queue import open_queue
from aira_core.queue.port import JobQueue
from aira_core.settings import Settings
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import Engine

from tests.api.support import TEST_JWT_SECRET, Api, Launch, serve


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: object) -> Settings:
        values: dict[str, Any] = {
            "env": "test",
            "data_dir": tmp_path / "data",
            "jwt_secret": SecretStr(TEST_JWT_SECRET),
            "queue_url": "local",
            "web_dist": tmp_path / "no-web-build",
            "cors_origins": [],
        }
        return Settings(**(values | overrides))

    return make


@pytest.fixture
def api_queue(db_engine: Engine, make_settings: Callable[..., Settings]) -> JobQueue:
    return open_queue(make_settings(), db_engine)


@pytest.fixture
def api_app(
    db_engine: Engine, api_queue: JobQueue, make_settings: Callable[..., Settings]
) -> FastAPI:
    return create_app(make_settings(), engine=db_engine, queue=api_queue)


@pytest.fixture
def api(api_app: FastAPI, db_engine: Engine) -> Iterator[Api]:
    with serve(api_app) as base_url:
        yield Api(base_url, db_engine)


@pytest.fixture
def launch_api(
    db_engine: Engine, api_queue: JobQueue, make_settings: Callable[..., Settings]
) -> Launch:
    """Serve an app with other settings (`launch_api(cors_origins=[...])`), engine or queue."""

    @contextmanager
    def launch(
        *, engine: Engine | None = None, queue: JobQueue | None = None, **overrides: Any
    ) -> Iterator[Api]:
        engine = engine or db_engine
        app = create_app(make_settings(**overrides), engine=engine, queue=queue or api_queue)
        with serve(app) as base_url:
            yield Api(base_url, engine)

    return launch
