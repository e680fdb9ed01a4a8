"""Oversize bodies are refused with 413 before they are read; oversize content is a 422."""

import json
import socket
from urllib.parse import urlsplit

import httpx

from tests.security.conftest import Account

BODY_LIMIT = 128 * 1024


def _raw_request(base_url: str, head: str, body_parts: list[bytes]) -> bytes:
    """Send a request over a plain socket and return what the server answered first."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        try:
            sock.sendall(head.encode())
            for part in body_parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        return sock.recv(65536)


def _conversation(api: httpx.Client, account: Account) -> int:
    response = api.post("/api/conversations", json={}, headers=account.headers)
    assert response.status_code == 201
    return int(response.json()["id"])


def test_oversize_json_body_is_refused(api: httpx.Client, alice: Account) -> None:
    conversation = _conversation(api, alice)
    huge = {"content": "x" * (2 * BODY_LIMIT)}
    response = api.post(
        f"/api/conversations/{conversation}/messages", json=huge, headers=alice.headers
    )
    assert response.status_code == 413


def test_declared_oversize_body_is_refused_before_it_is_sent(
    api: httpx.Client, alice: Account
) -> None:
    """The client announces 50 MB and sends 1 KB: the answer comes at once, without the rest."""
    conversation = _conversation(api, alice)
    head = (
        f"POST /api/conversations/{conversation}/messages HTTP/1.1\r\n"
        f"Host: localhost\r\nAuthorization: Bearer {alice.token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
    )
    answer = _raw_request(str(api.base_url), head, [b"{" + b" " * 1023])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_chunked_oversize_body_is_refused(api: httpx.Client, alice: Account) -> None:
    """Without a Content-Length the limit is counted while the body arrives."""
    conversation = _conversation(api, alice)
    head = (
        f"POST /api/conversations/{conversation}/messages HTTP/1.1\r\n"
        f"Host: localhost\r\nAuthorization: Bearer {alice.token}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b" " * 32768
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6)] + [b"0\r\n\r\n"]
    answer = _raw_request(str(api.base_url), head, parts)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_oversize_or_empty_content_is_invalid(api: httpx.Client, alice: Account) -> None:
    conversation = _conversation(api, alice)
    path = f"/api/conversations/{conversation}/messages"
    for content in ("", "x" * 20000):
        response = api.post(path, content=json.dumps({"content": content}), headers=alice.headers)
        assert response.status_code == 422, (len(content), response.status_code)
