"""server/dialogue/first_part.py: a message that says what is wrong with something we sent is a wrong item,
whatever vague reading the classifier gave it (blind panel p36: "Could you tell me what's gone wrong?")."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.events import SlotSet
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue import first_part


def tracker(case_type: Optional[str] = None) -> DialogueStateTracker:
    state = DialogueStateTracker("someone", [AnySlot("case_type", mappings=[{}])])
    if case_type:
        state.update(SlotSet("case_type", case_type))
    return state


def reading(text: str, intent: str, entities: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": 0.7}, "intent_ranking": [], "entities": entities}


async def unused_parse(text: str) -> Dict[str, Any]:
    return reading(text, "nlu_fallback", [])


def read(text: str, intent: str, entities: List[Dict[str, Any]], state=None) -> Dict[str, Any]:
    return asyncio.run(first_part.reading(reading(text, intent, entities), state or tracker(), unused_parse))


ORDER = [{"entity": "order_id", "value": "LK-10422"}]
ITEM = [{"entity": "item", "value": "lamp"}]


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        ("LK-10422 shoes too small", "inform", ORDER),
        ("the lamp from LK-10425 flickers", "inform", ORDER + ITEM),
        ("got the dress LK-10421 today, its red not navy", "check_order_status", ORDER),
        ("the dress from LK-10421 came in red, i ordered navy", "nlu_fallback", ORDER),
        ("my lamp stopped working", "give_feedback", ITEM),
    ],
)
def test_what_is_wrong_with_a_thing_we_sent_is_a_wrong_item(text, intent, entities):
    parsed = read(text, intent, entities)
    assert parsed["intent"] == {"name": "report_wrong_item", "confidence": 1.0}
    assert parsed["repair"] == "told_what_is_wrong" and parsed["entities"] == entities


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        ("the jacket LK-10424 still hasn't come, wrong size too probably", "check_order_status", ORDER),
        ("LK-10422 too small", "request_refund", ORDER),  # a clear reading stands
        ("shoes too small", "inform", []),  # nothing of ours named
        ("BL-30017 is wrong", "inform", [{"entity": "order_id", "value": "BL-30017"}]),  # a bill
        ("my latte at the cafe was too small", "inform", [{"entity": "item", "value": "latte"}]),  # the café
        ("here it is LK-10422", "inform", ORDER),  # nothing said wrong yet
    ],
)
def test_other_messages_keep_their_reading(text, intent, entities):
    assert read(text, intent, entities)["intent"]["name"] == intent


def test_a_case_in_hand_keeps_its_reading():
    assert read("LK-10422 shoes too small", "inform", ORDER, tracker("dispute_charge"))["intent"]["name"] == "inform"


def test_kind_words_alone_are_never_read_by_their_first_part():
    # A conversation of our own, 5 December: "the guy who made my flat white at riverside was super friendly" alone was
    # read as a complaint, and the coffee offered again.
    async def complaint(text: str) -> Dict[str, Any]:
        return dict(reading(text, "complain_service", []), intent={"name": "complain_service", "confidence": 0.99})

    text = "the guy who made my flat white at riverside was super friendly, can you let him know"
    parsed = asyncio.run(first_part.reading(reading(text, "give_feedback", []), tracker(), complaint))
    assert parsed["intent"]["name"] == "give_feedback"


async def as_if_alone(text: str) -> Dict[str, Any]:
    """The classifier on a part alone: a cold drink is a wrong item, a remark is feedback."""
    found = "wrong" in text or "cold" in text
    name = "report_wrong_item" if found else "give_feedback"
    return dict(reading(text, name, []), intent={"name": name, "confidence": 0.97})


@pytest.mark.parametrize(
    "text, intent",
    [
        ("the staff were friendly but my latte was cold", "nlu_fallback"),
        ("staff were lovely, but the coffee was cold", "express_frustration"),
    ],
)
def test_kind_words_then_what_went_wrong_is_read_by_what_went_wrong(text, intent):
    # A conversation of our own, 5 December: a menu of guesses, or frustration, for a cold latte.
    parsed = asyncio.run(first_part.reading(reading(text, intent, ITEM), tracker(), as_if_alone))
    assert parsed["intent"]["name"] == "report_wrong_item" and parsed["entities"] == ITEM


@pytest.mark.parametrize(
    "text",
    [
        "ur staff are lovely but please tell them the music is way too loud",  # a remark: thanked for both
        "the lamp was fine but honestly i want a refund",  # nothing kind said of us first
    ],
)
def test_kind_words_with_a_remark_keep_their_reading(text):
    parsed = asyncio.run(first_part.reading(reading(text, "give_feedback", []), tracker(), as_if_alone))
    assert parsed["intent"]["name"] == "give_feedback"


def test_kind_words_then_trouble_in_a_case_keep_their_reading():
    text = "the staff were friendly but my latte was cold"
    parsed = asyncio.run(first_part.reading(reading(text, "inform", ITEM), tracker("dispute_charge"), as_if_alone))
    assert parsed["intent"]["name"] == "inform"
