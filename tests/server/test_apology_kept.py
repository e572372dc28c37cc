"""The channels' apology is kept in the conversation, as the assistant's own replies are, so the
desk's transcript and `make review` show what the customer read (a real in-memory tracker
store and lock store; the fake agent only holds them)."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered

from server.channels.message_guard import said
from studio.review_store import load_domain

DOMAIN = load_domain()
TROUBLE = DOMAIN.responses["utter_service_trouble"][0]["text"]


def agent() -> SimpleNamespace:
    return SimpleNamespace(
        domain=DOMAIN,
        nlg=TemplatedNaturalLanguageGenerator(DOMAIN.responses),
        lock_store=InMemoryLockStore(),
        tracker_store=InMemoryTrackerStore(DOMAIN),
    )


def test_the_apology_is_sent_and_kept_after_the_message() -> None:
    bot = agent()

    async def run() -> list:
        tracker = await bot.tracker_store.get_or_create_tracker("maya")
        tracker.update(UserUttered("my bill is wrong", {"name": "dispute_charge", "confidence": 0.9}))
        await bot.tracker_store.save(tracker)
        sent = await said(bot, "utter_service_trouble", "maya")
        assert sent == {"recipient_id": "maya", "text": TROUBLE}
        return list((await bot.tracker_store.retrieve("maya")).events)

    events = asyncio.run(run())
    assert isinstance(events[-2], UserUttered)
    assert isinstance(events[-1], BotUttered)
    assert (events[-1].text, events[-1].metadata) == (TROUBLE, {"utter_action": "utter_service_trouble"})


def test_a_conversation_that_cannot_be_kept_still_gets_its_apology(caplog) -> None:
    bot = agent()

    async def broken(sender: str) -> None:
        raise ConnectionError("the tracker store is away")

    bot.tracker_store.retrieve = broken
    with caplog.at_level(logging.ERROR):
        sent = asyncio.run(said(bot, "utter_service_trouble", "maya"))
    assert sent["text"] == TROUBLE
    assert "Keeping a channel's reply in the conversation failed." in caplog.text
    assert "ConnectionError (message not logged)" in caplog.text
