"""The channels' check of the action server (dead is dead, slow is only slow), and
their failures logged without the customer's words."""

import asyncio
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from rasa.utils.endpoints import EndpointConfig

from server.channels.failures import log_failure
from server.channels.message_guard import MessageGuard


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


def test_an_action_server_that_refuses_connections_is_down(monkeypatch):
    monkeypatch.setenv("GRACIOUS_ACTIONS", "server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    assert asyncio.run(MessageGuard().actions_alive(agent_for(f"http://127.0.0.1:{port}/webhook"))) is False


def test_with_the_actions_in_process_there_is_no_action_server_to_ask(monkeypatch):
    monkeypatch.setenv("GRACIOUS_ACTIONS", "in-process")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The endpoint left in endpoints.yml is not asked: the actions are in this process.
    assert asyncio.run(MessageGuard().actions_alive(agent_for(f"http://127.0.0.1:{port}/webhook"))) is True


def test_a_failure_is_logged_without_its_message(caplog):
    log = logging.getLogger("test.guards")
    said = "my card is " + "-".join(str(4111 + n) for n in range(4))  # not in this file's source lines
    try:
        try:
            raise ValueError("customer said: " + said)
        except ValueError as inner:
            raise RuntimeError(f"while handling {inner}") from inner
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="test.guards"):
            log_failure(log, "Handling a message failed (text not logged).")
    assert said not in caplog.text and "4112" not in caplog.text
    assert "Handling a message failed" in caplog.text
    assert "builtins.ValueError" in caplog.text and "builtins.RuntimeError" in caplog.text
    assert "test_a_failure_is_logged_without_its_message" in caplog.text  # where it happened
