"""Request metrics for Prometheus, correct when uvicorn runs several worker processes.

With `PROMETHEUS_MULTIPROC_DIR` set (before this module is imported) every process writes its
samples to files there and `/metrics` aggregates all of them; without it the process's own
registry is served.
"""

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "aira_http_requests_total", "HTTP requests answered", ["route", "method", "status"]
)
# Time until the response starts: for an event stream that is the wait for the first byte, not
# the length of the stream.
DURATION = Histogram(
    "aira_http_request_duration_seconds",
    "Time from request to the start of the response",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
UNMATCHED = "unmatched"  # one label for every unknown path, so scanners cannot explode series


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts requests and times them by route template (`/api/messages/{message_id}`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"]
        status = 500  # what the client gets if the app fails before responding

        async def send_and_measure(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                DURATION.labels(_route_template(scope), method).observe(
                    time.perf_counter() - started
                )
            await send(message)

        try:
            await self.app(scope, receive, send_and_measure)
        finally:
            REQUESTS.labels(_route_template(scope), method, str(status)).inc()


def _route_template(scope: Scope) -> str:
    """The template of the route the router matched (it records it in the shared scope)."""
    route = scope.get("route")
    return str(getattr(route, "path", UNMATCHED))
