"""Locust scenario: the seed's chat users, plus the two closed-loop probes of a run.

- `ChatUser` (the default scenario): logs in once, then loops: open or create a conversation,
  send a message, follow the answer over Server-Sent Events as the web app does, read the history,
  think 5-15 s; some users generate a story instead.
- `EnqueueUser`: posts messages back to back (no think time): the enqueue endpoint's capacity.
- `BaselineUser`: hits the bare FastAPI endpoint back to back (load/baseline_app.py).

Each request is reported under its route template. The time to the SSE response headers is API
time; the time until the answer's final event is reported separately as "ANSWER" (it contains the
queue wait and the LLM's own time). At exit the statistics (with exact merged percentiles) and the
ids of every accepted job are written as JSON into `--results-dir`.

Locust (gevent) must be imported before anything that imports boto3: keep this module free of
platform imports.
"""

import itertools
import json
import random
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, task
from locust.env import Environment

from load.locust_stats import export_stats
from load.sse import FINAL_EVENTS, parse_events

RETRYABLE_STATUSES = frozenset({0, 429, 500, 502, 503, 504})
POST_ATTEMPTS = 4
STREAM_RECONNECTS = 8
PROMPTS = (
    "Tell me a short fact about the moon.",
    "How do I say 'good night' in Korean?",
    "Suggest a name for a friendly dragon.",
    "What is a good bedtime routine for a five year old?",
    "Why is the sky blue? Explain it simply.",
)
THEMES = ("a brave little fox", "the lost star", "a rainy day adventure", "the kind robot")

_account_numbers = itertools.count()
ACCEPTED: dict[str, list[int]] = {"chat": [], "story": []}


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--account-prefix", default="load-user-", help="seeded account emails")
    parser.add_argument("--accounts", type=int, default=2000, help="number of seeded accounts")
    parser.add_argument("--account-password", default="load-password", help="their password")
    parser.add_argument("--story-share", type=float, default=0.1, help="loops that make a story")
    parser.add_argument("--think-min", type=float, default=5.0)
    parser.add_argument("--think-max", type=float, default=15.0)
    parser.add_argument("--results-dir", default="", help="where stats.json/accepted.json go")
    parser.add_argument("--tokens-file", default="", help="JSON list of access tokens: no login")


@events.quitting.add_listener
def _write_results(environment: Environment, **_kwargs: Any) -> None:
    results_dir = environment.parsed_options.results_dir if environment.parsed_options else ""
    if not results_dir:
        return
    directory = Path(results_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "locust-stats.json").write_text(json.dumps(export_stats(environment), indent=2))
    (directory / "accepted.json").write_text(json.dumps(ACCEPTED))


class AnswerNotDone(Exception):
    """The followed job ended in another final state than done (or never ended)."""


class AiraUser(FastHttpUser):
    abstract = True
    # SSE responses can stay open during a fault; the platform sends keep-alive pings.
    network_timeout = 90.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        options = self.environment.parsed_options
        number = next(_account_numbers) % options.accounts
        if options.tokens_file:
            tokens = json.loads(Path(options.tokens_file).read_text())
            token = tokens[number % len(tokens)]
        else:
            token = self.log_in(f"{options.account_prefix}{number}@load.aira.test")
        self.auth = {"Authorization": f"Bearer {token}"}
        self.conversations: list[int] = []

    def log_in(self, email: str) -> str:
        """The OAuth2 password flow; tries again (after a pause) until it succeeds."""
        password = self.environment.parsed_options.account_password
        form = urlencode({"username": email, "password": password})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        token: str | None = None
        while token is None:
            with self.client.post(
                "/api/auth/token", data=form, headers=headers, catch_response=True
            ) as response:
                if response.status_code == 200:
                    token = response.json()["access_token"]
                else:
                    response.failure(f"login: HTTP {response.status_code}")
                    time.sleep(2.0)
        return token

    def post_job(self, path: str, payload: dict[str, Any], name: str, idempotent: bool) -> Any:
        """POST a job; on a retryable error try again with the same Idempotency-Key, as a
        client does that never saw the answer. Returns the 202 body or None."""
        headers = dict(self.auth)
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        attempts = POST_ATTEMPTS if idempotent else 1
        for attempt in range(attempts):
            with self.client.post(
                path, json=payload, headers=headers, name=name, catch_response=True
            ) as response:
                if response.status_code == 202:
                    return response.json()
                response.failure(f"HTTP {response.status_code}")
                if response.status_code not in RETRYABLE_STATUSES:
                    return None
            time.sleep(min(8.0, 0.5 * 2**attempt))
        return None

    def follow(self, events_path: str, name: str, kind: str) -> None:
        """Read the job's SSE stream until its final event, resuming with Last-Event-ID after a
        dropped connection, and report the whole wait as one ANSWER sample."""
        started = time.perf_counter()
        last_event_id: str | None = None
        outcome: str | None = None
        for _ in range(STREAM_RECONNECTS):
            headers = {**self.auth, "Accept": "text/event-stream", "Connection": "close"}
            if last_event_id is not None:
                headers["Last-Event-ID"] = last_event_id
            with self.client.get(
                events_path, headers=headers, name=name, stream=True, catch_response=True
            ) as response:
                streaming = response.status_code == 200
                if not streaming:
                    response.failure(f"HTTP {response.status_code}")
            if streaming:
                outcome, last_event_id = self._read_stream(response, last_event_id)
            if outcome is not None:
                break
            time.sleep(1.0)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.environment.events.request.fire(
            request_type="ANSWER",
            name=f"{kind} answer (incl. queue + LLM)",
            response_time=elapsed_ms,
            response_length=0,
            exception=None if outcome == "done" else AnswerNotDone(outcome or "no final event"),
            context={},
        )

    @staticmethod
    def _read_stream(response: Any, last_event_id: str | None) -> tuple[str | None, str | None]:
        outcome = None
        try:
            for event in parse_events(response.iter_content(chunk_size=4096)):
                last_event_id = event.id or last_event_id
                if event.name in FINAL_EVENTS:
                    outcome = event.name
        except Exception:  # a dropped or timed-out stream: resume with Last-Event-ID
            return None, last_event_id
        return outcome, last_event_id


class ChatUser(AiraUser):
    def wait_time(self) -> float:
        options = self.environment.parsed_options
        return random.uniform(options.think_min, options.think_max)

    @task
    def visit(self) -> None:
        if random.random() < self.environment.parsed_options.story_share:
            self.make_story()
        else:
            self.chat()

    def chat(self) -> None:
        conversation_id = self.open_or_create_conversation()
        if conversation_id is None:
            return
        accepted = self.post_job(
            f"/api/conversations/{conversation_id}/messages",
            {"content": random.choice(PROMPTS)},
            name="/api/conversations/{id}/messages",
            idempotent=True,
        )
        if accepted is None:
            return
        answer_id = accepted["assistant_message"]["id"]
        ACCEPTED["chat"].append(answer_id)
        self.follow(f"/api/messages/{answer_id}/events", "/api/messages/{id}/events", "chat")
        self.client.get(
            f"/api/conversations/{conversation_id}",
            headers=self.auth,
            name="/api/conversations/{id}",
        )

    def open_or_create_conversation(self) -> int | None:
        if not self.conversations or random.random() < 0.2:
            with self.client.post(
                "/api/conversations",
                json={"title": "Load test"},
                headers=self.auth,
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"HTTP {response.status_code}")
                    return None
                self.conversations.append(response.json()["id"])
                return self.conversations[-1]
        self.client.get("/api/conversations", headers=self.auth)
        return random.choice(self.conversations)

    def make_story(self) -> None:
        payload = {
            "child_name": "Mina",
            "age": random.randint(3, 9),
            "theme": random.choice(THEMES),
            "length": "short",
            "language": random.choice(("ko", "en")),
        }
        accepted = self.post_job("/api/stories", payload, name="/api/stories", idempotent=False)
        if accepted is None:
            return
        story_id = accepted["id"]
        ACCEPTED["story"].append(story_id)
        self.follow(f"/api/stories/{story_id}/events", "/api/stories/{id}/events", "story")
        self.client.get(f"/api/stories/{story_id}", headers=self.auth, name="/api/stories/{id}")


class EnqueueUser(AiraUser):
    """Closed loop on the enqueue endpoint. Each user spreads its messages over conversations of
    its own: answers within one conversation are generated one after the other (FIFO group), so
    one conversation would turn the drain after the probe into a long queue."""

    wait_time = constant(0)
    conversations_per_user = 16

    def on_start(self) -> None:
        super().on_start()
        for _ in range(self.conversations_per_user):
            response = self.client.post("/api/conversations", json={}, headers=self.auth)
            self.conversations.append(response.json()["id"])

    @task
    def enqueue(self) -> None:
        accepted = self.post_job(
            f"/api/conversations/{random.choice(self.conversations)}/messages",
            {"content": random.choice(PROMPTS)},
            name="/api/conversations/{id}/messages",
            idempotent=True,
        )
        if accepted is not None:
            ACCEPTED["chat"].append(accepted["assistant_message"]["id"])


class BaselineUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def ping(self) -> None:
        self.client.get("/ping")
