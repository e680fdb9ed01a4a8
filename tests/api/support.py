"""Helpers for API tests: a real uvicorn server in a thread, clients, SSE reading, job driving."""

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from aira_core import jobs
from aira_core.jobs import Claim, JobRef
from aira_core.models import JobKind
from fastapi import FastAPI
from httpx_sse import ServerSentEvent, connect_sse
from sqlalchemy import Engine

PASSWORD = "correct horse battery"
TEST_JWT_SECRET = "test-secret-" + "x" * 40


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run the app with uvicorn on a free loopback port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="api-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Api:
    base_url: str
    engine: Engine

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=10)

    def register(self, email: str | None = None, password: str = PASSWORD) -> str:
        """Register a new user and return its access token."""
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        with self.client() as client:
            created = client.post("/api/auth/register", json={"email": email, "password": password})
            assert created.status_code == 201, created.text
            return self.login(email, password)

    def login(self, email: str, password: str = PASSWORD) -> str:
        with self.client() as client:
            response = client.post(
                "/api/auth/token", data={"username": email, "password": password}
            )
            assert response.status_code == 200, response.text
            return str(response.json()["access_token"])

    def user(self) -> httpx.Client:
        """A client signed in as a new user."""
        return self.client(self.register())


# `launch_api(**settings)` fixture: serves an app with other settings, engine or queue.
Launch = Callable[..., AbstractContextManager[Api]]


def read_events(
    client: httpx.Client, path: str, *, last_event_id: str | None = None, limit: int = 1000
) -> list[ServerSentEvent]:
    """Read a stream until its final event (done, failed or cancelled) or until it closes."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    events: list[ServerSentEvent] = []
    with connect_sse(client, "GET", path, headers=headers) as source:
        assert source.response.status_code == 200, source.response.read()
        for event in source.iter_sse():
            events.append(event)
            if event.event in ("done", "failed", "cancelled") or len(events) >= limit:
                break
    return events


def text_of(events: list[ServerSentEvent]) -> str:
    """The text a client following the protocol holds after these events."""
    text = ""
    for event in events:
        if event.event == "reset":
            text = ""
        elif event.event == "delta":
            text += event.json()["text"]
    return text


def claim_answer(engine: Engine, message: dict[str, object]) -> Claim:
    """Act as the worker: take the queued job."""
    ref = JobRef(JobKind.chat, int(str(message["id"])), int(str(message.get("attempt", 1))))
    claim = jobs.claim(engine, ref, lease_seconds=60)
    assert claim is not None
    return claim
