"""A local AlertManager webhook receiver: prints each notification as one line per alert.

Stands in for the SNS topic on a developer machine, so firing alerts show up in the terminal
that runs `uv run nox -s monitoring`.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO


def describe(notification: dict[str, Any], receiver: str) -> list[str]:
    """One line per alert: status, receiver (severity), name and summary."""
    lines = []
    for alert in notification.get("alerts", []):
        name = alert.get("labels", {}).get("alertname", "?")
        summary = alert.get("annotations", {}).get("summary", "")
        lines.append(f"[alert] {alert.get('status', '?')} {receiver} {name}: {summary}")
    return lines


def start_receiver(host: str, port: int, out: TextIO = sys.stdout) -> ThreadingHTTPServer:
    """Serve in a daemon thread; the path's last segment names the receiver."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            notification = json.loads(self.rfile.read(length) or b"{}")
            for line in describe(notification, self.path.rstrip("/").rsplit("/", 1)[-1]):
                print(line, file=out, flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Alerts are printed above; the access log would only repeat them."""

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="alert-webhook", daemon=True).start()
    return server
