"""action_explain_policy: the rule and its reason, checked against the records first."""

from datetime import date, timedelta
from typing import Any, Dict

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.case import day_name, render
from actions.explain_policy import ActionExplainPolicy, demand_answer, tells_something_new
from gracious.stores.company_types import business_today
from tests.actions import message, run_action, tracker_from


def values(**changes: Any) -> Dict[str, Any]:
    """Template values with nothing known about the case, then ``changes``."""
    blank = {
        "reference": "",
        "item": "order",
        "ordered": "",
        "item_wanted": "",
        "shipped": "",
        "order_status": "",
        "promised_on": "",
        "days_late": "",
        "delivered_on": "",
        "international_calls": 0,
        "international_destinations": "",
        "international_total": "",
        "bill_lines": "",
        "calls_total": "",
        "calls_after_discount": "",
        "domestic_total": "",
        "discount_rate": "0%",
        "discount_applied": "",
        "discount_due": "",
        "missing_discount": "",
        "coupon_code": "",
        "coupon_percent": "",
        "coupon_expired_on": "",
        "days_since_delivery": "",
        "amount_requested": "",
        "max_credit": "$25.00",
        "name": "",
    }
    return {**blank, **changes}


def days_from_today(days: int) -> date:
    return business_today() + timedelta(days=days)  # the demo's days count from the business's date


MAYA = {
    "verified": True,
    "customer_id": "C001",
    "customer_name": "Maya",
    "customer_full_name": "Maya Okafor",
    "customer_phone": "+1 555 0134",
    "customer_email": "maya.okafor@example.com",
}
DANIEL = {
    "verified": True,
    "customer_id": "C002",
    "customer_name": "Daniel",
    "customer_full_name": "Daniel Reyes",
    "customer_phone": "+1 555 0178",
    "customer_email": "daniel.reyes@example.com",
}
PRIYA = {
    "verified": True,
    "customer_id": "C003",
    "customer_name": "Priya",
    "customer_full_name": "Priya Natarajan",
    "customer_phone": "+1 555 0199",
    "customer_email": "priya.n@example.com",
}


def explained(policy_id, entitled, at_fault, facts, already=()):
    facts = {"impossible_request": False, **facts}
    return [
        SlotSet("policy_id", policy_id),
        SlotSet("entitled", entitled),
        SlotSet("company_at_fault", at_fault),
        SlotSet("case_facts", facts),
        SlotSet("explained_policies", list(already) + ([] if policy_id in already else [policy_id])),
    ]


def test_dispute_on_bill_with_london_calls_explains_domestic_only_discount(domain):
    tracker = tracker_from("dispute_charge", slots={"case_type": "dispute_charge"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    bill_values = values(
        reference="BL-30017",
        international_calls=3,
        international_destinations="London",
        international_total="$45.00",
        domestic_total="$62.00",
        discount_rate="10%",
        discount_applied="$6.20",
        discount_due="$6.20",
        missing_discount="$0.00",
        name="Maya",
        bill_lines="Chicago, 120 minutes, $24.00; Boston, 95 minutes, $19.00; Denver, 95 minutes, $19.00; "
        "London, 40 minutes, $18.00; London, 35 minutes, $15.75; and London, 25 minutes, $11.25",
        calls_total="$107.00",
        calls_after_discount="$100.80",
    )
    assert dispatcher.messages == [message(response="utter_policy_volume_discount", **bill_values)]
    assert events == explained(
        "volume_discount_domestic",
        False,
        False,
        {
            "reference_kind": "bill",
            "reference": "BL-30017",
            "reference_found": True,
            "bill_complex": False,
            "international_calls": 3,
            "international_destinations": ["London"],
            "international_total": 45.0,
            "domestic_total": 62.0,
            "discount_rate": 0.1,
            "discount_applied": 6.2,
            "discount_due": 6.2,
            "discount_missing": False,
            "missing_discount_amount": 0.0,
            **MAYA,  # the calls line by line are read when asked for, never stored (UNSTORED)
        },
    )
    # What the customer reads once Rasa fills the template.
    wording = domain["responses"]["utter_policy_volume_discount"][0]["text"]
    assert render(wording, bill_values).startswith(
        "Here's what I see on BL-30017: your 10% volume discount was applied to your domestic calls, "
        "which came to $62.00, so the discount was $6.20. Your calls to London aren't covered (3 on this bill),"
    )


def test_all_domestic_bill_without_its_discount_says_the_customer_is_owed_it(domain):
    tracker = tracker_from("dispute_charge", slots={"case_type": "dispute_charge", "order_id": "BL-30018"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_policy_volume_discount_entitled",
            **values(
                reference="BL-30018",
                domestic_total="$76.00",
                discount_rate="10%",
                discount_applied="$0.00",
                discount_due="$7.60",
                missing_discount="$7.60",
                international_total="$0.00",
                name="Daniel",
                bill_lines="Seattle, 200 minutes, $40.00; Austin, 110 minutes, $22.00; and Miami, 70 minutes, $14.00",
                calls_total="$76.00",
                calls_after_discount="$68.40",
            ),
        )
    ]
    assert events == explained(
        "volume_discount_domestic",
        True,
        False,
        {
            "reference_kind": "bill",
            "reference": "BL-30018",
            "reference_found": True,
            "bill_complex": False,
            "international_calls": 0,
            "international_destinations": [],
            "international_total": 0,
            "domestic_total": 76.0,
            "discount_rate": 0.1,
            "discount_applied": 0.0,
            "discount_due": 7.6,
            "discount_missing": True,
            "missing_discount_amount": 7.6,
            **DANIEL,
        },
    )


def test_bill_spread_over_months_goes_to_billing_review(domain):
    tracker = tracker_from("dispute_charge", slots={"case_type": "dispute_charge", "order_id": "BL-30019"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_billing_review"]
    assert dispatcher.messages[0]["reference"] == "BL-30019"
    assert events[:3] == [
        SlotSet("policy_id", "billing_review"),
        SlotSet("entitled", False),
        SlotSet("company_at_fault", False),
    ]
    assert events[3]["value"]["bill_complex"] is True
    assert events[4] == SlotSet("explained_policies", ["billing_review"])


@pytest.mark.parametrize("bill", ["BL-30018", "BL-30017"])
def test_a_payment_taken_twice_goes_to_a_billing_specialist_never_the_discount(domain, bill):
    # Blind panel p37 09: "you charged me twice" on a bill got the missing-discount credit.
    text = f"you charged me twice for {bill} this month, i want one of the payments back"
    slots = {"case_type": "dispute_charge", "order_id": bill}
    tracker = tracker_from("dispute_charge", slots=slots, text=text)
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_duplicate_payment"]
    assert events[0] == SlotSet("policy_id", "duplicate_payment")


def test_calls_never_made_go_to_account_security_never_a_credit(domain):
    # Blind panel p38: "could someone be using my phone?" got a goodwill credit.
    text = "could someone be using my phone? there are calls on BL-30017 i never made"
    slots = {"case_type": "dispute_charge", "order_id": "BL-30017"}
    tracker = tracker_from("dispute_charge", slots=slots, text=text)
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_calls_not_made"]
    assert events[0] == SlotSet("policy_id", "calls_not_made")


def test_a_bill_dispute_without_a_double_payment_keeps_its_own_policy(domain):
    text = "the volume discount on BL-30018 never showed up"
    slots = {"case_type": "dispute_charge", "order_id": "BL-30018"}
    _, events = run_action(ActionExplainPolicy(), tracker_from("dispute_charge", slots=slots, text=text), domain)
    assert events[0] == SlotSet("policy_id", "volume_discount_domestic")


@pytest.mark.parametrize("case_type", ["check_order_status", "request_refund"])
def test_an_order_still_being_packed_asked_to_be_cancelled_is_one_a_person_can_stop(domain, case_type):
    # A panel of our own (2 December): "my jacket order LK-10424, i want to cancel it" heard only its date.
    text = "my jacket order LK-10424, i want to cancel it"
    slots = {"case_type": case_type, "order_id": "LK-10424"}
    tracker = tracker_from("report_wrong_item", slots=slots, intent=case_type, text=text)
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_cancel_before_shipping"]
    assert events[0] == SlotSet("policy_id", "cancel_before_shipping")


def test_cancelling_an_order_already_with_the_courier_is_not_stopped_in_the_warehouse(domain):
    text = "cancel my order LK-10423, i dont want it anymore"
    slots = {"case_type": "request_refund", "order_id": "LK-10423"}
    tracker = tracker_from("report_wrong_item", slots=slots, intent="request_refund", text=text)
    _, events = run_action(ActionExplainPolicy(), tracker, domain)
    assert events[0] != SlotSet("policy_id", "cancel_before_shipping")


def test_wrong_colour_on_lk_10421_is_explained_as_our_error(domain):
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    order_values = values(
        reference="LK-10421",
        item="dress",
        ordered="navy size M",
        shipped="red size M",
        order_status="delivered",
        promised_on=day_name(days_from_today(-2)),
        delivered_on=day_name(days_from_today(-2)),
        days_since_delivery=2,
        name="Maya",
    )
    assert dispatcher.messages == [message(response="utter_policy_wrong_item_company_error", **order_values)]
    assert events == explained(
        "wrong_item_company_error",
        False,
        True,
        {
            "reference_kind": "order",
            "reference": "LK-10421",
            "reference_found": True,
            "order_item": "dress",
            "ordered": "navy size M",
            "shipped": "red size M",
            "order_status": "delivered",
            "order_total": 89.0,
            "promised_on": days_from_today(-2).isoformat(),
            "company_error": True,
            "order_late": False,
            "within_return_window": True,
            "days_since_delivery": 2,
            "order_delivered": True,
            "delivered_on": days_from_today(-2).isoformat(),
            "item_category": "clothing",
            **MAYA,
        },
    )
    wording = domain["responses"]["utter_policy_wrong_item_company_error"][0]["text"]
    assert render(wording, order_values) == (
        "I've looked at LK-10421: you ordered the dress in navy size M, and we sent it in red size M. "
        "That mistake is ours, and you shouldn't lose a penny or a day over it."
    )


def test_item_sent_as_ordered_offers_the_customer_choice_exchange(domain):
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item", "order_id": "LK-10422"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_exchange"]
    assert (dispatcher.messages[0]["reference"], dispatcher.messages[0]["item"]) == ("LK-10422", "shoes")
    assert events[:3] == [
        SlotSet("policy_id", "exchange_customer_choice"),
        SlotSet("entitled", True),  # within the 30 days: the exchange, a refund or credit (p36 02)
        SlotSet("company_at_fault", False),
    ]


def test_refund_two_months_after_delivery_explains_the_return_window(domain):
    tracker = tracker_from(
        "report_wrong_item",
        slots={"case_type": "request_refund", "order_id": "LK-10425"},
        intent="request_refund",
        text="I want a refund for my lamp, LK-10425",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_policy_returns_outside_window",
            **values(
                reference="LK-10425",
                item="lamp",
                ordered="brass",
                shipped="brass",
                order_status="delivered",
                promised_on=day_name(days_from_today(-60)),
                delivered_on=day_name(days_from_today(-60)),
                days_since_delivery=60,
                name="Daniel",
            ),
        )
    ]
    assert events == explained(
        "returns_window",
        False,
        False,
        {
            "reference_kind": "order",
            "reference": "LK-10425",
            "reference_found": True,
            "order_item": "lamp",
            "ordered": "brass",
            "shipped": "brass",
            "order_status": "delivered",
            "order_total": 60.0,
            "promised_on": days_from_today(-60).isoformat(),
            "company_error": False,
            "order_late": False,
            "within_return_window": False,
            "days_since_delivery": 60,
            "order_delivered": True,
            "delivered_on": days_from_today(-60).isoformat(),
            "item_category": "home",
            **DANIEL,
        },
    )


def test_refund_inside_the_window_says_the_refund_is_theirs(domain):
    tracker = tracker_from(
        "report_wrong_item",
        slots={"case_type": "request_refund", "order_id": "LK-10426"},
        intent="request_refund",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_returns_entitled"]
    assert (dispatcher.messages[0]["reference"], dispatcher.messages[0]["item"]) == ("LK-10426", "headphones")
    assert events[:3] == [
        SlotSet("policy_id", "returns_window"),
        SlotSet("entitled", True),
        SlotSet("company_at_fault", False),
    ]
    assert events[3]["value"]["within_return_window"] is True


def test_order_past_its_promised_date_gets_the_late_delivery_apology(domain):
    tracker = tracker_from(
        "report_wrong_item",
        slots={"case_type": "check_order_status", "order_id": "LK-10423"},
        intent="check_order_status",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_policy_late_delivery",
            **values(
                reference="LK-10423",
                item="coffee grinder",
                ordered="matte black",
                shipped="matte black",
                order_status="in transit",
                promised_on=day_name(days_from_today(-3)),
                days_late="3 days",
                days_since_delivery=None,
                name="Priya",
            ),
        )
    ]
    assert events == explained(
        "late_delivery_goodwill",
        False,
        True,
        {
            "reference_kind": "order",
            "reference": "LK-10423",
            "reference_found": True,
            "order_item": "coffee grinder",
            "ordered": "matte black",
            "shipped": "matte black",
            "order_status": "in transit",
            "order_total": 45.0,
            "promised_on": days_from_today(-3).isoformat(),
            "company_error": False,
            "order_late": True,
            "within_return_window": False,
            "days_since_delivery": None,
            "order_delivered": False,
            "delivered_on": None,
            "item_category": "home",
            **PRIYA,
        },
    )


def test_expired_coupon_spring15_explains_the_end_date(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={"case_type": "coupon_problem", "coupon_code": "SPRING15"},
        intent="coupon_problem",
        text="my SPRING15 coupon didn't work",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_policy_coupon_expiry",
            **values(coupon_code="SPRING15", coupon_percent=15, coupon_expired_on=day_name(days_from_today(-20))),
        )
    ]
    assert events == explained(
        "coupon_expiry",
        False,
        False,
        {
            "reference_kind": None,
            "reference": None,
            "coupon_found": True,
            "coupon_code": "SPRING15",
            "coupon_percent": 15,
            "coupon_valid": False,
            "coupon_expired_on": days_from_today(-20).isoformat(),
            "coupon_honoured_before": False,
        },
    )


def test_valid_coupon_welcome10_says_it_should_have_worked(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={"case_type": "coupon_problem", "coupon_code": "welcome10"},
        intent="coupon_problem",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_policy_coupon_entitled",
            **values(coupon_code="WELCOME10", coupon_percent=10, coupon_expired_on=day_name(days_from_today(60))),
        )
    ]
    assert events[:3] == [
        SlotSet("policy_id", "coupon_expiry"),
        SlotSet("entitled", True),
        SlotSet("company_at_fault", False),
    ]


def test_first_request_for_the_ceo_explains_the_office_team(domain):
    tracker = tracker_from("empty_tracker", slots={"case_type": "request_executive"}, intent="request_executive")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_policy_executive_contact", **values())]
    assert events == explained("executive_contact", False, False, {"reference_kind": None, "reference": None})


def test_asking_for_the_ceo_again_holds_the_line_with_the_pressed_wording(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={"case_type": "request_executive", "explained_policies": ["executive_contact"]},
        intent="request_executive",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_policy_executive_pressed", **values())]
    assert events == explained(
        "executive_contact",
        False,
        False,
        {"reference_kind": None, "reference": None},
        already=["executive_contact"],
    )


def test_policy_question_about_returns_gets_the_general_wording(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={"policy_topic": "returns", "explained_policies": ["coupon_expiry"]},
        intent="ask_policy",
        text="what is your return policy?",
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_policy_returns_general", **values())]
    assert events == [SlotSet("explained_policies", ["coupon_expiry", "returns_window"])]


def test_policy_question_without_a_topic_asks_which_policy(domain):
    tracker = tracker_from("empty_tracker", intent="ask_policy", text="what are your policies?")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_ask_policy_topic")]
    assert events == []


def test_policy_question_on_an_unknown_topic_asks_which_policy(domain):
    tracker = tracker_from("empty_tracker", slots={"policy_topic": "parking"}, intent="ask_policy")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_ask_policy_topic")]
    assert events == []


def test_no_case_yet_asks_what_happened(domain):
    dispatcher, events = run_action(ActionExplainPolicy(), tracker_from("empty_tracker", intent="inform"), domain)

    assert dispatcher.messages == [message(response="utter_ask_what_happened")]
    assert events == []


def test_a_refund_for_a_late_order_by_someone_who_says_it_is_late_is_about_the_lateness(domain):
    late = tracker_from(
        "report_wrong_item",
        slots={"case_type": "request_refund", "order_id": "LK-10423"},
        intent="request_refund",
        text="i dont want a refund, i want the grinder. it's late",
    )
    dispatcher, _ = run_action(ActionExplainPolicy(), late, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_late_delivery"]
    # "I don't need it anymore" is a refund of an order on its way.
    unwanted = tracker_from(
        "report_wrong_item",
        slots={"case_type": "request_refund", "order_id": "LK-10423"},
        intent="request_refund",
        text="i want a refund for LK-10423, i dont need it anymore",
    )
    dispatcher, _ = run_action(ActionExplainPolicy(), unwanted, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_refund_in_transit"]


def test_something_for_the_trouble_with_no_sum_hears_what_is_in_hand_not_a_limit(domain):
    # Blind panel p34 08: "beyond what I can grant myself" to a customer who named no sum.
    # A customer with an account (checked for C002); a guest has no account to put a credit on (p47 19, p48 19).
    for text, key, checked in (
        ("and the something extra for my trouble? you overcharged me", "utter_policy_goodwill_in_hand", ["C002"]),
        ("i want a free year of phone service", "utter_policy_goodwill_limit", ["C002"]),
        ("i want a free year of phone service", "utter_policy_goodwill_no_account", []),
    ):
        tracker = tracker_from(
            "empty_tracker",
            intent="demand_compensation",
            text=text,
            slots={"case_type": "demand_compensation", "verified_customers": checked},
        )
        dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)
        assert [m.get("response") for m in dispatcher.messages] == [key], text


@pytest.mark.parametrize(
    "text, item, policy",
    [
        # Blind panel p34 16: "I'm sorry we didn't get your sandwich right... We'll gladly make it again".
        ("my sandwich from the cafe had a hair in it. gross", "sandwich", "cafe_hygiene"),
        ("my flat white from the cafe was cold", "flat white", "cafe_remake"),  # still remade
    ],
)
def test_a_hair_in_a_cafe_sandwich_is_a_hygiene_case_not_a_remake(domain, text, item, policy):
    tracker = tracker_from(
        "empty_tracker", intent="report_wrong_item", text=text, slots={"case_type": "report_wrong_item", "item": item}
    )
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)
    assert SlotSet("policy_id", policy) in events
    assert [m.get("response") for m in dispatcher.messages] == [f"utter_policy_{policy}"]


def test_a_coupon_honoured_earlier_in_the_chat_is_said_still_honoured(domain):
    # Blind panel p43 10: "ok nvm ill stick with spring15" after it was honoured heard its end date again.
    honoured = [{"alternative": "honour_coupon", "kind": "honour_coupon", "reference": "SPRING15", "state": "done"}]
    tracker = tracker_from(
        "empty_tracker",
        slots={"case_type": "coupon_problem", "coupon_code": "SPRING15", "settled": honoured},
        intent="coupon_problem",
        text="ok nvm ill stick with spring15. thanks",
    )
    dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_coupon_honoured_here"]


@pytest.mark.parametrize(
    "said, expected",
    [
        ("i want free coffee for a year for this", "utter_demand_beyond_limit"),
        ("give me all the bill free", "utter_demand_beyond_limit"),
        # "something for my trouble" is what a goodwill credit is for: no demand beyond the limit.
        ("can i at least get something for my trouble", None),
        ("i want something for the hassle", None),
        ("ok thanks", None),
    ],
)
def test_only_a_demand_with_no_end_is_answered_as_beyond_the_limit(said, expected):
    tracker = Tracker.from_dict({"sender_id": "t", "slots": {}, "latest_message": {"text": said, "entities": []}})
    assert demand_answer(tracker, {"asked_loosely": True}) == expected


def test_a_sum_beyond_the_limit_named_just_now_gets_its_plain_no():
    latest = {"text": "give me 107 dollars", "entities": [{"entity": "amount", "value": "107"}]}
    tracker = Tracker.from_dict({"sender_id": "t", "slots": {}, "latest_message": latest})
    assert demand_answer(tracker, {"over_limit": True}) == "utter_sum_beyond_limit"


def _said(*texts: str) -> Tracker:
    events = [{"event": "user", "text": t} for t in texts]
    return Tracker.from_dict({"sender_id": "t", "slots": {}, "events": events, "latest_message": {"text": texts[-1]}})


@pytest.mark.parametrize(
    "texts, new",
    [
        (("my bill BL-30017 is wrong, calls i never made", "this is ridiculous, BL-30017 is wrong"), False),
        (("my bill BL-30017 is wrong", "seriously?? the bill is WRONG"), False),
        (
            ("my bill BL-30017 is wrong, calls i never made", "the calls were to Spain on days i was in hospital"),
            True,
        ),
        (("my bill is wrong",), True),
    ],
)
def test_told_again_with_nothing_new_is_heard_not_thanked_for(texts, new):
    assert tells_something_new(_said(*texts)) is new
