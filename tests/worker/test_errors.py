"""Classifying failures: retry later (with the server's Retry-After) or fail for good."""

import httpx2
import openai
import pytest
from aira_worker.backoff import retry_delay_seconds
from aira_worker.errors import classify

REQUEST = httpx2.Request("POST", "http://llm.test/v1/chat/completions")
# The exception the SDK raises for each status.
ERRORS: dict[int, type[openai.APIStatusError]] = {
    400: openai.BadRequestError,
    401: openai.AuthenticationError,
    403: openai.PermissionDeniedError,
    404: openai.NotFoundError,
    429: openai.RateLimitError,
    500: openai.InternalServerError,
    503: openai.InternalServerError,
}


def _status_error(status: int, code: str | None, kind: str, **headers: str) -> openai.APIError:
    body = {"message": "m", "type": kind, "param": None, "code": code}
    response = httpx2.Response(status, headers=headers, request=REQUEST, json={"error": body})
    return ERRORS[status]("m", response=response, body=body)


@pytest.mark.parametrize(
    ("status", "code", "kind", "expected", "retryable"),
    [
        (429, "rate_limit_exceeded", "requests", "rate_limited", True),
        (429, "insufficient_quota", "insufficient_quota", "insufficient_quota", False),
        (500, None, "server_error", "server_error", True),
        (503, None, "server_error", "server_error", True),
        (400, "content_filter", "invalid_request_error", "content_filter", False),
        (400, "invalid_request_error", "invalid_request_error", "bad_request", False),
        (401, "invalid_api_key", "invalid_request_error", "unauthorized", False),
        (403, None, "permission_error", "forbidden", False),
        (404, "model_not_found", "invalid_request_error", "model_not_found", False),
    ],
)
def test_status_errors(status: int, code: str, kind: str, expected: str, retryable: bool) -> None:
    error = classify(_status_error(status, code, kind))
    assert (error.code, error.retryable) == (expected, retryable)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({}, None),
    ],
)
def test_retry_after_is_read_from_the_response(headers: dict[str, str], seconds: float) -> None:
    error = classify(_status_error(429, "rate_limit_exceeded", "requests", **headers))
    assert error.retry_after == seconds


def test_timeouts_connection_errors_and_surprises_are_retryable() -> None:
    assert classify(openai.APITimeoutError(request=REQUEST)).code == "timeout"
    assert classify(openai.APIConnectionError(request=REQUEST)).code == "connection_error"
    surprise = classify(RuntimeError("database went away"))
    assert (surprise.code, surprise.retryable) == ("internal_error", True)


def test_backoff_honours_retry_after_and_otherwise_grows_with_jitter_up_to_the_cap() -> None:
    assert retry_delay_seconds(1, 2.2, base=2, cap=300) == 3
    assert 1 <= retry_delay_seconds(1, None, base=2, cap=300) <= 2
    assert 4 <= retry_delay_seconds(3, None, base=2, cap=300) <= 8
    assert retry_delay_seconds(20, None, base=2, cap=300) <= 300
