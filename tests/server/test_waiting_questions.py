"""A waiting customer's questions, in the panel's words (issue #17, third panel P3: c04, c05, c07, c10,
c17, w1): each read for what it asks, typos and all (server/dialogue/waiting.py, queue_left.py)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.queue_news import annoyed
from gracious.settings import ROOT
from gracious.wordlists import plain
from server.dialogue import waiting

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def waiting_tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "pri", [SlotSet("in_queue", True), SlotSet("handoff_id", "3")], DOMAIN.slots
    )


def parsed(text: str, intent: str, entities: List[Dict[str, Any]] | None = None) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}


def read(text: str, intent: str) -> Dict[str, Any]:
    found = waiting.reading(parsed(text, intent), waiting_tracker())
    assert found is not None, text
    return found


@pytest.mark.parametrize("intent", ["ask_policy", "ask_status", "nlu_fallback", "inform"])
@pytest.mark.parametrize(
    "text",
    [
        "sorry, how long roughly? I need to pop out at some point",
        "if I step away for 10 mins will I lose my place?",
        "that's not what I asked. if I go away for a bit do I keep my spot or not?",
    ],
)
def test_stepping_away_is_asked_whether_the_place_is_kept(text: str, intent: str) -> None:
    # c05: the first heard the policy-topic list, the second a sorry and the place, never an answer.
    found = read(text, intent)
    assert (found["intent"]["name"], found["repair"]) == ("ask_status", waiting.STEP_AWAY_MARK)


def test_a_calm_question_is_never_impatience() -> None:
    # c12 and c05 heard "I'm sorry this is taking a while" for these; impatience still hears it.
    assert not annoyed("While I wait, may I ask what your café opening hours are?", "ask_policy")
    assert not annoyed("if I step away for 10 mins will I lose my place?", "ask_status")
    assert not annoyed("sorry, how long roughly? I need to pop out at some point", "ask_status")
    assert annoyed("ugh this is taking forevr", None)
    assert annoyed("been waiting 20 minutes already", None)
    assert annoyed("wow great service, 10 minutes and nothing", None)


def test_a_policy_question_naming_no_policy_is_noted_for_the_person() -> None:
    # c07: "do you do price matching?" heard "Which policy would you like to know about".
    found = read("while I wait - do you do price matching?", "ask_policy")
    assert (found["intent"]["name"], found.get("noted")) == ("ask_status", True)
    named = waiting.reading(
        parsed("how long do refunds take?", "ask_policy", [{"entity": "policy_topic", "value": "refunds"}]),
        waiting_tracker(),
    )
    assert named is None  # a policy named: explained by the waiting rules, then the place


@pytest.mark.parametrize("intent", ["ask_status", "affirm", "nlu_fallback", "request_human"])
def test_where_has_the_person_gone_is_what_happened(intent: str) -> None:
    # c17: "wait wheres ana gone" heard only "Still number 1".
    found = read("wait wheres ana gone", intent)
    assert (found["intent"]["name"], found["repair"]) == ("ask_status", waiting.PERSON_GONE_MARK)
    assert not waiting.person_gone("where has my order LK-10423 gone")


@pytest.mark.parametrize("intent", ["express_frustration", "complain_service", "ask_status"])
def test_a_call_asked_for_with_typos_is_a_call(intent: str) -> None:
    # c04: "What would help most right now?"; spelled properly it books the call.
    found = read("ugh this is taking forevr. can u just ring me in an hour insted", intent)
    assert found["intent"]["name"] == "request_callback"
    assert plain("k thx. wat number will u call from") == "ok thanks. what number will you call from"


@pytest.mark.parametrize("intent", ["deny", "goodbye", "thank"])
def test_no_thanks_bye_while_waiting_is_a_goodbye(intent: str) -> None:
    # w1: "no thanks, bye" heard "Nothing has changed since I last said".
    for text in ("no thanks, bye", "ok thanks anyway, bye"):
        found = waiting.reading(parsed(text, intent), waiting_tracker())
        assert found is None if intent == "goodbye" else found["intent"]["name"] == "goodbye"  # type: ignore[index]
    assert read("how long? bye", intent)["intent"]["name"] == "ask_status"


def went_away(*said: str) -> DialogueStateTracker:
    events = [SlotSet("handoff_id", "3"), SlotSet("in_queue", True), SlotSet("in_queue", None)]
    events += [
        UserUttered("sorry, had to answer the door! am I still in the queue?"),
        ActionExecuted("action_while_waiting"),
    ]
    events += [BotUttered("...", metadata={"utter_action": name}) for name in said]
    return DialogueStateTracker.from_events("dan", events, DOMAIN.slots)


@pytest.mark.parametrize("intent", ["affirm", "inform", "nlu_fallback", "complain_service"])
def test_yes_put_me_back_after_the_offer_to_is_a_person_asked_for(intent: str) -> None:
    # c10: "yes put me back in please" heard a menu of topics without a person.
    tracker = went_away("utter_queue_not_waiting_went_away", "utter_anything_else")
    text = "I didn't leave, I was gone two minutes! yes put me back in please"
    found = waiting.reading(parsed(text, intent), tracker)
    assert found is not None and (found["intent"]["name"], found["repair"]) == ("request_human", "back_in_queue")
    assert waiting.reading(parsed("no thanks", "deny"), tracker) is None
    # Without the offer just said, a yes is not a person asked for.
    assert waiting.reading(parsed("yes please", "affirm"), went_away("utter_anything_else")) is None


def test_a_policy_question_naming_a_policy_in_words_is_explained() -> None:
    # c12's café hours, whatever the classifier's entities: explained, not noted.
    assert (
        waiting.reading(
            parsed("While I wait, may I ask what your café opening hours are?", "ask_policy"), waiting_tracker()
        )
        is None
    )
