"""Faults: a dead action server gets an apology, a restarted Rasa server loses nothing.

These tests stop and restart servers, so they have servers of their own: no other
test sees the restarts, whatever order the tests run in.
"""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest

from gracious.stores.records import Records
from tests.e2e.conftest import Bot, assert_gracious, running_servers, texts


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """This module's own servers, in place of the session's shared ones."""
    with running_servers(tmp_path_factory.mktemp("restarts-var"), GRACIOUS_ACTIONS="server") as running:
        yield running


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
    assert "domestic calls only" in texts(replies)


def test_conversation_survives_a_rasa_server_restart(bot: Bot, sender: str) -> None:
    bot.sign_in(sender, None)  # a guest, asked for the bill (a signed-in customer's only bill is not asked for)
    bot.say(sender, "I never got my volume discount on my bill")
    before = bot.tracker(sender)
    assert before["active_loop"].get("name") == "case_form"
    bot.servers.stop_one("bot")
    bot.servers.start_bot()
    after = bot.tracker(sender)
    assert after["events"][: len(before["events"])] == before["events"]  # nothing lost or changed
    assert after["slots"] == before["slots"] and after["active_loop"] == before["active_loop"]
    replies = bot.say(sender, "BL-30017, the email on it is maya.okafor@example.com")  # the form carries on
    assert "domestic calls only" in texts(replies)
