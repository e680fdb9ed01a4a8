"""JSON log lines carry request, job and trace ids, and never a secret."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from aira_core.logging import bind_job, bind_request, configure_logging, mask, settings_secrets
from aira_core.settings import Settings
from aira_core.tracing import tracer
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr

SECRETS = {
    "password": "hunter2-correct-horse",
    "openai": "sk-proj-AbCdEf0123456789xyzXYZ",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXBhcnQ",
    "bearer": "opaque-bearer-value-42",
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "db": "s3cr3t-db-pass",
    "known": "plainword-secret-value",
}


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """The root logger writes JSON lines into a buffer for the test, then is restored."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("api", level="DEBUG", stream=stream, secrets=[SECRETS["known"]])
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_one_json_line_with_the_service(output: io.StringIO) -> None:
    logging.getLogger("aira_api.routes").info("conversation %s created", 7)
    (line,) = _lines(output)
    assert line["message"] == "conversation 7 created"
    assert line["level"] == "INFO"
    assert line["logger"] == "aira_api.routes"
    assert line["service"] == "api"
    assert line["time"].startswith("20")
    assert "request_id" not in line and "job_id" not in line and "trace_id" not in line


def test_bound_request_and_job_ids_are_on_each_line(output: io.StringIO) -> None:
    log = logging.getLogger("aira")
    with bind_request("req-123"):
        log.info("in request")
        with bind_job("chat", 42):
            log.info("in job")
    log.info("after")
    inside, in_job, after = _lines(output)
    assert inside["request_id"] == "req-123" and "job_id" not in inside
    assert in_job["request_id"] == "req-123" and in_job["job_id"] == "chat-42"
    assert "request_id" not in after and "job_id" not in after


def test_the_current_trace_is_on_each_line(
    finished_spans: InMemorySpanExporter, output: io.StringIO
) -> None:
    with tracer().start_as_current_span("request"):
        logging.getLogger("aira").info("traced")
    (span,) = finished_spans.get_finished_spans()
    (line,) = _lines(output)
    assert line["trace_id"] == format(span.context.trace_id, "032x")
    assert line["span_id"] == format(span.context.span_id, "016x")


def test_uvicorn_records_go_through_the_same_handler(output: io.StringIO) -> None:
    # As uvicorn leaves its loggers when it configured logging itself (log_level="warning").
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.WARNING)
    access.propagate = False
    access.addHandler(logging.StreamHandler(io.StringIO()))
    configure_logging("api", level="INFO", stream=output)
    access.info('"GET /healthz HTTP/1.1" 200')
    (line,) = _lines(output)
    assert line["logger"] == "uvicorn.access"


def test_secrets_never_reach_the_output(output: io.StringIO) -> None:
    log = logging.getLogger("aira_api.auth")
    log.info('login {"email": "a@b.c", "password": "%s"}', SECRETS["password"])
    log.info("headers: Authorization: Bearer %s", SECRETS["bearer"])
    log.warning("OpenAI call with api_key=%s failed", SECRETS["openai"])
    log.info("issued %s", SECRETS["jwt"])
    log.info("connecting to mysql+pymysql://aira:%s@db:3306/aira", SECRETS["db"])
    log.info("aws key %s in use", SECRETS["aws"])
    log.info("the configured secret is %s", SECRETS["known"])
    log.info(
        "request received",
        extra={"headers": {"Authorization": f"Bearer {SECRETS['bearer']}"}, "token": "tok-123456"},
    )
    try:
        raise ValueError(f"bad credentials password={SECRETS['password']}")
    except ValueError:
        log.exception("login failed")

    text = output.getvalue()
    for secret in [*SECRETS.values(), "tok-123456"]:
        assert secret not in text
    lines = _lines(output)
    assert len(lines) == 9
    assert lines[1]["message"] == "headers: Authorization: Bearer ***"
    assert lines[7]["headers"] == {"Authorization": "***"} and lines[7]["token"] == "***"
    assert "ValueError: bad credentials password=***" in lines[8]["exc_info"]


@pytest.mark.parametrize(
    "text",
    [
        "max_tokens=512 completion_tokens=80",
        "job chat-42 done in 1.2s",
        "GET /api/conversations/7/messages 200",
        "task-runner-1234567890 started",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AIRA_JWT_SECRET=abcdefgh", "AIRA_JWT_SECRET=***"),
        ('{\\"refresh_token\\": \\"abc\\"}', '{\\"refresh_token\\": \\"***\\"}'),
        ("password_hash: $argon2id$v=19", "password_hash: ***"),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"),
        ("https://user:pa55@example.com/x", "https://user:***@example.com/x"),
    ],
)
def test_secret_patterns_are_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_the_settings_secrets_are_known_secrets() -> None:
    settings = Settings(
        env="test",
        jwt_secret=SecretStr("jwt-" + "s" * 40),
        database_password=SecretStr("db-password-123"),
        openai_api_key=SecretStr("key-without-a-telling-prefix"),
    )
    assert sorted(settings_secrets(settings)) == sorted(
        ["jwt-" + "s" * 40, "db-password-123", "key-without-a-telling-prefix"]
    )
    unset = Settings(env="test", jwt_secret=None, database_password=None, openai_api_key=None)
    assert settings_secrets(unset) == []
