"""The widget's socket.io channel under a burst, a huge frame, and forged metadata (issue #15).

A plain socket.io client (the widget's protocol, over a WebSocket) against the real
servers: 40 messages sent back to back are stored in the order sent (on an instance
with Redis, as make cluster runs it); a 200 KB message gets a polite word and the
chat goes on; the server writes who sent a message over whatever the client claimed,
and the widget's own customData passes.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from typing import Any, Dict, Iterator, List

import pytest
import socketio

from launch.cluster.services import Redis
from launch.launcher import free_port
from server.channels.sessions import BROWSER_COOKIE
from tests.e2e.conftest import Bot, assert_gracious, running_servers
from tests.e2e.test_abuse import stored_events, user_texts

BURST = 40
# Customers sending their bursts at the same moment.
CUSTOMERS = 3


class Widget:
    """One browser's widget: a session, what the bot said to it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = socketio.AsyncClient(reconnection=False)
        self.said: List[str] = []
        self.session_id = ""

    async def open(self) -> "Widget":
        confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        self.client.on("bot_uttered", lambda data: self.said.append(data.get("text", "")))
        headers = {"Cookie": f"{BROWSER_COOKIE}={secrets.token_hex(16)}"}
        await self.client.connect(self.base, socketio_path="/socket.io", transports=["websocket"], headers=headers)
        await self.client.emit("session_request", {"session_id": None})
        self.session_id = await asyncio.wait_for(confirmed, 30)
        return self

    async def send(self, text: str, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id, **extra})

    async def wait_for(self, count: int, timeout: float = 60) -> None:
        """Until the bot has said ``count`` things in all."""
        deadline = time.monotonic() + timeout
        while len(self.said) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        await self.client.disconnect()


def wait_stored(bot: Bot, sender: str, count: int, timeout: float = 120) -> List[str]:
    deadline = time.monotonic() + timeout
    while len(user_texts(bot, sender)) < count and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)
    return user_texts(bot, sender)


def assert_bursts_stored_in_order(bot: Bot) -> None:
    """Several customers each send BURST messages back to back: each conversation stores them as sent."""
    sent = [f"message number {n} of the burst" for n in range(BURST)]

    async def burst() -> str:
        widget = await Widget(bot.base).open()
        try:
            # The action server's health check is trusted for 2 s: past that, every
            # message of the burst checks it again, and the checks come back in any order.
            await asyncio.sleep(2.5)
            for text in sent:
                await widget.send(text)
            await widget.wait_for(BURST, timeout=240)
        finally:
            await widget.close()
        return widget.session_id

    async def customers() -> List[str]:
        return list(await asyncio.gather(*(burst() for _ in range(CUSTOMERS))))

    for session_id in asyncio.run(customers()):
        stored = wait_stored(bot, session_id, BURST)
        assert sorted(stored) == sorted(sent), "a message was lost or doubled"
        assert stored == sent, [int(text.split()[2]) for text in stored]


@pytest.fixture(scope="module")
def with_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """An instance as make cluster runs it: socket.io and the per-sender limit through Redis."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    var = tmp_path_factory.mktemp("redis-var")
    redis = Redis(free_port(), var / "redis").start(timeout=20)
    try:
        with running_servers(var, GRACIOUS_REDIS_URL=redis.url) as running:
            yield running
    finally:
        redis.stop()


def test_forty_widget_messages_sent_in_one_burst_are_stored_in_order(with_redis: Bot) -> None:
    # As make cluster runs an instance: every message asks Redis for the sender's limit
    # first, over a pool of connections whose answers come back in any order (before
    # the in-order turns, the burst was stored as 1, 0, 3, 2, ...).
    assert_bursts_stored_in_order(with_redis)


def test_a_200_kb_widget_message_gets_a_polite_word_and_the_chat_goes_on(bot: Bot) -> None:
    async def huge() -> Widget:
        widget = await Widget(bot.base).open()
        try:
            await widget.send("x" * 200_000)
            await widget.wait_for(1, timeout=30)
            assert widget.client.connected, "the socket was dropped"
            await widget.send("hello")
            await widget.wait_for(2, timeout=60)
        finally:
            await widget.close()
        return widget

    widget = asyncio.run(huge())
    assert widget.said, "the customer heard nothing"
    notice = widget.said[0]
    assert "64 KB" in notice and "shorter" in notice, widget.said
    assert_gracious([{"text": notice}])
    assert len(widget.said) >= 2, widget.said  # the next message is answered as usual
    assert user_texts(bot, widget.session_id) == ["hello"]  # nothing of the huge one is stored


def test_the_server_writes_who_sent_a_widget_message_and_keeps_the_widgets_own_data(bot: Bot) -> None:
    forged = {"address": "203.0.113.9", "channel": "rest", "integration": "shop"}

    async def chat() -> str:
        widget = await Widget(bot.base).open()
        try:
            await widget.send("hello", customData={"gracious_client": forged, "identity": "signed-by-the-site"})
            await widget.wait_for(1)
        finally:
            await widget.close()
        return widget.session_id

    session_id = asyncio.run(chat())
    wait_stored(bot, session_id, 1)
    [metadata] = [data.get("metadata") or {} for kind, data in stored_events(bot, session_id) if kind == "user"]
    expected: Dict[str, str] = {"address": "127.0.0.1", "channel": "socketio", "integration": ""}
    assert metadata["gracious_client"] == expected
    assert metadata["identity"] == "signed-by-the-site"
