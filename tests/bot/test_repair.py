"""bot/repair.py: a message read in the light of what is in hand, with exact rewrites."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.repair import reread


def tracker(loop: Optional[str] = None, **slots: Any) -> DialogueStateTracker:
    from rasa.shared.core.slots import AnySlot

    names = ["requested_slot", "callback_id", "explained_policies", "policy_id", "case_type", "order_id", "coupon_code"]
    state = DialogueStateTracker("t", [AnySlot(n, mappings=[{}]) for n in names])
    state.update(UserUttered("hi"))
    if loop:
        state.update(ActiveLoop(loop))
    for name, value in slots.items():
        state.update(SlotSet(name, value))
    return state


def parsed(text: str, intent: str, ranking: Optional[list] = None, **extra: Any) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.7}, "entities": [],
            "intent_ranking": ranking or [{"name": intent, "confidence": 0.7}], **extra}



@pytest.mark.parametrize(
    "loop, text, intent, expected, repair",
    [
        ("callback_form", "i dont want a call. EMAIL.", "request_callback", "inform", "switch_channel"),
        ("callback_form", "no, I said 2pm", "deny", "inform", "correction"),
        ("callback_form", "never mind", "deny", "cancel", "cancel"),
        ("callback_form", "3pm today", "goodbye", "inform", "answer"),
        ("case_form", "I don't have the number", "inform", "deny", "no_reference"),
        ("case_form", "forget it", "deny", "cancel", "cancel"),
        ("case_form", "why do you need it", "out_of_scope", "ask_why", "why"),
    ],
)
def test_a_repair_in_a_form_gets_the_intent_its_rule_handles(loop, text, intent, expected, repair):
    result = reread(parsed(text, intent), tracker(loop, requested_slot="callback_time"))
    assert result["intent"] == {"name": expected, "confidence": 1.0}
    assert result["repair"] == repair and result["text"] == text


def test_a_new_time_after_a_booking_asks_to_move_the_call_with_the_time_as_entity():
    result = reread(parsed("no, make it 3pm", "deny"), tracker(callback_id="7"))
    assert result["intent"]["name"] == "request_callback"
    assert result["entities"] == [
        {"entity": "time", "value": "no, make it 3pm", "start": 0, "end": 15, "extractor": "repair"}]


def test_cancelling_the_booked_call_is_a_cancel():
    assert reread(parsed("will you cancel the 12 o'clock one?", "deny"), tracker(callback_id="7"))["intent"]["name"] == "cancel"


def test_why_after_a_policy_but_not_as_an_opening_question():
    after = reread(parsed("how come", "affirm"), tracker(policy_id="volume_discount_domestic"))
    assert after["intent"]["name"] == "ask_why"
    opening = parsed("why is there a $15 fee on my bill", "ask_why",
                     ranking=[{"name": "ask_why", "confidence": 0.5}, {"name": "dispute_charge", "confidence": 0.4}])
    assert reread(opening, tracker())["intent"] == {"name": "dispute_charge", "confidence": 0.4}


@pytest.mark.parametrize(
    "text, intent, extra",
    [
        ("bye", "goodbye", {}),
        ("get me a person", "request_human", {}),
        ("my throat is swelling", "request_human", {"safety": True}),
        ("/choose_alternative", "choose_alternative", {}),
        ("tomorrow at 10am", "inform", {}),
    ],
)
def test_what_is_meant_is_left_alone(text, intent, extra):
    message = parsed(text, intent, **extra)
    assert reread(message, tracker("callback_form")) == message


def test_a_new_reference_for_the_case_in_hand_reopens_it_with_that_reference():
    entity = {"entity": "order_id", "value": "LK-10426", "start": 12, "end": 20}
    message = parsed("actually its LK-10426", "inform", entities=[entity])
    state = tracker(case_type="request_refund", policy_id="returns_window")
    result = reread(message, state)
    assert result["intent"] == {"name": "request_refund", "confidence": 1.0}
    assert result["repair"] == "reference_changed" and result["entities"] == [entity]


@pytest.mark.parametrize("text, intent", [("forget it, bye", "cancel"), ("whatever. bye", "express_frustration"),
                                           ("thats all thanks", "deny"), ("cheers thats all", "greet")])
def test_leaving_words_close_warmly(text, intent):
    assert reread(parsed(text, intent), tracker())["intent"]["name"] == "goodbye"


def test_email_instead_of_a_booked_call_is_the_email_follow_up():
    result = reread(parsed("i dont want a call at all, just email me", "request_callback"), tracker(callback_id="3"))
    assert result["intent"]["name"] == "choose_alternative"
    assert [e["value"] for e in result["entities"]] == ["email_followup"]


@pytest.mark.parametrize("text, intent", [("no, nothing else. bye", "dispute_charge"),
                                           ("never mind, ill figure it out. cya", "coupon_problem"),
                                           ("forget it. nothing else", "cancel")])
def test_leaving_is_a_close_whatever_the_classifier_read(text, intent):
    assert reread(parsed(text, intent), tracker(policy_id="coupon_expiry"))["intent"]["name"] == "goodbye"


def test_a_question_about_the_booked_call_does_not_move_it():
    result = reread(parsed("is the 7pm call still on?", "request_callback"), tracker(callback_id="3"))
    assert result.get("repair") != "correction"
