"""The switchable TCP proxy the chaos run uses to make the queue unreachable."""

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from load.tcp_proxy import TcpProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started = TcpProxy("127.0.0.1", server.server_address[1]).start()
    yield started
    started.stop()
    server.shutdown()
    server.server_close()


def _echo_through(port: int) -> bytes:
    """What comes back through the proxy; nothing when the connection is reset."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(b"ping")
            return sock.recv(16)
        except ConnectionResetError:
            return b""


def test_forwards_while_up_and_refuses_while_down(proxy: TcpProxy) -> None:
    assert _echo_through(proxy.port) == b"ping"
    proxy.down()
    assert _echo_through(proxy.port) == b""
    proxy.up()
    assert _echo_through(proxy.port) == b"ping"


def test_going_down_cuts_open_connections(proxy: TcpProxy) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(b"one")
        assert sock.recv(16) == b"one"
        proxy.down()
        with pytest.raises(OSError):
            sock.sendall(b"two")
            if not sock.recv(16):
                raise ConnectionResetError("closed by the proxy")
