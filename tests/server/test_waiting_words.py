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


# Typos of the status questions, and goodbyes the classifier imagines (issue #17 panel, C18).
STATUS_TYPOS = ["hw long", "how lon", "still in line?", "any1 there", "am i stil in teh queue", "how long?"]


@pytest.mark.parametrize("text", STATUS_TYPOS)
@pytest.mark.parametrize("intent", ["goodbye", "ask_policy", "nlu_fallback", "thank"])
def test_a_status_question_with_typos_is_where_they_stand_never_goodbye(text: str, intent: str) -> None:
    read = waiting.reading(parsed(text, intent=intent), waiting_tracker())
    assert read is not None and read["intent"]["name"] == "ask_status"


def test_only_a_clear_goodbye_leaves_anything_unclear_is_a_waiting_message() -> None:
    assert waiting.reading(parsed("ok gotta run, bye", intent="goodbye"), waiting_tracker()) is None
    read = waiting.reading(parsed("whenever", intent="goodbye"), waiting_tracker())
    assert read is not None and read["intent"]["name"] == "ask_status"


@pytest.mark.parametrize("text", ["forget it just email me", "email me instead", "never mind, just email me pls"])
def test_email_me_while_waiting_is_the_email_follow_up_not_a_plain_cancel(text: str) -> None:
    read = waiting.leaving(parsed(text), waiting_tracker())
    assert read is not None and read["intent"]["name"] == "choose_alternative"
    assert [(e["entity"], e["value"]) for e in read["entities"]] == [("alternative", "email_followup")]


def test_get_me_someone_keeps_what_was_asked() -> None:
    read = waiting.reading(parsed("this is ridiculous!!! GET ME SOMEONE", intent="request_human"), waiting_tracker())
    assert read is not None and (read["intent"]["name"], read["read_from"]) == ("ask_status", "request_human")


def test_after_leaving_a_question_about_the_queue_is_answered_as_such() -> None:
    events = [SlotSet("handoff_id", "3"), SlotSet("in_queue", True), SlotSet("in_queue", None)]
    left = DialogueStateTracker.from_events("maya", events, DOMAIN.slots)
    read = waiting.reading(parsed("am i still in the queue too?", intent="check_order_status"), left)
    assert read is not None and (read["intent"]["name"], read["repair"]) == ("ask_status", "left_queue")
    # Never queued: "the queue" is not theirs to ask about; asking for a person again is not a question.
    never = DialogueStateTracker.from_events("maya", [], DOMAIN.slots)
    assert waiting.reading(parsed("am i still in the queue?", intent="check_order_status"), never) is None
    assert waiting.reading(parsed("put me back in the queue", intent="request_human"), left) is None


def test_how_long_about_something_else_is_not_the_wait() -> None:
    assert not waiting.asks_where_they_stand("how long do refunds take?")
    assert waiting.asks_where_they_stand("how long is this going to take")
