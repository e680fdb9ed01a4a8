"""Schemathesis over the whole OpenAPI schema, authenticated: whatever the input, no 5xx, and every
answer matches the schema (status code, content type, body).

Each operation is fuzzed as a subtest with Hypothesis (Schemathesis's strategies), against the
running platform over real HTTP.
"""

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from load.platform import Platform
from tests.security.conftest import Account, register

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def fuzzer(api: httpx.Client) -> Account:
    """An account of its own: the fuzzer deletes and changes what it finds."""
    return register(api, "fuzzer")


def test_every_operation_conforms_to_the_schema(
    platform: Platform, fuzzer: Account, subtests: pytest.Subtests
) -> None:
    schema = schemathesis.openapi.from_url(f"{platform.api_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 15, [operation.label for operation in operations]
    for operation in operations:
        with subtests.test(msg=operation.label):

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=fuzzer.headers, checks=CHECKS, timeout=30)

            fuzz()
