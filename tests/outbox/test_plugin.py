"""The Rasa-server plugin: a Sanic server with it mounted delivers the outbox in the background from
its start, adds no route, puts the channels' guards on the app, and stops its worker when the server stops."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sanic import Sanic
from sanic.response import HTTPResponse, text

from server.company.worker import OutboxWorker as OutboxPlugin
from tests.outbox.servers import SmtpServer, free_port
from tests.outbox.test_mail import outbox_rows, promise_thank_you


async def no_messages(_: Any) -> None:
    raise AssertionError("the plugin is no channel: no message comes through it")


def test_a_server_with_the_plugin_delivers_in_the_background_and_stops_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    promise_thank_you()
    plugin = OutboxPlugin.from_credentials({})
    Sanic.test_mode = True  # as every loopback server of the tests (tests/helpers/loopback_sanic.py)
    app = Sanic(f"outbox_plugin_{free_port()}")

    @app.get("/")
    async def hello(_: Any) -> HTTPResponse:  # Rasa's own route; Sanic wants at least one
        return text("Hello from Rasa")

    app.blueprint(plugin.blueprint(no_messages), url_prefix=f"/webhooks/{plugin.name()}")

    async def serve() -> float:
        server = await app.create_server(host="127.0.0.1", port=free_port(), return_asyncio_server=True)
        assert server is not None
        await server.startup()
        await server.before_start()
        await server.after_start()
        try:
            began = time.monotonic()
            while len(smtp_server.inbox.accepted) < 1 and time.monotonic() - began < 10:
                await asyncio.sleep(0.05)
            return time.monotonic() - began
        finally:
            await server.before_stop()
            await server.after_stop()
            server.close()
            await server.wait_closed()

    with SmtpServer() as smtp_server:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", smtp_server.url)
        monkeypatch.setenv("GRACIOUS_OUTBOX_POLL_SECONDS", "0.1")
        asyncio.run(serve())

    assert len(smtp_server.inbox.accepted) == 1
    assert outbox_rows()[0]["status"] == "delivered"
    assert plugin.task is None  # stopped with the server
    assert [route.path for route in app.router.routes] == [""]  # Rasa's own: the plugin exposes nothing
    assert getattr(app.ctx, "gracious_guards", None) is not None  # the channels' guards are on the app
