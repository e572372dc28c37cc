"""Updates before they ask, end to end: the company POSTs a signed order event to the real Rasa server,
and the order's owner, chatting in the widget, hears it at once; another customer's widget hears nothing."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

from gracious import identity
from gracious.outbox import signing
from gracious.secrets import load_secret
from server.company.notify import late_goodwill, money
from tests.e2e.conftest import SITE_SECRET, Bot
from tests.e2e.test_widget_socket import Widget

ORDER = "LK-10424"  # Maya's jacket (C001), being packed and on time


def post_event(bot: Bot, body: Dict[str, Any], secret: bytes) -> Tuple[int, Dict[str, Any]]:
    raw = json.dumps(body).encode()
    request = urllib.request.Request(
        f"{bot.base}/company/events",
        data=raw,
        headers={"Content-Type": "application/json", signing.HEADER: signing.sign(raw, secret)},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@contextmanager
def order_kept_as_it_was(bot: Bot, order: str = ORDER) -> Iterator[None]:
    """Other tests read the demo order: put it back as it was after this one."""
    path = bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        before = db.execute("SELECT status, promised_on, delivered_on FROM orders WHERE id = ?", (order,)).fetchone()
    try:
        yield
    finally:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE orders SET status = ?, promised_on = ?, delivered_on = ? WHERE id = ?", (*before, order))


class WidgetWithButtons(Widget):
    """A widget that keeps each message whole: its text and its quick replies."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        self.messages: List[Dict[str, Any]] = []

    async def open(self) -> "WidgetWithButtons":
        await super().open()
        self.client.on("bot_uttered", self.heard)  # in place of the plain widget's, which keeps the text only
        return self

    def heard(self, data: Dict[str, Any]) -> None:
        self.messages.append(data)
        self.said.append(data.get("text", ""))


async def signed_in_widget(bot: Bot, customer_id: str) -> WidgetWithButtons:
    widget = await WidgetWithButtons(bot.base).open()
    signed = identity.sign(customer_id, secret=SITE_SECRET.encode())
    await widget.send("hi", customData={"identity": signed})
    await widget.wait_for(1)
    assert widget.said, "the widget had no greeting"
    return widget


def test_an_order_event_reaches_its_owners_widget_at_once_and_nobody_elses(bot: Bot) -> None:
    secret = load_secret(Path(bot.env["GRACIOUS_VAR_DIR"]), None, signing.SECRET_FILE)
    event = {"id": f"e2e-{time.time_ns()}", "event": "status_changed", "order_id": ORDER, "status": "out for delivery"}

    async def chat() -> Tuple[Widget, Widget, Tuple[int, Dict[str, Any]], Tuple[int, Dict[str, Any]]]:
        owner = await signed_in_widget(bot, "C001")
        stranger = await signed_in_widget(bot, "C002")
        heard_before = (len(owner.said), len(stranger.said))
        try:
            forged = await asyncio.to_thread(post_event, bot, event, b"not-the-company")
            answered = await asyncio.to_thread(post_event, bot, event, secret)
            await owner.wait_for(heard_before[0] + 1, timeout=15)
            await asyncio.sleep(1)  # anything the stranger might wrongly be sent arrives by now
        finally:
            await owner.close()
            await stranger.close()
        owner.said = owner.said[heard_before[0] :]
        stranger.said = stranger.said[heard_before[1] :]
        return owner, stranger, forged, answered

    with order_kept_as_it_was(bot):
        owner, stranger, forged, answered = asyncio.run(chat())
        assert forged[0] == 401
        assert answered == (200, {"id": event["id"], "status": "handled", "told": "widget"})
        [update] = owner.said
        assert f"{ORDER} (jacket): it's now out for delivery" in update
        assert stranger.said == []
        # In the conversation's history too, as the assistant's words.
        said = [e.get("text") for e in bot.tracker(owner.session_id)["events"] if e.get("event") == "bot"]
        assert update in said
        # The same event again changes nothing and tells nobody twice.
        assert post_event(bot, event, secret) == (200, {"id": event["id"], "status": "already handled"})


def test_a_late_order_is_said_with_the_goodwill_offered_and_one_tap_brings_the_offer(bot: Bot) -> None:
    late = "LK-10423"  # Priya's grinder (C003), promised three days ago, still in transit
    secret = load_secret(Path(bot.env["GRACIOUS_VAR_DIR"]), None, signing.SECRET_FILE)
    event = {"id": f"e2e-{time.time_ns()}", "event": "status_changed", "order_id": late, "status": "at the depot"}
    goodwill = late_goodwill()
    assert goodwill is not None
    signed = identity.sign("C003", secret=SITE_SECRET.encode())

    async def chat() -> Tuple[Dict[str, Any], List[str], List[str]]:
        priya = await signed_in_widget(bot, "C003")
        try:
            heard = len(priya.messages)
            assert (await asyncio.to_thread(post_event, bot, event, secret))[1]["told"] == "widget"
            await priya.wait_for(heard + 1, timeout=15)
            update = priya.messages[heard]
            [button] = update["quick_replies"]
            await priya.send(button["payload"], customData={"identity": signed})
            await priya.wait_for(heard + 2, timeout=60)
            await asyncio.sleep(2)  # the rest of the answer
            after = priya.messages[heard + 1 :]
            return (
                update,
                [m.get("text", "") for m in after],
                [r["title"] for m in after for r in m.get("quick_replies") or []],
            )
        finally:
            await priya.close()

    with order_kept_as_it_was(bot, late):
        update, answer, offered = asyncio.run(chat())
    assert f"{late} (coffee grinder) was promised for" in update["text"]
    assert "it's still at the depot" in update["text"]
    assert f"goodwill credit of {money(goodwill)}" in update["text"]
    assert update["quick_replies"][0]["payload"] == '/check_order_status{"order_id":"LK-10423"}'
    # The tap opens the order's case: the apology and the catalog's options, the credit among them.
    assert any(late in text for text in answer), answer
    assert any(money(goodwill) in title for title in offered), offered
