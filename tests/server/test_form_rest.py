"""server/dialogue/form_rest.py: a time for the call with something else beside it (blind panel p32).

"tomorrow noon. and what about the free year of service" booked the call and dropped the rest; here
the part with the time answers the form, a question with a designers' answer is marked `answers`,
and a request of its own is kept as `second_problem` (a fake classifier reads each part).
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue.form_rest import split

SLOTS = ["requested_slot", "case_type", "policy_id", "settled"]
READINGS = {
    "what about the free year of service": ("demand_compensation", 0.88, []),
    "i want a refund for my headphones from LK-10426 obviously": (
        "request_refund",
        0.9,
        [("order_id", "LK-10426", 38)],
    ),
    "i dont know really": ("inform", 0.4, []),
}


async def fake_parse(text: str) -> Dict[str, Any]:
    intent, confidence, entities = READINGS.get(text, ("inform", 0.3, []))
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [{"entity": e, "value": v, "start": s, "end": s + len(v)} for e, v, s in entities],
    }


def asking(slot: Optional[str] = "callback_time", loop: str = "callback_form") -> DialogueStateTracker:
    state = DialogueStateTracker("rest", [AnySlot(n, mappings=[{}]) for n in SLOTS])
    state.update(UserUttered("can someone call me back please"))
    state.update(ActiveLoop(loop))
    state.update(SlotSet("requested_slot", slot))
    return state


def said(text: str, intent: str = "inform") -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.7}, "entities": []}


def test_a_request_beside_the_time_is_kept_as_the_second_problem():
    text = "whenever. tomorrow noon. and what about the free year of service"
    result = asyncio.run(split(said(text, "complain_service"), asking(), fake_parse))
    assert result["intent"] == {"name": "inform", "confidence": 1.0}
    assert result["repair"] == "form_rest"
    assert result["second_problem"] == {
        "intent": "demand_compensation",
        "text": "what about the free year of service",
        "entities": {},
    }
    assert "answers" not in result


def test_an_order_number_in_the_rest_is_not_taken_for_the_time():
    text = "tomorrow 9am. also i want a refund for my headphones from LK-10426 obviously"
    parsed = dict(said(text), entities=[{"entity": "order_id", "value": "LK-10426", "start": 57, "end": 65}])
    result = asyncio.run(split(parsed, asking(), fake_parse))
    assert result["second_problem"]["intent"] == "request_refund"
    assert result["second_problem"]["entities"] == {"order_id": "LK-10426"}
    assert result["entities"] == []  # the order belongs to the second problem, not the call


def test_a_question_with_an_answer_is_marked_to_be_answered():
    result = asyncio.run(split(said("tomorrow at 3. what number will you call from?"), asking(), fake_parse))
    assert result["answers"] == ["utter_answer_calling_number"]
    assert "second_problem" not in result


def test_a_time_alone_or_a_rest_with_nothing_to_do_is_left_as_it_is():
    assert asyncio.run(split(said("tomorrow at 3pm please"), asking(), fake_parse)) is None
    assert asyncio.run(split(said("tomorrow at 3. i dont know really"), asking(), fake_parse)) is None
    # No time anywhere: the form reads the message as it is.
    assert asyncio.run(split(said("and what about the free year of service"), asking(), fake_parse)) is None


def test_only_while_the_callback_form_asks_for_a_time():
    text = "tomorrow noon. and what about the free year of service"
    assert asyncio.run(split(said(text), asking(slot="callback_phone"), fake_parse)) is None
    assert asyncio.run(split(said(text), asking(loop="case_form"), fake_parse)) is None


def test_a_question_naming_a_day_beside_the_time_is_answered_and_the_time_kept():
    # Blind panel p60 G01: "tomorrow 8am is fine. but will the dress still make it by saturday??" had its time asked
    # for again; a question is the rest, even with a day in it, when another part gives the time.
    result = asyncio.run(
        split(said("tomorrow 8am is fine. but what number will you call from on saturday?"), asking(), fake_parse)
    )
    assert result["repair"] == "form_rest" and result["answers"] == ["utter_answer_calling_number"]
