"""The queue's watch offers the call and the email as buttons once per wait (issue #17, second panel:
"the call/email buttons three turns running"): with nobody on duty, the first update has them, the
next ones say the options in words only (server/desk/waiting.py, gracious/queue_news.offer_due)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import List

from tests.helpers.hand_clock import START, Clock
from tests.server.test_queue_watch import (  # noqa: F401 - the fixtures, used by name
    Server,
    Widget,
    handoff,
    queue_settings,
    server,
    text_of,
)


def test_with_nobody_on_duty_the_buttons_come_with_the_first_update_only(server: Server, clock: Clock) -> None:  # noqa: F811
    async def scenario() -> Widget:
        widget = await Widget(server.loopback.base).open()
        try:
            mine = handoff(server.store, widget.session_id, START - timedelta(minutes=3))
            for _ in range(3):
                assert (await server.check())["told"] == [mine]
                clock.advance(minutes=3)
            await widget.heard(3)
            return widget
        finally:
            await widget.close()

    widget = asyncio.run(scenario())
    buttons: List[int] = [len(m.get("quick_replies") or []) for m in widget.said]
    assert buttons == [2, 0, 0]
    assert [m.get("text") for m in widget.said][:2] == [
        text_of("utter_queue_update_nobody", position=1),
        text_of("utter_queue_nobody_same", position=1),
    ]
