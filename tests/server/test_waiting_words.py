"""A waiting customer's words (server/dialogue/waiting.py): only dropping the wait itself leaves the
queue; a cancel of something else is words for the person who will pick the case up."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import ROOT
from server.dialogue import waiting

DOMAIN = Domain.load(str(ROOT / "domain.yml"))

LEAVES = [
    "cancel",
    "Cancel.",
    "never mind",
    "never mind, cancel",
    "ok never mind thanks",
    "forget it",
    "forget it, I'll wait for an email",
    "i'll stop waiting",
    "stop waiting",
    "cancel the chat",
    "don't need a person anymore",
    "I don't need to talk to a person anymore thanks",
    "take me out of the queue",
    "I don't want to wait any more",
    "forget the whole thing",
]
STAYS = [
    "can you cancel my order LK-10423 instead",
    "never mind the refund, I just want the right item",
    "I need to stop waiting for the delivery, it's late",
    "I'll stop waiting for the delivery",
    "I want to cancel my order",
    "cancel the refund",
    "hello? is anyone there?",
]


def waiting_tracker() -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        "maya", [SlotSet("in_queue", True), SlotSet("handoff_id", "3")], DOMAIN.slots
    )
    return tracker


def parsed(text: str, intent: str = "cancel") -> Dict[str, Any]:
    # The intent classifier may well call any of these "cancel": the words decide.
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}


@pytest.mark.parametrize("text", LEAVES)
def test_dropping_the_wait_leaves_the_queue(text: str) -> None:
    left = waiting.leaving(parsed(text, intent="nlu_fallback"), waiting_tracker())
    assert left is not None and left["intent"]["name"] == "cancel"


@pytest.mark.parametrize("text", STAYS)
def test_a_cancel_of_something_else_keeps_the_place_and_is_for_the_agent(text: str) -> None:
    tracker = waiting_tracker()
    assert waiting.leaving(parsed(text), tracker) is None
    read = waiting.reading(parsed(text), tracker)
    assert read is not None and read["intent"]["name"] == "ask_status"  # their place, never out of the queue


def test_out_of_the_queue_nothing_is_read_as_leaving_it() -> None:
    tracker = DialogueStateTracker.from_events("maya", [], DOMAIN.slots)
    assert waiting.leaving(parsed("cancel"), tracker) is None
