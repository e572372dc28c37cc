"""A message is stored when it arrives (overrides/durable.py), where Rasa's own
log_message keeps it in memory until the turn ends; the turn ends in the same state."""

from __future__ import annotations

import asyncio
import types
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from overrides.durable import _log_and_store, _rasa_log_message

SENDER = "maya"


class Watching(CollectingOutputChannel):
    """Collects the replies, noting what the tracker store holds as each goes out."""

    def __init__(self, store: InMemoryTrackerStore, crash_at: Optional[int] = None) -> None:
        super().__init__()
        self.store = store
        self.crash_at = crash_at  # the instance dies as it sends this reply
        self.stored: List[List[str]] = []

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        tracker = await self.store.retrieve(SENDER)
        self.stored.append([e.text for e in tracker.events if e.type_name == "user"] if tracker else [])
        if self.crash_at == len(self.stored):
            raise RuntimeError("the instance died")
        await super()._persist_message(message)


def processor(model: Path, log_message: Any) -> Tuple[MessageProcessor, InMemoryTrackerStore]:
    """A real MessageProcessor on an in-memory store, logging messages with ``log_message``."""
    store = InMemoryTrackerStore(Domain.empty())
    rasa = MessageProcessor(model, store, InMemoryLockStore(), TemplatedNaturalLanguageGenerator({}))
    store.domain = rasa.domain
    rasa.nlg = TemplatedNaturalLanguageGenerator(rasa.domain.responses)
    rasa.log_message = types.MethodType(log_message, rasa)  # this processor only
    return rasa, store


def turn(model: Path, log_message: Any, crash_at: Optional[int] = None) -> Tuple[Watching, List[Dict]]:
    """One message handled; the output and the events stored at the end (timestamps left out)."""
    rasa, store = processor(model, log_message)

    async def run() -> List[Dict]:
        output = Watching(store, crash_at)
        try:
            await rasa.handle_message(UserMessage("hello", output, SENDER, message_id="m1"))
        except RuntimeError:
            pass
        tracker = await store.retrieve(SENDER)
        events = [event.as_dict() for event in tracker.events] if tracker else []
        for event in events:
            event.pop("timestamp", None)
        return output, events

    return asyncio.run(run())


def test_the_override_is_installed():
    assert MessageProcessor.log_message is _log_and_store


def test_the_message_is_stored_before_the_first_reply_where_rasa_keeps_it_in_memory(tiny_model):
    ours, _ = turn(tiny_model, _log_and_store)
    rasas, _ = turn(tiny_model, _rasa_log_message)
    assert ours.stored == [["hello"], ["hello"]]
    assert rasas.stored == [[], []]


def test_an_instance_dying_mid_turn_keeps_the_customers_words_only_with_the_override(tiny_model):
    _, ours = turn(tiny_model, _log_and_store, crash_at=2)
    _, rasas = turn(tiny_model, _rasa_log_message, crash_at=2)
    assert [e.get("text") for e in ours if e["event"] == "user"] == ["hello"]
    assert not any(e["event"] == "user" for e in rasas)


def test_the_turn_ends_in_the_state_rasas_does(tiny_model):
    ours, ours_events = turn(tiny_model, _log_and_store)
    rasas, rasas_events = turn(tiny_model, _rasa_log_message)
    assert (
        ours.messages
        == rasas.messages
        == [
            {"recipient_id": SENDER, "text": "Hello there."},
            {"recipient_id": SENDER, "text": "How can I help?"},
        ]
    )
    assert ours_events == rasas_events
    assert [e["event"] for e in ours_events if e["event"] in ("user", "bot")] == ["user", "bot", "bot"]


@pytest.mark.parametrize("save", [True, False])
def test_log_message_alone_stores_as_rasa_does_when_asked_to_and_always_here(tiny_model, save):
    async def logged(log_message: Any) -> List[str]:
        rasa, store = processor(tiny_model, log_message)
        returned = await rasa.log_message(
            UserMessage("hello", CollectingOutputChannel(), SENDER), should_save_tracker=save
        )
        assert returned.latest_message.text == "hello"
        tracker = await store.retrieve(SENDER)
        return [e.text for e in tracker.events if e.type_name == "user"] if tracker else []

    assert asyncio.run(logged(_log_and_store)) == ["hello"]
    assert asyncio.run(logged(_rasa_log_message)) == (["hello"] if save else [])
