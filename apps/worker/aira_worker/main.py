"""`aira-worker`: read the settings, connect the database, the queue and the language model, and
consume jobs until SIGTERM/SIGINT."""

import asyncio
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from aira_core.db import create_db_engine
from aira_core.logging import configure_logging
from aira_core.migrate import migrate
from aira_core.queue import open_queue
from aira_core.settings import Settings, SettingsError, load_settings
from aira_core.tracing import configure_tracing, shutdown_tracing
from pydantic import ValidationError

from aira_worker.config import WorkerSettings
from aira_worker.metrics import serve_metrics
from aira_worker.responder import create_responder
from aira_worker.worker import Worker

EXIT_BAD_SETTINGS = 2
# Database and queue calls block, so they run in threads: enough for every job in flight to flush
# and heartbeat, within what one database connection pool sensibly holds.
MIN_THREADS, MAX_THREADS = 8, 64


def load_worker_settings() -> WorkerSettings:
    try:
        return WorkerSettings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = f"AIRA_WORKER_{str(error['loc'][0]).upper()}" if error["loc"] else "settings"
        raise SettingsError(f"invalid setting {name}: {error['msg']}") from None


async def serve(settings: Settings, worker_settings: WorkerSettings) -> None:
    threads = min(max(settings.worker_concurrency + 4, MIN_THREADS), MAX_THREADS)
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(threads, thread_name_prefix="aira-worker"))
    engine = create_db_engine(settings.sqlalchemy_url, pool_size=threads)
    responder = create_responder(settings, worker_settings)
    try:
        # The API migrates too; doing it here as well makes the start order irrelevant.
        await asyncio.to_thread(migrate, engine)
        queue = open_queue(settings, engine)
        worker = Worker(settings, worker_settings, engine, queue, responder)
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, worker.stop)
        serve_metrics(worker_settings.metrics_port)
        await worker.run()
    finally:
        await responder.aclose()
        engine.dispose()


def run() -> None:
    try:
        settings = load_settings()
        worker_settings = load_worker_settings()
    except SettingsError as exc:
        print(f"aira-worker: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_SETTINGS)
    configure_logging("worker")
    configure_tracing("aira-worker")
    try:
        asyncio.run(serve(settings, worker_settings))
    finally:
        shutdown_tracing()
