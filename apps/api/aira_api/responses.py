"""Documented error answers, so the OpenAPI document lists every status a route can return."""

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    detail: str


_DESCRIPTIONS = {
    401: "Missing, invalid or expired access token",
    404: "Not found, or owned by another user",
    409: "Conflicts with the resource's current state",
    413: "Request body too large",
    429: "Too many attempts; retry after `Retry-After` seconds",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorDetail, "description": _DESCRIPTIONS[code]} for code in codes}
