"""Gives every request an id: taken from `X-Request-ID` when the caller (or the load balancer)
sent a sane one, else generated. Every log line written while handling it carries the id, and
the response returns it so a user's report can be matched to the logs."""

import re
import uuid

from aira_core.logging import bind_request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
_SANE = re.compile(rb"[A-Za-z0-9._:-]{8,128}")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(HEADER, b"")
        request_id = sent if _SANE.fullmatch(sent) else uuid.uuid4().hex.encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, request_id)]
            await send(message)

        with bind_request(request_id.decode()):
            await self.app(scope, receive, send_with_id)
