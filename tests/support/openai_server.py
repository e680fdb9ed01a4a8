"""A real HTTP server speaking the OpenAI chat-completions API, with faults injected at run time.

It answers `POST /v1/chat/completions` (and `/chat/completions`) as the official `openai` SDK
expects: a JSON completion, or with `"stream": true` Server-Sent Events of
`chat.completion.chunk` objects (`choices[0].delta.content`), a final chunk with `finish_reason`,
a usage chunk when `stream_options.include_usage` is set, then `data: [DONE]`.

Answers are deterministic and show what the server was sent: they quote the last user message and
the user message before it (so a test can tell the conversation history reached the model), and
a request whose system prompt asks for the story format (a `Title:` line, pages separated by a
line `---`) gets a story in that format. An answer takes `latency` seconds in total, spread over
its tokens (default 2.0, as in the load tests). A `note` set through `POST /_control` is added as a
last sentence to every chat answer until changed (`""` removes it), as sampling would word a
regenerated answer differently.

Faults are armed through `POST /_control` (or `OpenAIServerControl`), each for the next `count`
requests or, with `"count": null`, for every request until reset:

    rate_limit          429 with Retry-After (`retry_after` seconds), code rate_limit_exceeded
    insufficient_quota  429, code insufficient_quota (never worth retrying)
    server_error        500
    bad_request         400, code invalid_request_error
    unauthorized        401, code invalid_api_key
    content_filter      200, the stream stops early with finish_reason "content_filter"
    stall               the stream sends a few tokens, then hangs until the client gives up

`GET /_control` returns the counters (requests, completions, faults served) and the last
requests received. Run it alone with `python -m tests.support.openai_server --port N
[--latency S]`; in a test with `with running_openai_server() as server: ...` (a thread) or
`running_openai_server_process()`, or the fixtures in `tests/support/fixtures.py`.
"""

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

FaultName = Literal[
    "rate_limit",
    "insufficient_quota",
    "server_error",
    "bad_request",
    "unauthorized",
    "content_filter",
    "stall",
]
STORY_MARKERS = ("Title:", "---")
STALL_AFTER_TOKENS = 3
RECENT_REQUESTS = 50


class FaultRequest(BaseModel):
    """Body of `POST /_control`: arm a fault, change the latency, or reset everything."""

    fault: FaultName | None = None
    count: int | None = Field(default=1, ge=1)  # None: every request until reset
    retry_after: float = Field(default=1.0, ge=0)
    latency: float | None = Field(default=None, ge=0)
    note: str | None = Field(default=None, max_length=200)  # "": no note
    reset: bool = False


@dataclass
class ArmedFault:
    name: FaultName
    remaining: int | None  # None: never runs out
    retry_after: float


@dataclass
class ServerState:
    latency: float
    note: str = ""
    faults: deque[ArmedFault] = field(default_factory=deque)
    counters: Counter[str] = field(default_factory=Counter)
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=RECENT_REQUESTS))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self) -> ArmedFault | None:
        """The fault this request gets, if any (the oldest armed one is used up first)."""
        with self.lock:
            if not self.faults:
                return None
            fault = self.faults[0]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.popleft()
            self.counters[f"fault_{fault.name}"] += 1
            return fault

    def count(self, name: str) -> None:
        with self.lock:
            self.counters[name] += 1

    def apply(self, control: FaultRequest) -> None:
        with self.lock:
            if control.reset:
                self.faults.clear()
                self.counters.clear()
                self.recent.clear()
                self.note = ""
            if control.latency is not None:
                self.latency = control.latency
            if control.note is not None:
                self.note = control.note
            if control.fault is not None:
                self.faults.append(ArmedFault(control.fault, control.count, control.retry_after))

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "latency": self.latency,
                "note": self.note,
                "counters": dict(self.counters),
                "armed": [
                    {"fault": f.name, "remaining": f.remaining, "retry_after": f.retry_after}
                    for f in self.faults
                ],
                "recent": list(self.recent),
            }


def _user_messages(messages: list[dict[str, Any]]) -> list[str]:
    return [_text_of(m.get("content")) for m in messages if m.get("role") == "user"]


def _text_of(content: Any) -> str:
    """Message content is a string or a list of content parts."""
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def _wants_story(messages: list[dict[str, Any]]) -> bool:
    system = " ".join(_text_of(m.get("content")) for m in messages if m.get("role") == "system")
    return all(marker in system for marker in STORY_MARKERS)


def answer_for(messages: list[dict[str, Any]], note: str = "") -> str:
    """The deterministic answer to a conversation; `note` ends a chat answer."""
    said = _user_messages(messages)
    last = said[-1] if said else ""
    if _wants_story(messages):
        return (
            "Title: The Echo Story\n\n"
            f"Once upon a time someone asked: {last}\n\n---\n\n"
            "A brave little fox set out to answer and found a friend on the way.\n\n---\n\n"
            "They shared what they had, and everyone went home happy. The end."
        )
    heard_before = f" Earlier you said: {said[-2]}." if len(said) > 1 else ""
    ending = f" {note}" if note else ""
    return f"You said: {last}.{heard_before} This is answer number {len(said)}.{ending}"


def tokens_of(text: str) -> list[str]:
    """Split text into word-sized tokens that join back to exactly the text."""
    tokens: list[str] = []
    for word in text.split(" "):
        tokens.append(word if not tokens else " " + word)
    return tokens


def _error(status: int, message: str, kind: str, code: str | None, **headers: str) -> Response:
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def _fault_response(fault: ArmedFault) -> Response | None:
    """The error response of a fault answered before any token, or None for stream faults."""
    if fault.name == "rate_limit":
        retry_after = f"{fault.retry_after:g}"
        return _error(
            429,
            "Rate limit reached for requests. Please try again later.",
            "requests",
            "rate_limit_exceeded",
            **{"retry-after": retry_after, "retry-after-ms": str(int(fault.retry_after * 1000))},
        )
    if fault.name == "insufficient_quota":
        message = "You exceeded your current quota, please check your plan and billing details."
        return _error(429, message, "insufficient_quota", "insufficient_quota")
    if fault.name == "server_error":
        return _error(
            500, "The server had an error while processing your request.", "server_error", None
        )
    if fault.name == "bad_request":
        return _error(400, "Invalid request.", "invalid_request_error", "invalid_request_error")
    if fault.name == "unauthorized":
        return _error(
            401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
        )
    return None


def _chunk(completion_id: str, model: str, delta: dict[str, Any], finish: str | None) -> str:
    chunk = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n"


def _usage(prompt: list[dict[str, Any]], answer_tokens: int) -> dict[str, int]:
    prompt_tokens = sum(len(_text_of(m.get("content")).split()) for m in prompt) or 1
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": answer_tokens,
        "total_tokens": prompt_tokens + answer_tokens,
    }


async def _hang(state: ServerState, request: Request) -> None:
    """Stall: send nothing more until the client gives up and disconnects."""
    state.count("stalls")
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline and not await request.is_disconnected():
        await asyncio.sleep(0.1)


async def _stream(
    state: ServerState, http: Request, request: dict[str, Any], fault: ArmedFault | None
) -> AsyncIterator[str]:
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    model = str(request.get("model", "test-model"))
    messages = list(request.get("messages", []))
    tokens = tokens_of(answer_for(messages, state.note))
    delay = state.latency / max(len(tokens), 1)
    finish = "stop"
    yield _chunk(completion_id, model, {"role": "assistant", "content": ""}, None)
    for index, token in enumerate(tokens):
        if fault is not None and fault.name == "stall" and index == STALL_AFTER_TOKENS:
            await _hang(state, http)
            return
        if fault is not None and fault.name == "content_filter" and index == STALL_AFTER_TOKENS:
            finish = "content_filter"
            break
        await asyncio.sleep(delay)
        yield _chunk(completion_id, model, {"content": token}, None)
    yield _chunk(completion_id, model, {}, finish)
    if (request.get("stream_options") or {}).get("include_usage"):
        usage_chunk = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [],
            "usage": _usage(messages, len(tokens)),
        }
        yield f"data: {json.dumps(usage_chunk)}\n\n"
    yield "data: [DONE]\n\n"
    state.count("completions")


async def _complete(
    state: ServerState, http: Request, request: dict[str, Any], fault: ArmedFault | None
) -> Response:
    messages = list(request.get("messages", []))
    text = answer_for(messages, state.note)
    tokens = tokens_of(text)
    finish = "stop"
    if fault is not None and fault.name == "stall":
        await _hang(state, http)
        return Response(status_code=504)
    if fault is not None and fault.name == "content_filter":
        text, finish = "".join(tokens[:STALL_AFTER_TOKENS]), "content_filter"
    await asyncio.sleep(state.latency)
    state.count("completions")
    return JSONResponse(
        {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(request.get("model", "test-model")),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish,
                }
            ],
            "usage": _usage(messages, len(tokens)),
        }
    )


def create_app(latency: float = 2.0) -> FastAPI:
    app = FastAPI(title="OpenAI-compatible test server")
    state = ServerState(latency=latency)
    app.state.server_state = state

    async def chat_completions(request: Request) -> Response:
        body = await request.json()
        state.count("requests")
        with state.lock:
            state.recent.append({"model": body.get("model"), "messages": body.get("messages")})
        fault = state.take_fault()
        if fault is not None and (error := _fault_response(fault)) is not None:
            return error
        if body.get("stream"):
            return StreamingResponse(
                _stream(state, request, body, fault),
                media_type="text/event-stream",
                headers={"cache-control": "no-cache"},
            )
        return await _complete(state, request, body, fault)

    app.add_api_route("/v1/chat/completions", chat_completions, methods=["POST"])
    app.add_api_route("/chat/completions", chat_completions, methods=["POST"])

    @app.post("/_control")
    async def control(change: FaultRequest) -> dict[str, Any]:
        state.apply(change)
        return state.snapshot()

    @app.get("/_control")
    async def stats() -> dict[str, Any]:
        return state.snapshot()

    return app


class OpenAIServerControl:
    """Client for the control endpoint of a running server (in-process or another process)."""

    def __init__(self, root_url: str) -> None:
        self.root_url = root_url.rstrip("/")

    def _post(self, **change: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.root_url}/_control", json=change, timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def inject(
        self, fault: FaultName, count: int | None = 1, *, retry_after: float = 1.0
    ) -> dict[str, Any]:
        """Arm `fault` for the next `count` requests (None: every request until reset)."""
        return self._post(fault=fault, count=count, retry_after=retry_after)

    def always_fail(self, fault: FaultName = "server_error") -> dict[str, Any]:
        return self.inject(fault, None)

    def set_latency(self, seconds: float) -> dict[str, Any]:
        return self._post(latency=seconds)

    def set_note(self, note: str) -> dict[str, Any]:
        """End every chat answer with `note` ("" removes it)."""
        return self._post(note=note)

    def reset(self) -> dict[str, Any]:
        """Disarm every fault and zero the counters."""
        return self._post(reset=True)

    def stats(self) -> dict[str, Any]:
        response = httpx.get(f"{self.root_url}/_control", timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def counter(self, name: str) -> int:
        return int(self.stats()["counters"].get(name, 0))


@dataclass(frozen=True)
class RunningServer:
    root_url: str
    control: OpenAIServerControl

    @property
    def base_url(self) -> str:
        """What to give the SDK (`OPENAI_BASE_URL`)."""
        return f"{self.root_url}/v1"


def _bound_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


@contextmanager
def running_openai_server(latency: float = 0.2, host: str = "127.0.0.1") -> Iterator[RunningServer]:
    """Serve in a background thread on a free port for the duration of the block."""
    sock = _bound_socket(host, 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(latency), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the OpenAI test server did not start")
        time.sleep(0.02)
    root_url = f"http://{host}:{port}"
    try:
        yield RunningServer(root_url, OpenAIServerControl(root_url))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def running_openai_server_process(latency: float = 0.2) -> Iterator[RunningServer]:
    """Serve from a separate Python process (its own CPU time, as in load tests)."""
    sock = _bound_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "tests.support.openai_server"]
    arguments = ["--port", str(port), "--latency", str(latency)]
    process = subprocess.Popen([*command, *arguments], cwd=Path(__file__).parents[2])
    root_url = f"http://127.0.0.1:{port}"
    control = OpenAIServerControl(root_url)
    try:
        _wait_until_serving(control, process)
        yield RunningServer(root_url, control)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_serving(control: OpenAIServerControl, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            control.stats()
            return
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the OpenAI test server process did not start") from None
            time.sleep(0.1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--latency", type=float, default=2.0, help="seconds per answer")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.latency), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
