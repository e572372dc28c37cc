"""A slow relay gets each email once: a send past the worker's deadline is waited for, not sent again."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from gracious.outbox import smtp
from gracious.outbox.worker import OutboxWorker
from gracious.stores import clock
from tests.outbox.servers import Inbox, SmtpServer
from tests.outbox.test_mail import Clock, outbox_rows, promise_thank_you


class Slow(Inbox):
    """Accepts every message, but only ``delay`` seconds after its DATA."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def test_a_relay_slower_than_the_deadline_gets_the_email_once_over_several_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    promise_thank_you()
    now = Clock(clock.now())
    with SmtpServer(Slow(delay=1.0)) as server:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", server.url)
        worker = OutboxWorker(now=now, deadline_seconds=0.2)
        delivered = 0
        for _ in range(4):
            delivered += asyncio.run(worker.run_once())
            now.step(3600)  # past any backoff: a row marked failed would be sent again
        time.sleep(1.5)  # any send still on its thread has been answered by now
        assert len(server.inbox.accepted) == 1
    assert delivered == 1
    [row] = outbox_rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 0, None)


def test_a_send_is_held_to_its_whole_budget_not_only_each_step() -> None:
    payload = {"to": "maya.okafor@example.com", "name": "Maya", "subject": "Hi", "text": "Hello"}
    with SmtpServer(Slow(delay=3.0)) as server:
        started = time.monotonic()
        with pytest.raises(smtp.DeliveryError):
            asyncio.run(smtp.send(payload, url=server.url, sender="care@example.com", timeout=2.0, budget=0.5))
        assert time.monotonic() - started < 1.5
