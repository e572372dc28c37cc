"""A goodbye is not "put me back", and staying is not leaving (review of the desk queue, #17):
after the offer to put them back in, only a yes to it asks back in (server/dialogue/queue_left.py);
while waiting, "Ok, I will wait. Bye for now" stays (server/dialogue/waiting.py)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import queue_news
from gracious.settings import ROOT
from server.dialogue import waiting

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def parsed(text: str, intent: str) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}


def offered_back() -> DialogueStateTracker:
    """Let go by the queue, asked after it, and just offered to be put back in."""
    events = [SlotSet("handoff_id", "3"), SlotSet("in_queue", True), SlotSet("in_queue", None)]
    events += [UserUttered("am I still in the queue?"), ActionExecuted("action_while_waiting")]
    events += [BotUttered("...", metadata={"utter_action": "utter_queue_not_waiting_went_away_back"})]
    return DialogueStateTracker.from_events("dan", events, DOMAIN.slots)


def waiting_tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "pri", [SlotSet("in_queue", True), SlotSet("handoff_id", "3")], DOMAIN.slots
    )


@pytest.mark.parametrize(
    "text",
    [
        "ok thanks, bye",
        "please just email me instead",
        "yes but can you call me instead",
        "sure, I will try tomorrow",
        "ok",
        "please",
    ],
)
@pytest.mark.parametrize("intent", ["affirm", "goodbye", "thank", "nlu_fallback"])
def test_a_goodbye_an_email_or_a_call_after_the_offer_is_never_asking_back_in(text: str, intent: str) -> None:
    found = waiting.reading(parsed(text, intent), offered_back())
    assert found is None or found.get("repair") != "back_in_queue"


@pytest.mark.parametrize(
    "text", ["yes", "yes please", "Yes please!", "put me back", "back in the queue please", "yes put me back in please"]
)
@pytest.mark.parametrize("intent", ["affirm", "nlu_fallback"])
def test_yes_to_the_offer_just_made_asks_back_in(text: str, intent: str) -> None:
    found = waiting.reading(parsed(text, intent), offered_back())
    assert found is not None and (found["intent"]["name"], found["repair"]) == ("request_human", "back_in_queue")


@pytest.mark.parametrize(
    "text",
    ["Ok, I will wait. Bye for now", "ok. I will stay. thank you, bye", "ok cheers, talk soon", "i'll wait, see you"],
)
@pytest.mark.parametrize("intent", ["goodbye", "thank", "affirm"])
def test_staying_with_a_goodbye_at_the_end_stays_in_the_queue(text: str, intent: str) -> None:
    found = waiting.reading(parsed(text, intent), waiting_tracker())
    assert found is not None and (found["intent"]["name"], found["repair"]) == ("ask_status", queue_news.STAYS)


def test_a_plain_goodbye_while_waiting_still_leaves() -> None:
    for text in ("no thanks, bye", "ok thanks anyway, bye"):
        found = waiting.reading(parsed(text, "deny"), waiting_tracker())
        assert found is not None and found["intent"]["name"] == "goodbye"
