"""Structured JSON logs with request, job and trace ids, and secrets masked at the logging layer.

`configure_logging("api")` makes every record (the app's, uvicorn's, libraries') one JSON line on
stderr carrying `request_id` / `job_id` when bound (`bind_request`, `bind_job`) and the current
OpenTelemetry `trace_id` / `span_id`. Passwords, tokens, API keys and Authorization headers are
masked twice: in each record before any handler formats it, and in the final line, so a secret in
a message, an argument, an `extra` field or a traceback never reaches the output.
"""

import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from aira_core.settings import Settings

MASK = "***"

_request_id: ContextVar[str | None] = ContextVar("aira_request_id", default=None)
_job_id: ContextVar[str | None] = ContextVar("aira_job_id", default=None)

# Keys whose values are secrets wherever they appear (key=value, "key": "value", extra={key: ..}).
_SENSITIVE_KEY = (
    r"password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization|"
    r"access[_-]?key|session[_-]?key|credentials?|jwt|cookie"
)
# A name ending in a sensitive word: `refresh_token`, `password_hash`; not `max_tokens`.
_SENSITIVE_NAME_PART = rf"[\w-]*(?:{_SENSITIVE_KEY})(?:[_-]hash)?"
_SENSITIVE_NAME = re.compile(rf"(?i){_SENSITIVE_NAME_PART}")
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer abc / Basic abc (header dumps, curl lines)
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {MASK}"),
    # password=abc, "api_key": "abc", token: abc (quotes optionally JSON-escaped)
    (
        re.compile(
            rf"(?i)\b({_SENSITIVE_NAME_PART}\\?[\"']?\s*[:=]\s*\\?[\"']?)"
            r"(?!\*\*\*)(?!(?:bearer|basic)\s)[^\s\"'\\,;&}]+"
        ),
        rf"\1{MASK}",
    ),
    # user:password@host in connection URLs
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@"), rf"\1{MASK}@"),
    # OpenAI-style keys, JWTs and AWS access key ids, even without a telling key name
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), f"sk-{MASK}"),
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+"), MASK),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),
)

# Attributes every LogRecord has; anything else came from `extra=` and is checked by name.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


# Exact secret values of this process (JWT secret, API key, database password), masked wherever
# they appear, even in a sentence no pattern recognises.
_known_secrets: set[str] = set()
MIN_KNOWN_SECRET_LENGTH = 6


def add_known_secrets(*values: str | None) -> None:
    """Mask these exact values in every record (short values would mask ordinary words)."""
    _known_secrets.update(v for v in values if v and len(v) >= MIN_KNOWN_SECRET_LENGTH)


def settings_secrets(settings: Settings) -> list[str]:
    """The secret values of the settings, for `configure_logging(..., secrets=...)`."""
    values = (settings.jwt_secret, settings.database_password, settings.openai_api_key)
    return [value.get_secret_value() for value in values if value is not None]


def mask(text: str) -> str:
    """The text with every known or recognised secret replaced by ***."""
    for secret in _known_secrets:
        text = text.replace(secret, MASK)
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _mask_value(key: str, value: Any) -> Any:
    if _SENSITIVE_NAME.fullmatch(key):
        return MASK
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    return value


@contextmanager
def bind_request(request_id: str) -> Iterator[None]:
    """Every record logged inside carries `request_id`."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


@contextmanager
def bind_job(kind: str, job_id: int) -> Iterator[None]:
    """Every record logged inside carries `job_id` (`<kind>-<id>`, unique across job tables)."""
    token = _job_id.set(f"{kind}-{job_id}")
    try:
        yield
    finally:
        _job_id.reset(token)


def current_request_id() -> str | None:
    return _request_id.get()


class ContextFilter(logging.Filter):
    """Adds the bound request and job ids and the current trace and span ids to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (request_id := _request_id.get()) is not None:
            record.request_id = request_id
        if (job_id := _job_id.get()) is not None:
            record.job_id = job_id
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            record.trace_id = format(span_context.trace_id, "032x")
            record.span_id = format(span_context.span_id, "016x")
        return True


class RedactingFilter(logging.Filter):
    """Masks secrets in the message, its arguments, `extra` fields and the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        for key in set(vars(record)) - _RECORD_ATTRIBUTES:
            setattr(record, key, _mask_value(key, getattr(record, key)))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines; the finished line is masked again, the last guard before the output."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def json_handler(service: str, stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        RedactingJsonFormatter(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service},
            timestamp="time",
        )
    )
    return handler


def configure_logging(
    service: str,
    level: str | None = None,
    stream: TextIO | None = None,
    secrets: Iterable[str | None] = (),
) -> None:
    """Route every logger (uvicorn's included) to one JSON handler on the root logger.

    `secrets` are exact values to mask (the settings' secrets). The level comes from `level`,
    else `AIRA_LOG_LEVEL`, else INFO.
    """
    add_known_secrets(*secrets)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(json_handler(service, stream))
    root.setLevel((level or os.environ.get("AIRA_LOG_LEVEL") or "INFO").upper())
    # uvicorn may have given its loggers handlers and levels of their own: the root decides.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.setLevel(logging.NOTSET)
        library_logger.propagate = True
