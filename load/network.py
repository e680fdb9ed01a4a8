"""Small network helpers: free ports and waiting for an HTTP endpoint to answer."""

import socket
import time

import httpx


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it; we release it at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, alive: object = None) -> None:
    """Poll `url` until it answers 2xx; `alive()` (optional) aborts early when the server died."""
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            raise RuntimeError(f"server behind {url} exited before it became ready")
        try:
            response = httpx.get(url, timeout=2.0)
            if response.is_success:
                return
            last_error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last_error = type(exc).__name__
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s ({last_error})")
