"""`aira-api`: check the settings, bring the database schema up to date, then serve with uvicorn.

With `AIRA_API_WORKERS` > 1 uvicorn runs that many processes; each builds its own app through
`app_from_environment` and Prometheus metrics are aggregated across them (multiprocess mode).
"""

import os
import shutil
import sys
from pathlib import Path

import uvicorn
from aira_core.db import create_db_engine
from aira_core.logging import configure_logging, settings_secrets
from aira_core.migrate import migrate
from aira_core.settings import Settings, SettingsError, load_settings
from aira_core.tracing import configure_tracing
from fastapi import FastAPI

from aira_api.app import create_app

# Idle client connections stay open longer than the load balancer's idle timeout (600 s), so the
# balancer closes them, never the API: a request sent as the API closes its end would fail (a 502
# behind the balancer, a reset for a direct client).
KEEP_ALIVE_SECONDS = 620


def app_from_environment() -> FastAPI:
    """Factory for uvicorn (`--factory`): every worker process reads the same environment."""
    settings = load_settings()
    _observe(settings)
    return create_app(settings)


def _observe(settings: Settings) -> None:
    """JSON logs with the settings' secrets masked; traces when OTEL_* variables ask for them."""
    configure_logging("api", secrets=settings_secrets(settings))
    configure_tracing("aira-api")


def run() -> None:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"aira-api: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    _observe(settings)
    engine = create_db_engine(settings.sqlalchemy_url)
    migrate(engine)
    engine.dispose()
    _prepare_multiprocess_metrics(settings)
    uvicorn.run(
        "aira_api.main:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.api_workers,
        proxy_headers=True,  # client addresses from the load balancer (FORWARDED_ALLOW_IPS)
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # A busy host can take longer than uvicorn's 5 s default to start a worker process.
        timeout_worker_healthcheck=30,
        log_config=None,  # keep the JSON logging configured above
    )


def _prepare_multiprocess_metrics(settings: Settings) -> None:
    """Give the processes a clean shared metrics directory: samples left by an earlier run
    would be added to this run's. Several workers need one even when none is configured."""
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if configured is None and settings.api_workers == 1:
        return
    directory = Path(configured) if configured else settings.data_dir / "prometheus"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory.resolve())
