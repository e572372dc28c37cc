"""The account check skipped, then its details given after all (server/dialogue/account_readings.py)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue.repair import reread

UNVERIFIED = {"reference": "LK-10425", "verification_needed": True, "verified": False}


def tracker(loop: str = "", **slots: Any) -> DialogueStateTracker:
    names = ["case_facts", "case_type", "requested_slot", "policy_id", "explained_policies", "order_id", "settled"]
    state = DialogueStateTracker("t", [AnySlot(n, mappings=[{}]) for n in names])
    state.update(UserUttered("hi"))
    if loop:
        state.update(ActiveLoop(loop))
    for name, value in slots.items():
        state.update(SlotSet(name, value))
    return state


def parsed(text: str, intent: str = "inform") -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": 0.7}, "entities": [], "intent_ranking": []}


@pytest.mark.parametrize(
    "text", ["ok fine, I changed my mind. email daniel.reyes@example.com", "the number on it is 555-0178"]
)
def test_details_given_after_a_skipped_check_reopen_the_case(text):
    read = reread(parsed(text), tracker(case_type="request_refund", case_facts=UNVERIFIED))

    assert read["intent"]["name"] == "request_refund"
    assert read["repair"] == "account_details_later"


@pytest.mark.parametrize(
    "facts, loop, text",
    [
        ({**UNVERIFIED, "verified": True, "verification_needed": False}, "", "daniel.reyes@example.com"),
        ({**UNVERIFIED, "verification_failed": True}, "", "daniel.reyes@example.com"),
        (UNVERIFIED, "case_form", "daniel.reyes@example.com"),  # the form's own question takes it
        (UNVERIFIED, "", "ok a person then"),
    ],
)
def test_otherwise_the_message_is_left_as_read(facts, loop, text):
    read = reread(parsed(text), tracker(loop, case_type="request_refund", case_facts=facts))

    assert read.get("repair") != "account_details_later"


@pytest.mark.parametrize("intent", ["ask_why", "nlu_fallback"])
def test_details_beside_why_do_you_need_this_are_checked(intent):
    # Panel p34 10: the reason was given and the number never checked, so it was typed again.
    text = "oops typo. try my phone 555 0178. why do you even need this"
    read = reread(
        parsed(text, intent), tracker("case_form", requested_slot="account_check", case_type="dispute_charge")
    )
    assert read["intent"]["name"] == "inform"
    assert read["repair"] == "account_answer_why"


def test_why_alone_while_the_check_asks_is_still_a_why():
    read = reread(
        parsed("why do you even need this", "ask_why"),
        tracker("case_form", requested_slot="account_check", case_type="dispute_charge"),
    )
    assert read.get("repair") != "account_answer_why"


def test_details_with_a_name_and_no_why_get_no_reason():
    # Blind panel p60: "So that nobody can see or change your account..." to a customer who asked no why.
    text = "my name is maya okafor and my email is maya.okafor@example.com"
    read = reread(
        parsed(text, "ask_policy"), tracker("case_form", requested_slot="account_check", case_type="check_order_status")
    )
    assert read.get("repair") != "account_answer_why"
