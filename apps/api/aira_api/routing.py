"""Routers whose sync routes hand their database connection back before the response is built.

FastAPI runs a sync route on a pool thread, then validates its return value on another pool
thread, and closes the request's session only after that. Holding a connection while waiting
for a thread deadlocks under load: every thread can be waiting for a connection meanwhile. So
when a route returns without unsaved changes its session's transaction ends right there, on the
route's own thread, and the loaded rows stay readable (sessions do not expire them).
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlmodel import Session


class SessionReleasingRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _releasing_sessions(endpoint)
        super().__init__(path, endpoint, **kwargs)


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=SessionReleasingRoute, **kwargs)


def _releasing_sessions(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Session) and not (value.new or value.dirty or value.deleted):
                value.commit()
        return result

    return run
