"""Probes for the load balancer and orchestrator, and the Prometheus scrape endpoint."""

import logging
from collections.abc import Callable

from fastapi import Response, status
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from aira_api import metrics
from aira_api.deps import EngineDep, QueueDep
from aira_api.routing import api_router

router = api_router(tags=["health"])
log = logging.getLogger(__name__)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A dependency is unreachable"}})
def readyz(engine: EngineDep, queue: QueueDep) -> JSONResponse:
    """Readiness: the database and the queue are reachable; 503 names the part that is not."""
    checks = {"database": _check(lambda: _select_one(engine)), "queue": _check(queue.ping)}
    ready = all(result == "ok" for result in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=status.HTTP_200_OK if ready else status.HTTP_503_SERVICE_UNAVAILABLE,
    )


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    body, content_type = await run_in_threadpool(metrics.render)
    return Response(body, media_type=content_type)


def _select_one(engine: EngineDep) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _check(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as exc:
        log.warning("readiness check failed: %s", exc)
        return "unavailable"
    return "ok"
