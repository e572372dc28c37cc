"""The channels' check of the action server: dead is dead, slow is only slow."""

import asyncio
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from rasa.utils.endpoints import EndpointConfig

from server.channels.rest import MessageGuard


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        time.sleep(3)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def agent_for(url: str) -> SimpleNamespace:
    return SimpleNamespace(action_endpoint=EndpointConfig(url))


def test_an_action_server_that_answers_late_is_not_taken_for_dead():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert asyncio.run(MessageGuard().actions_alive(agent_for(f"http://127.0.0.1:{port}/webhook"))) is True
    finally:
        server.shutdown()


def test_an_action_server_that_refuses_connections_is_down():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    assert asyncio.run(MessageGuard().actions_alive(agent_for(f"http://127.0.0.1:{port}/webhook"))) is False
