"""server/dialogue/gift_said.py: a gift said later is the case in hand; a wrong item with the day of a
birthday is no late order. The customer panel's words (p1 c01, c02, c03), as typed."""

from __future__ import annotations

import pytest

from server.dialogue.repair import reread
from tests.server.test_repair import parsed, tracker

OFFERED = dict(case_type="report_wrong_item", order_id="LK-10421", policy_id="wrong_item_company_error")


@pytest.mark.parametrize(
    "text, intent",
    [
        (
            "its a GIFT tho. can you send it gift wrapped without the price on it? and she cant be charged",
            "coupon_problem",
        ),
        ("it's a present. her birthday is sunday. can it go straight to her gift wrapped", "nlu_fallback"),
        ("As I said, it's a birthday present for my daughter. Can it be sent to her as a gift?", "nlu_fallback"),
        ("ugh. ok. it was a present for my sister. can you send the right one to her as a gift", "report_wrong_item"),
    ],
)
def test_a_gift_said_after_the_options_is_the_case_again(text, intent):
    result = reread(parsed(text, intent), tracker(**OFFERED))
    assert result["intent"]["name"] == "report_wrong_item"
    assert result["repair"] == "gift_said"


def test_a_gift_the_case_knows_already_is_not_read_again():
    state = tracker(**OFFERED)
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.slots import AnySlot

    state.slots["case_details"] = AnySlot("case_details", mappings=[{}])
    state.update(SlotSet("case_details", "it was a birthday present for my daughter"))
    result = reread(parsed("can it go to her as a gift?", "nlu_fallback"), state)
    assert result.get("repair") != "gift_said"


def test_no_gift_reading_once_something_is_settled_nor_for_a_person_asked():
    settled = reread(
        parsed("will it have the price on it? it's a gift", "nlu_fallback"),
        tracker(**OFFERED, accepted_alternative="replacement_overnight"),
    )
    assert settled.get("repair") != "gift_said"
    person = reread(parsed("its a gift, can i talk to a person", "request_human"), tracker(**OFFERED))
    assert person["intent"]["name"] == "request_human"


def test_a_birthday_day_with_a_wrong_item_is_no_late_order():
    text = "Hello. LK-10421 - it was a birthday present for my daughter and the dress is red, I ordered navy. Her birthday is on Friday."
    ranking = [{"name": "check_order_status", "confidence": 0.71}, {"name": "report_wrong_item", "confidence": 0.27}]
    result = reread(parsed(text, "check_order_status", ranking), tracker())
    assert result["intent"]["name"] == "report_wrong_item"
    assert result["repair"] == "occasion_day"


@pytest.mark.parametrize(
    "text",
    [
        "where is my order LK-10421? it's for her birthday on Friday",
        "LK-10421 is late and her birthday is on Friday",
    ],
)
def test_a_late_order_for_a_birthday_stays_a_late_order(text):
    ranking = [{"name": "check_order_status", "confidence": 0.71}, {"name": "report_wrong_item", "confidence": 0.27}]
    result = reread(parsed(text, "check_order_status", ranking), tracker())
    assert result["intent"]["name"] == "check_order_status"
