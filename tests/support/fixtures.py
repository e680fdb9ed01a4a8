"""Pytest fixtures for the OpenAI-speaking test server. Use them from an area's conftest.py:

from tests.support.fixtures import openai_server  # noqa: F401 (a fixture)
"""

from collections.abc import Iterator

import pytest

from tests.support.openai_server import (
    RunningServer,
    running_openai_server,
    running_openai_server_process,
)


@pytest.fixture
def openai_server() -> Iterator[RunningServer]:
    """The server in a thread of the test process, 0.2 s per answer; faults via `.control`."""
    with running_openai_server(latency=0.2) as server:
        yield server


@pytest.fixture
def openai_server_process() -> Iterator[RunningServer]:
    """The server in its own process, 0.2 s per answer; faults via `.control`."""
    with running_openai_server_process(latency=0.2) as server:
        yield server
