"""Dropping a booked call in words, read on the server (issue #17 panel loose ends).

"cancel the 3pm call please" typed while the call's button is offered is not a choice of the call
(server/dialogue/typed_choices.py); a reply to "Shall I cancel that one?" is read as `cancel`, marked
``cancel_answer``, only just after the question (server/dialogue/cancel_answer.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.dropped_call import CANCEL_ANSWER
from server.dialogue import cancel_answer
from tests.server.test_typed_no import SLOTS, chosen, parse

CALL_OFFER = [
    {"title": "Book a call back", "payload": '/choose_alternative{"alternative": "callback"}'},
    {"title": "Email me instead", "payload": '/choose_alternative{"alternative": "email_followup"}'},
]


def call_offered(**slots: Any) -> DialogueStateTracker:
    """A waiting customer with a call booked, the call and email buttons shown again."""
    state = DialogueStateTracker("late", [AnySlot(n, mappings=[{}]) for n in SLOTS + ["cancel_call_asked"]])
    state.update(UserUttered("how long now?"))
    for name, value in {"in_queue": True, "callback_id": "1", **slots}.items():
        state.update(SlotSet(name, value))
    state.update(ActionExecuted("action_while_waiting"))
    state.update(BotUttered("You're number 3 in the queue.", data={"buttons": CALL_OFFER}))
    state.update(ActionExecuted("action_listen"))
    return state


@pytest.mark.parametrize("intent", ["choose_alternative", "request_callback", "cancel"])
def test_cancel_the_3pm_call_beside_the_call_button_is_not_choosing_the_call(intent):
    result = parse("cancel the 3pm call please", intent, call_offered())
    assert chosen(result) is None


def asked(text_after: str = "") -> DialogueStateTracker:
    state = call_offered(in_queue=None)
    state.update(UserUttered("cancel the 4pm call"))
    state.update(ActionExecuted("action_cancel"))
    state.update(SlotSet("cancel_call_asked", "1"))
    state.update(BotUttered("I can't see a call at 4pm: the one booked is today at 3pm. Shall I cancel that one?"))
    state.update(ActionExecuted("action_listen"))
    if text_after:
        state.update(UserUttered(text_after))
        state.update(ActionExecuted("utter_anything_else"))
    return state


@pytest.mark.parametrize("text", ["yes", "yes please", "the 3pm one", "no, keep it"])
def test_a_reply_to_shall_i_cancel_that_one_is_read_as_its_answer(text):
    parsed = {"text": text, "intent": {"name": "affirm", "confidence": 0.9}, "entities": []}
    result = cancel_answer.reading(parsed, asked(), text)
    assert result is not None
    assert (result["intent"]["name"], result["repair"]) == ("cancel", CANCEL_ANSWER)


def test_only_just_after_the_question():
    parsed = {"text": "yes", "intent": {"name": "affirm", "confidence": 0.9}, "entities": []}
    assert cancel_answer.reading(parsed, asked("what about my order?"), "yes") is None
    assert cancel_answer.reading(parsed, call_offered(), "yes") is None
    # Something else said to the question is not an answer.
    other = {"text": "where is my order", "intent": {"name": "check_order_status", "confidence": 0.9}}
    assert cancel_answer.reading(other, asked(), "where is my order") is None


def test_the_reply_after_which_call_is_read_as_the_answer():
    """ "yes" to two calls asks "which one?" again (actions/callback_cancel.answer_asked sets the slot
    again): "the 3pm one" after that is still the answer, not lost."""
    state = asked("yes")
    state.update(SlotSet("cancel_call_asked", "1,2"))
    state.update(BotUttered("Sorry, which one? You have calls today at 3:00 pm and tomorrow at 10:00 am."))
    state.update(ActionExecuted("action_listen"))
    parsed = {"text": "the 3pm one", "intent": {"name": "inform", "confidence": 0.9}, "entities": []}
    result = cancel_answer.reading(parsed, state, "the 3pm one")
    assert result is not None and result["repair"] == CANCEL_ANSWER


@pytest.mark.parametrize("text", ["No, don't cancel the 3pm one!", "please don't cancel it"])
def test_a_no_naming_the_call_is_read_as_the_answer(text):
    parsed = {"text": text, "intent": {"name": "deny", "confidence": 0.9}, "entities": []}
    result = cancel_answer.reading(parsed, asked(), text)
    assert result is not None and result["repair"] == CANCEL_ANSWER


@pytest.mark.parametrize(
    "text, answer", [("make it 6pm then", False), ("move it to 6", False), ("yes cancel the 3pm", True)]
)
def test_a_new_time_for_the_call_asked_about_is_a_move_not_an_answer(text, answer):
    # A re-read of our own, 7 December: "Shall I cancel it? Or tell me a time that suits you" answered with a time.
    parsed = {"text": text, "intent": {"name": "request_callback", "confidence": 0.9}, "entities": []}
    assert (cancel_answer.reading(parsed, asked(), text) is not None) is answer
