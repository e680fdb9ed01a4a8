"""What a failed generation means for the job: try again later, or fail it for good.

Retryable: rate limits (except quota), timeouts and stalls, 5xx, connection errors and anything
unexpected on our side. Terminal: bad or refused requests (400/401/403/404/422), exhausted quota
and content filtering; repeating them only costs money.
"""

import email.utils
import time
from dataclasses import dataclass

import openai

TERMINAL_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "model_not_found",
    422: "bad_request",
}
CONTENT_FILTER_CODES = frozenset({"content_filter", "content_policy_violation"})


@dataclass(eq=False)
class GenerationError(Exception):
    """A classified failure; `code` is what the job's `error_code` (and the metrics) show."""

    code: str
    message: str
    retryable: bool
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def classify(exc: BaseException) -> GenerationError:
    if isinstance(exc, GenerationError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return GenerationError("timeout", "the language model did not answer in time", True)
    if isinstance(exc, openai.APIConnectionError):
        return GenerationError("connection_error", "could not reach the language model", True)
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return content_filtered()
    if isinstance(exc, openai.APIStatusError):
        return _classify_status(exc)
    return GenerationError("internal_error", f"{type(exc).__name__}: {exc}", True)


def content_filtered() -> GenerationError:
    return GenerationError("content_filter", "the answer was blocked by the content filter", False)


def _classify_status(exc: openai.APIStatusError) -> GenerationError:
    status, code = exc.status_code, exc.code or ""
    message = exc.message[:500]
    if status == 429:
        if code == "insufficient_quota" or exc.type == "insufficient_quota":
            return GenerationError("insufficient_quota", message, False)
        return GenerationError("rate_limited", message, True, retry_after_of(exc.response))
    if code in CONTENT_FILTER_CODES:
        return content_filtered()
    if status in TERMINAL_STATUS_CODES:
        return GenerationError(TERMINAL_STATUS_CODES[status], message, False)
    if status >= 500 or status in (408, 409):
        return GenerationError("server_error", message, True, retry_after_of(exc.response))
    return GenerationError("llm_error", message, False)


def retry_after_of(response: object) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `retry-after` seconds or date)."""
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return max(millis / 1000, 0.0)
    value = headers.get("retry-after")
    seconds = _number(value)
    if seconds is None and value:
        seconds = _seconds_until(value)
    return None if seconds is None else max(seconds, 0.0)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _seconds_until(http_date: str) -> float | None:
    try:
        return email.utils.parsedate_to_datetime(http_date).timestamp() - time.time()
    except (TypeError, ValueError):
        return None
