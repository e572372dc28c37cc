"""case_form: ask only for what the case needs, and check it against the records."""

import asyncio

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_form import ActionSkipReference, ValidateCaseForm
from gracious.stores.company import normalize_reference
from tests.actions import message, required, run_action, tracker_from


def validate_order_id(value, tracker, domain):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCaseForm().validate_order_id(value, dispatcher, tracker, domain))
    return result, dispatcher.messages


def validate_coupon_code(value, tracker, domain):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCaseForm().validate_coupon_code(value, dispatcher, tracker, domain))
    return result, dispatcher.messages


@pytest.mark.parametrize("case_type", ["dispute_charge", "request_refund", "check_order_status", "report_wrong_item"])
def test_cases_about_an_order_or_bill_need_its_reference(case_type, domain):
    assert required(tracker_from("case_form", slots={"case_type": case_type}), domain) == ["order_id"]


def test_coupon_problem_needs_the_coupon_code(domain):
    assert required(tracker_from("case_form", slots={"case_type": "coupon_problem"}), domain) == ["coupon_code"]


@pytest.mark.parametrize("item", ["latte", "Flat White"])
def test_wrong_cafe_item_needs_no_order_number(item, domain):
    tracker = tracker_from("case_form", slots={"case_type": "report_wrong_item", "item": item})
    assert required(tracker, domain) == []


@pytest.mark.parametrize("case_type", ["complain_service", "request_executive", "demand_compensation"])
def test_cases_without_a_record_to_check_need_nothing(case_type, domain):
    assert required(tracker_from("case_form", slots={"case_type": case_type}), domain) == []


def test_nothing_more_is_asked_once_the_reference_is_given_up_on(domain):
    tracker = tracker_from("case_form", slots={"case_type": "dispute_charge", "reference_missing": True})
    assert required(tracker, domain) == []


@pytest.mark.parametrize("typed", ["lk10421", "LK 10421", "#10421", "it's order LK-10421", "order no 10421"])
def test_order_reference_is_normalised_to_the_records_id(typed, domain):
    result, messages = validate_order_id(typed, tracker_from("case_form", text=typed), domain)

    assert result == {"order_id": "LK-10421"}
    assert messages == []


def test_bill_number_without_its_prefix_is_found_for_a_bill_dispute(domain):
    tracker = tracker_from("case_form", slots={"case_type": "dispute_charge"}, text="#30017")
    result, messages = validate_order_id("#30017", tracker, domain)

    assert result == {"order_id": "BL-30017"}
    assert messages == []


def test_unknown_reference_says_it_was_not_found(domain):
    result, messages = validate_order_id("LK-99999", tracker_from("case_form", text="LK-99999"), domain)

    assert result == {"order_id": None, "reference_attempts": 1.0}
    assert messages == [message(response="utter_reference_not_found", reference="LK-99999", reference_kind="order")]


def test_text_without_a_reference_says_what_one_looks_like(domain):
    tracker = tracker_from("case_form", slots={"case_type": "dispute_charge"}, text="it's on my bill")
    result, messages = validate_order_id("it's on my bill", tracker, domain)

    assert result == {"order_id": None, "reference_attempts": 1.0}
    assert messages == [message(response="utter_reference_unclear", reference="", reference_kind="bill")]


def test_second_reference_that_cannot_be_found_carries_on_without_one(domain):
    tracker = tracker_from("case_form", slots={"reference_attempts": 1.0}, text="LK-99998")
    result, messages = validate_order_id("LK-99998", tracker, domain)

    assert result == {"order_id": None, "reference_attempts": 2.0, "reference_missing": True}
    # Blind panel p43 21: never "No problem, we'll carry on without it" to someone who just gave it.
    assert messages == [message(response="utter_reference_still_not_found", reference="LK-99998")]


def test_nothing_given_the_second_time_carries_on_without_one(domain):
    tracker = tracker_from("case_form", slots={"reference_attempts": 1.0}, text="its on my bill somewhere")
    result, messages = validate_order_id("its on my bill somewhere", tracker, domain)

    assert result == {"order_id": None, "reference_attempts": 2.0, "reference_missing": True}
    assert messages == [message(response="utter_reference_carry_on", reference="")]


def test_coupon_code_is_found_whatever_its_case(domain):
    tracker = tracker_from("case_form", slots={"case_type": "coupon_problem", "requested_slot": "coupon_code"})
    result, messages = validate_coupon_code(" spring15 ", tracker, domain)

    assert result == {"coupon_code": "SPRING15"}
    assert messages == []


def test_unknown_coupon_code_is_named_then_given_up_on_at_the_second_try(domain):
    tracker = tracker_from("case_form", slots={"case_type": "coupon_problem"})
    result, messages = validate_coupon_code("free4all", tracker, domain)
    assert result == {"coupon_code": None, "reference_attempts": 1.0}
    assert messages == [message(response="utter_coupon_not_found", coupon_code="FREE4ALL")]

    tracker = tracker_from("case_form", slots={"case_type": "coupon_problem", "reference_attempts": 1.0})
    result, messages = validate_coupon_code("free4all", tracker, domain)
    assert result == {"coupon_code": None, "reference_attempts": 2.0, "reference_missing": True}
    assert messages == [message(response="utter_reference_still_not_found", reference="FREE4ALL")]


def test_skip_reference_carries_on_and_closes_the_question(domain):
    tracker = tracker_from("case_form", intent="deny", text="I don't have it")
    dispatcher, events = run_action(ActionSkipReference(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_reference_carry_on")]
    assert events == [SlotSet("reference_missing", True), SlotSet("requested_slot", None)]


def test_a_known_customer_describing_their_order_is_not_asked_for_its_number_again(domain):
    """A conversation of our own, 6 December: "i orderd a navy dress size M and you sent me a RED one" from Maya, signed
    in, heard "I didn't spot the order number in that"."""
    said = "i orderd a navy dress size M and you sent me a RED one. i needed it for a wedding on saturday"
    # "hi so i just opened my parcel and ugh" was read as where the order is: the answer tells what went wrong.
    slots = {
        "case_type": "check_order_status",
        "case_details": "hi so i just opened my parcel and ugh",
        "verified_customers": ["C001"],
        "requested_slot": "order_id",
    }
    tracker = tracker_from("case_form", slots=slots, text=said, intent="report_wrong_item")
    result, messages = validate_order_id(said, tracker, domain)

    assert result == {
        "order_id": "LK-10421",
        "case_type": "report_wrong_item",
        "case_details": f"hi so i just opened my parcel and ugh\n{said}",
    }
    assert messages == [message(response="utter_reference_found_on_account")]
    # A stranger describing the same dress is asked for the number as before.
    stranger = tracker_from("case_form", slots={**slots, "verified_customers": []}, text=said)
    assert validate_order_id(said, stranger, domain)[0] == {"order_id": None, "reference_attempts": 1.0}


def test_a_known_customer_without_the_number_is_found_their_one_dress(domain):
    said = "i dont have the number on me, its the navy dress one"
    slots = {
        "case_type": "report_wrong_item",
        "case_details": "the dress is the wrong colour",
        "verified_customers": ["C001"],
        "requested_slot": "order_id",
    }
    tracker = tracker_from("case_form", slots=slots, text=said, intent="deny")
    dispatcher, events = run_action(ActionSkipReference(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_reference_found_on_account")]
    assert events == [
        SlotSet("order_id", "LK-10421"),
        SlotSet("case_details", f"the dress is the wrong colour\n{said}"),
    ]


@pytest.mark.parametrize(
    "text, reference",
    [
        ("lk10421", "LK-10421"),
        ("BL-30017", "BL-30017"),
        ("bl 30017", "BL-30017"),
        ("#10421", "10421"),
        ("it is 10421", "10421"),  # 'is' is a word, not a prefix
        ("no idea", None),
    ],
)
def test_normalize_reference_reads_only_the_companys_prefixes(text, reference):
    assert normalize_reference(text) == reference


def test_a_known_customer_asked_for_the_order_is_shown_their_orders_to_tap(domain):
    """A conversation of our own, 6 December: Maya, signed in, was asked for a number she had no need to look up."""
    from actions.case_form import ActionAskOrderId

    slots = {"case_type": "report_wrong_item", "verified_customers": ["C001"], "requested_slot": "order_id"}
    dispatcher, events = run_action(ActionAskOrderId(), tracker_from("case_form", slots=slots), domain)

    [asked] = dispatcher.messages
    assert asked["response"] == "utter_ask_order_id_yours"
    assert [b["payload"] for b in asked["buttons"]] == [
        '/inform{"order_id": "LK-10424"}',
        '/inform{"order_id": "LK-10421"}',
    ]
    assert events == []
    # A stranger, a bill, or a second ask: the plain question.
    for changed in ({"verified_customers": []}, {"case_type": "dispute_charge"}, {"reference_attempts": 1.0}):
        dispatcher, _ = run_action(ActionAskOrderId(), tracker_from("case_form", slots={**slots, **changed}), domain)
        assert [m["response"] for m in dispatcher.messages] == ["utter_ask_order_id"]
