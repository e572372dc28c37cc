"""'where is it' in a case already in hand (server/dialogue/in_hand.arrival_asked): the order's arrival, or not."""

from __future__ import annotations

from rasa.shared.core.events import SlotSet
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue import in_hand


def _case(facts: dict, case_type: str = "dispute_charge") -> DialogueStateTracker:
    state = DialogueStateTracker("x", [AnySlot(n, mappings=[{}]) for n in ("case_facts", "case_type", "settled")])
    state.update(SlotSet("case_type", case_type))
    state.update(SlotSet("case_facts", facts))
    return state


def test_where_is_it_about_a_bills_credit_given_before_is_no_order():
    # Blind panel p65 R-03: "my app still shows 76 dollars owing, so where is it" heard "Which order is it?".
    facts = {"reference_kind": "bill", "reference": "BL-30018", "granted_kinds": ["credit"]}
    assert not in_hand.arrival_asked(_case(facts), "really? my app still shows 76 dollars owing, so where is it")


def test_where_is_it_in_a_bills_case_with_nothing_given_is_still_asked_of_the_order():
    facts = {"reference_kind": "bill", "reference": "BL-30018"}
    assert in_hand.arrival_asked(_case(facts), "ok and where is my order, it never came")
