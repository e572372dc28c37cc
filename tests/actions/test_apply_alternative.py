"""action_apply_alternative: grant what the customer chose from the offer, once."""

import asyncio
from typing import Any, Dict, List

from rasa_sdk.events import FollowupAction, SlotSet

from actions import stores
from actions.apply_alternative import ActionApplyAlternative
from tests.actions import message, run_action, tracker_from

CONFIRM_VALUES = {  # what every confirmation for the late grinder LK-10423 is filled with
    "amount": "",
    "item": "coffee grinder",
    "coupon_code": "",
    "coupon_percent": "",
    "offer_code": "",
    "offer_percent": "",
    "reference": "LK-10423",
}


def grants_for(reference: str) -> List[Dict[str, Any]]:
    """Rows of the company's grants table, without the id and the clock."""
    rows = asyncio.run(stores.company().grants_for(reference))
    return [{k: v for k, v in row.items() if k not in ("id", "created_at")} for row in rows]


def granted(alternative: str, before=()):
    return [
        SlotSet("accepted_alternative", alternative),
        SlotSet("granted_alternatives", list(before) + [alternative]),
        SlotSet("alternative", None),
    ]


def test_goodwill_credit_is_written_to_the_company_records_at_the_policy_amount(domain):
    dispatcher, events = run_action(ActionApplyAlternative(), tracker_from("alternatives_offered"), domain)

    assert dispatcher.messages == [
        message(response="utter_confirm_goodwill_credit", **{**CONFIRM_VALUES, "amount": "$10.00"})
    ]
    assert events == granted("goodwill_credit")
    assert grants_for("LK-10423") == [
        {
            "kind": "credit",
            "reference": "LK-10423",
            "customer_id": "C003",
            "amount": 10.0,
            "note": "goodwill_credit under late_delivery_goodwill",
        }
    ]


def test_forged_choice_that_was_not_offered_is_refused_and_nothing_is_granted(domain):
    # '/choose_alternative{"alternative": "store_credit"}' typed by hand: never offered.
    tracker = tracker_from("alternatives_offered", slots={"alternative": "store_credit"})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    offered = [
        {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative": "goodwill_credit"}'},
        {"title": "Email me tracking updates", "payload": '/choose_alternative{"alternative": "delivery_updates"}'},
        {"title": "A full refund", "payload": '/choose_alternative{"alternative": "refund"}'},
        {"title": "None of these", "payload": "/deny"},
    ]
    assert dispatcher.messages == [message(response="utter_alternative_not_available", buttons=offered)]
    assert events == [SlotSet("alternative", None), FollowupAction("action_listen")]
    assert grants_for("LK-10423") == []


def test_choice_that_is_no_alternative_at_all_is_refused(domain):
    tracker = tracker_from(
        "alternatives_offered",
        slots={"alternative": "free_tv", "offered_alternatives": ["goodwill_credit", "free_tv"]},
        events=[],
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_alternative_nothing_offered")]
    assert events == [SlotSet("alternative", None), FollowupAction("action_listen")]


def test_a_yes_to_several_options_asks_which_with_the_same_buttons(domain):
    tracker = tracker_from("alternatives_offered", slots={"alternative": None})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_which_alternative"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [
        "A $10.00 goodwill credit", "Email me tracking updates", "A full refund", "None of these"]
    assert events == [SlotSet("alternative", None), FollowupAction("action_listen")]
    assert grants_for("LK-10423") == []
    assert grants_for("LK-10423") == []


def test_choosing_the_same_alternative_twice_grants_it_once(domain):
    _, first = run_action(ActionApplyAlternative(), tracker_from("alternatives_offered"), domain)
    after_first = {e["name"]: e["value"] for e in first}
    tracker = tracker_from("alternatives_offered", slots={**after_first, "alternative": "goodwill_credit"})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_alternative_already_done")]
    assert events == [SlotSet("alternative", None)]
    assert [row["amount"] for row in grants_for("LK-10423")] == [10.0]


def test_second_alternative_is_added_to_those_granted(domain):
    tracker = tracker_from(
        "alternatives_offered",
        slots={"alternative": "refund", "granted_alternatives": ["goodwill_credit"]},
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_confirm_refund", **CONFIRM_VALUES)]
    assert events == granted("refund", before=["goodwill_credit"])
    assert grants_for("LK-10423") == [
        {
            "kind": "refund",
            "reference": "LK-10423",
            "customer_id": "C003",
            "amount": None,
            "note": "refund under late_delivery_goodwill",
        }
    ]


def test_information_only_alternative_confirms_without_writing_a_grant(domain):
    tracker = tracker_from("alternatives_offered", slots={"alternative": "delivery_updates"})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_confirm_delivery_updates", **CONFIRM_VALUES)]
    assert events == granted("delivery_updates")
    assert grants_for("LK-10423") == []


def test_missing_discount_credit_grants_the_amount_from_the_bill(domain):
    facts = {
        "reference": "BL-30018",
        "customer_id": "C002",
        "discount_missing": True,
        "missing_discount_amount": 7.6,
    }
    tracker = tracker_from(
        "alternatives_offered",
        slots={
            "policy_id": "volume_discount_domestic",
            "entitled": True,
            "case_facts": facts,
            "offered_alternatives": ["missing_discount_credit", "callback"],
            "alternative": "missing_discount_credit",
        },
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_confirm_missing_discount_credit",
            **{**CONFIRM_VALUES, "amount": "$7.60", "item": "order", "reference": "BL-30018"},
        )
    ]
    assert events == granted("missing_discount_credit")
    assert grants_for("BL-30018") == [
        {
            "kind": "credit",
            "reference": "BL-30018",
            "customer_id": "C002",
            "amount": 7.6,
            "note": "missing_discount_credit under volume_discount_domestic",
        }
    ]


def test_honouring_an_expired_coupon_marks_it_honoured_in_the_company_records(domain):
    facts = {"coupon_code": "SPRING15", "coupon_percent": 15, "coupon_valid": False, "coupon_honoured_before": False}
    tracker = tracker_from(
        "empty_tracker",
        slots={
            "case_type": "coupon_problem",
            "coupon_code": "SPRING15",
            "policy_id": "coupon_expiry",
            "case_facts": facts,
            "offered_alternatives": ["honour_coupon", "current_offer"],
            "alternative": "honour_coupon",
        },
        intent="choose_alternative",
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_confirm_honour_coupon",
            amount="",
            item="order",
            coupon_code="SPRING15",
            coupon_percent=15,
            offer_code="",
            offer_percent="",
            reference="",
        )
    ]
    assert events == granted("honour_coupon")
    assert grants_for("SPRING15") == [
        {"kind": "honour_coupon", "reference": "SPRING15", "customer_id": None, "amount": None, "note": "honour_coupon under coupon_expiry"}
    ]
    assert asyncio.run(stores.company().coupon("SPRING15")).goodwill_honoured is True


def test_todays_offer_names_the_current_offer_code(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={
            "policy_id": "coupon_expiry",
            "case_facts": {"coupon_code": "SUMMER20", "coupon_percent": 20},
            "offered_alternatives": ["current_offer", "human"],
            "alternative": "current_offer",
        },
        intent="choose_alternative",
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_confirm_current_offer",
            amount="",
            item="order",
            coupon_code="SUMMER20",
            coupon_percent=20,
            offer_code="WELCOME10",
            offer_percent="10",
            reference="",
        )
    ]
    assert events == granted("current_offer")
