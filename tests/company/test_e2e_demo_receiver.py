"""End to end, as `make run` has it: the real servers, the webhook pointed at the demo company's
receiver on the Rasa server itself. A credit granted in chat travels through the outbox, signed,
to the receiver, which applies it once; asked again, the assistant reads it back from the bill.
A forged or oversized commitment is refused by the real server."""

from __future__ import annotations

import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from gracious.outbox import signing
from launch.launcher import free_port
from tests.e2e.conftest import running_servers, texts


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_credit_granted_in_chat_is_applied_by_the_demo_company_and_read_back(tmp_path: Path):
    port = free_port()
    receiver = f"http://127.0.0.1:{port}/company/demo-receiver"
    extra = {"BOT_PORT": str(port), "GRACIOUS_COMPANY_WEBHOOK_URL": receiver, "GRACIOUS_OUTBOX_POLL_SECONDS": "0.2"}
    with running_servers(tmp_path, **extra) as bot:
        forged = signing.body({"id": "grant:999", "event": "credit", "data": {"reference": "BL-30018"}})
        assert post(receiver, forged, {signing.HEADER: signing.sign(forged, b"guess"), signing.KEY_HEADER: "x"}) == 401
        assert post(receiver, b"{" + b" " * 70_000 + b"}", {signing.KEY_HEADER: "grant:1000"}) == 413

        sender = f"e2e-{uuid.uuid4().hex[:12]}"
        bot.sign_in(sender, "C002")
        bot.say(sender, "my discount never showed up on bill BL-30018")
        granted = bot.say(sender, '/choose_alternative{"alternative": "missing_discount_credit"}')
        assert "7.60" in texts(granted), texts(granted)

        company = Path(bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///"))
        deadline = time.monotonic() + 20
        rows: list = []
        while time.monotonic() < deadline and not rows:
            with sqlite3.connect(company) as conn:
                rows = conn.execute("SELECT event, reference, amount, outcome FROM applied_commitments").fetchall()
            time.sleep(0.2)
        assert rows == [("credit", "BL-30018", 7.6, "applied")]

        replies = bot.say(sender, "did the credit go through?")
        assert "Our records for BL-30018 show it now: the credit of $7.60 went through earlier today." in texts(
            replies
        ) or "It has gone through, and our records show it now." in texts(replies), texts(replies)
