"""Faults: a dead action server gets an apology, a restarted Rasa server loses nothing.

Named to run last: these tests stop and restart the shared servers.
"""

from __future__ import annotations

import asyncio

from gracious.stores.records import Records
from tests.e2e.conftest import Bot, assert_gracious


def test_dead_action_server_gets_apology_and_contact_offer_then_service_resumes(bot: Bot, sender: str) -> None:
    bot.say(sender, "hello")
    bot.servers.stop_one("actions")
    try:
        replies = bot.say(sender, "my bill BL-30017 is wrong")
        assert_gracious(replies)
        assert "isn't responding" in replies[0]["text"]
        replies = bot.say(sender, "you can email me at sam.lee@example.com")
        assert "contact you today" in replies[0]["text"]
        user_texts = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
        assert "my bill BL-30017 is wrong" in user_texts  # nothing the customer typed is lost
        records = Records(f"sqlite:///{bot.env['GRACIOUS_VAR_DIR']}/gracious.db")
        rows = asyncio.run(records.rows("handoffs", sender))
        assert rows and rows[-1]["reason"] == "service_outage"
        assert "sam.lee@example.com" in rows[-1]["summary"]
    finally:
        bot.servers.start_actions()
    replies = bot.say(sender, "my bill BL-30017 is wrong, the discount is too small")
    assert_gracious(replies)
    assert "domestic calls only" in " ".join(r.get("text", "") for r in replies)


def test_conversation_survives_a_rasa_server_restart(bot: Bot, sender: str) -> None:
    bot.say(sender, "I never got my volume discount on my bill")
    before = bot.tracker(sender)
    assert before["active_loop"].get("name") == "case_form"
    bot.servers.stop_one("bot")
    bot.servers.start_bot()
    after = bot.tracker(sender)
    assert len(after["events"]) >= len(before["events"])
    replies = bot.say(sender, "BL-30017")  # the form carries on where it was
    assert "domestic calls only" in " ".join(r.get("text", "") for r in replies)
