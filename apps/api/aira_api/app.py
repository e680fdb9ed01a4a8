"""The application factory: `create_app(settings)` builds the FastAPI app for one process."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from aira_core.db import create_db_engine, pool_capacity
from aira_core.queue import open_queue
from aira_core.queue.port import JobQueue
from aira_core.settings import Settings
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine

from aira_api.login_limiter import LoginLimiter
from aira_api.metrics import MetricsMiddleware
from aira_api.middleware.body_limit import BodySizeLimitMiddleware
from aira_api.middleware.request_id import RequestIdMiddleware
from aira_api.middleware.security_headers import SecurityHeadersMiddleware
from aira_api.routes import admin, auth, conversations, health, messages, meta, stories, users
from aira_api.state import AppState
from aira_api.streaming.poller import JobPoller
from aira_api.traced_queue import TraceContextQueue
from aira_api.web import add_api_not_found, mount_web_app

log = logging.getLogger(__name__)


def create_app(
    settings: Settings, *, engine: Engine | None = None, queue: JobQueue | None = None
) -> FastAPI:
    """Build the app. `engine` and `queue` default to the ones the settings describe (an engine
    made here is closed with the app); the lifespan starts and stops the stream poller."""
    owns_engine = engine is None
    engine = engine or create_db_engine(settings.sqlalchemy_url)
    queue = TraceContextQueue(queue or open_queue(settings, engine))
    state = AppState(
        settings=settings,
        jwt_secret=settings.jwt_secret_value(),
        engine=engine,
        queue=queue,
        poller=JobPoller(engine),
        login_limiter=LoginLimiter(),
        owns_engine=owns_engine,
    )
    app = FastAPI(
        title="Aira API",
        summary="AI chat and children's fairy tales",
        version="0.1.0",
        lifespan=_lifespan,
    )
    app.state.aira = state
    for module in (auth, users, conversations, messages, stories, meta, health, admin):
        app.include_router(module.router)
    add_api_not_found(app)
    if mount_web_app(app, settings.web_dist):
        log.info("serving the web app from %s", settings.web_dist)
    _add_middleware(app, settings)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Added last runs first: the request id binds first, so every log line of a request carries
    # it; metrics see every answer, including 413s and CORS preflights.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
            expose_headers=["Retry-After", "Idempotent-Replayed", "X-Request-ID"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env == "prod")
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: AppState = app.state.aira
    # Sync routes run on anyio's thread pool (40 threads). More threads than pooled connections
    # would make the surplus wait for a connection and fail after the pool timeout under load.
    capacity = pool_capacity(state.engine)
    if capacity is not None:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = min(limiter.total_tokens, capacity)
    poller = asyncio.create_task(state.poller.run(), name="stream-poller")
    try:
        yield
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        if state.owns_engine:
            state.engine.dispose()
