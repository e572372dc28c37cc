""" "how will they follow up you dont even have my number" once the case is with the team (server/dialogue/repair.py,
blind panel p54 B03): how they will reach the customer, as it is; then a number with a time books the call."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.identity import sign
from tests.server.test_typed_no import SLOTS, parse

ASKED = "how will they follow up you dont even have my number"


def at_the_team(identity: Any = None, said: str = "", **slots: Any) -> DialogueStateTracker:
    state = DialogueStateTracker("reach", [AnySlot(n, mappings=[{}]) for n in SLOTS + ["phone", "email"]])
    state.update(
        UserUttered("my lips are tingling, im allergic to nuts", metadata={"identity": identity} if identity else None)
    )
    for name, value in {"handoff_id": "3", **slots}.items():
        state.update(SlotSet(name, value))
    state.update(ActionExecuted("action_handoff"))
    if said:
        state.update(BotUttered("...", metadata={"utter_action": said}))
    state.update(ActionExecuted("action_listen"))
    return state


@pytest.mark.parametrize(
    "who, answer",
    [
        ("guest", "utter_answer_no_contact_yet"),
        ("signed in", "utter_answer_contact_on_file"),
        ("forged", "utter_answer_no_contact_yet"),  # a signature that does not hold vouches for nobody
        ("checked", "utter_answer_contact_on_file"),
        ("gave a phone", "utter_answer_contact_given"),
    ],
)
def test_how_they_will_reach_me_is_answered_as_it_is(who, answer):
    tracker = {
        "guest": lambda: at_the_team(),
        "signed in": lambda: at_the_team(identity=sign("C002")),  # signed now, with this run's site secret
        "forged": lambda: at_the_team(identity="v1.C002.9999999999.forged"),
        "checked": lambda: at_the_team(verified_customers=["C002"]),
        "gave a phone": lambda: at_the_team(phone="+1 555 0101"),
    }[who]()
    result = parse(ASKED, "complain_no_response", tracker)
    assert result["intent"]["name"] == "ask_why" and result["repair"] == "case_question"
    assert result["answers"] == [answer]


def test_before_the_case_is_with_the_team_it_is_not_read_so():
    state = DialogueStateTracker("early", [AnySlot(n, mappings=[{}]) for n in SLOTS])
    state.update(UserUttered("hi"))
    result = parse(ASKED, "complain_no_response", state)
    assert result.get("answers") != ["utter_answer_no_contact_yet"]


@pytest.mark.parametrize("said", ["utter_answer_no_contact_yet", "utter_answer_no_contact_yet_safety"])
def test_a_number_and_a_time_after_the_answer_books_the_call(said):
    tracker = at_the_team(said=said)
    result = parse("555 201 7788, tomorrow afternoon", "inform", tracker)
    assert result["intent"]["name"] == "request_callback" and result["repair"] == "contact_given"


@pytest.mark.parametrize(
    "signed_in, answer",
    [(False, "utter_answer_contact_in_form"), (True, "utter_answer_contact_on_file")],
)
def test_asked_while_the_call_is_arranged_the_number_is_asked_for_here(signed_in, answer):
    tracker = at_the_team(identity=sign("C002") if signed_in else None)  # signed now, with this run's site secret
    tracker.update(ActiveLoop("callback_form"))
    tracker.update(SlotSet("requested_slot", "callback_time"))
    result = parse("how will they get back to me, you dont have my number", "complain_no_response", tracker)
    assert result["intent"]["name"] == "ask_why" and result["repair"] == "case_question"
    assert result["answers"] == [answer]


def test_asked_with_the_number_in_the_same_message_the_form_takes_the_number():
    tracker = at_the_team()
    tracker.update(ActiveLoop("callback_form"))
    tracker.update(SlotSet("requested_slot", "callback_phone"))
    result = parse("how will they reach me? use 555 201 3344", "inform", tracker)
    assert result.get("repair") != "case_question"


def test_asked_with_an_email_given_in_the_same_message_it_is_not_answered_as_if_there_were_none():
    # Blind panel p55 D01: "how will they follow up, you dont even have my name. its jess tan, jess.tan@example.net.
    # email only pls" got "we don't have a way to reach you yet".
    said = "how will they follow up, you dont even have my name. its jess tan, jess.tan@example.net. email only pls"
    result = parse(said, "inform", at_the_team())
    assert result.get("repair") != "case_question"
