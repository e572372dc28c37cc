"""Nothing of an account before the customer is verified for it (actions/verification.py)."""

import asyncio
from typing import Any, Dict, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import verification
from actions.apply_alternative import ActionApplyAlternative
from actions.case import gather_facts
from actions.case_form import ActionAskAccountCheck, ActionSkipReference, ValidateCaseForm
from actions.explain_policy import ActionExplainPolicy
from actions.handoff import handoff_reason
from actions.offer_alternatives import ActionOfferAlternatives
from gracious import codes, identity
from tests.actions import required, responses, run_action, tracker_from

STRANGER = {"verified_customers": None}
# What a bill or order shows once the customer is verified; a stranger must see none of it.
DETAILS = {
    "international_calls",
    "international_destinations",
    "domestic_total",
    "discount_applied",
    "missing_discount_amount",
    "order_item",
    "ordered",
    "shipped",
    "order_status",
    "order_total",
    "customer_id",
    "customer_name",
    "customer_full_name",
    "customer_email",
    "customer_phone",
}


def stranger(*, slots: Optional[Dict[str, Any]] = None, metadata: Optional[Dict[str, Any]] = None, **changes):
    tracker = tracker_from("case_form", slots={**STRANGER, **(slots or {})}, **changes)
    if metadata is not None:
        tracker.latest_message["metadata"] = metadata
    return tracker


def check(value: str, tracker):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCaseForm().validate_account_check(value, dispatcher, tracker, {}))
    return result, [m["response"] for m in dispatcher.messages]


@pytest.mark.parametrize("reference", ["BL-30017", "LK-10421", "LK-10423"])
def test_a_stranger_naming_a_record_gets_none_of_its_details(reference):
    facts = asyncio.run(gather_facts(stranger(slots={"order_id": reference, "case_type": "dispute_charge"})))

    assert facts["verification_needed"] is True and facts["verified"] is False
    assert not DETAILS & set(facts), DETAILS & set(facts)


def test_the_owner_verified_by_a_check_gets_the_details():
    tracker = stranger(slots={"order_id": "BL-30017", "case_type": "dispute_charge", "verified_customers": ["C001"]})
    facts = asyncio.run(gather_facts(tracker))

    assert facts["verified"] is True and facts["international_calls"] == 3 and facts["customer_name"] == "Maya"


def test_verified_for_one_account_is_not_verified_for_another():
    tracker = stranger(slots={"order_id": "BL-30018", "case_type": "dispute_charge", "verified_customers": ["C001"]})
    facts = asyncio.run(gather_facts(tracker))

    assert facts["verification_needed"] is True and "customer_name" not in facts


def test_the_websites_signed_identity_verifies_its_customer_for_their_records_only():
    signed = {"identity": identity.sign("C001")}
    mine = asyncio.run(gather_facts(stranger(slots={"order_id": "LK-10421"}, metadata=signed)))
    theirs = asyncio.run(gather_facts(stranger(slots={"order_id": "LK-10422"}, metadata=signed)))

    assert mine["verified"] is True and mine["order_item"] == "dress"
    assert theirs["verification_needed"] is True and "order_item" not in theirs


@pytest.mark.parametrize(
    "token",
    [
        identity.sign("C001", lifetime_seconds=-60),  # expired
        identity.sign("C001")[:-4] + "0000",  # altered signature
        identity.sign("C001").replace("C001", "C002"),  # someone else's id under Maya's signature
        identity.sign("C001", secret=b"not the site's secret"),  # signed by someone else
        "C001",
        None,
    ],
    # Named, not by the tokens: those hold the time they were signed, and the test workers must collect the same ids.
    ids=["expired", "altered", "someone_elses_id", "another_secret", "bare_id", "none"],
)
def test_a_forged_or_expired_identity_verifies_nobody(token):
    facts = asyncio.run(gather_facts(stranger(slots={"order_id": "LK-10421"}, metadata={"identity": token})))

    assert facts["verification_needed"] is True and "order_item" not in facts


def test_the_case_form_asks_a_stranger_for_the_accounts_email_or_phone_after_the_number(domain):
    tracker = stranger(slots={"case_type": "dispute_charge", "order_id": "BL-30017"})

    assert required(tracker, domain) == ["order_id", "account_check"]


def test_the_owner_signed_in_is_not_asked(domain):
    tracker = stranger(
        slots={"case_type": "dispute_charge", "order_id": "BL-30017"}, metadata={"identity": identity.sign("C001")}
    )

    assert required(tracker, domain) == ["order_id"]


@pytest.mark.parametrize(
    "said",
    [
        "the email on my account is Maya.Okafor@example.com",
        "  MAYA.OKAFOR@EXAMPLE.COM ",
        "555-0134",
        "+1 (555) 0134",
        "my number is 1 555 0134",
        "1-555-0134",
        "(555) 0134",
        "555.0134",
    ],
)
def test_the_email_or_phone_on_the_account_verifies_the_owner(said):
    result, said_back = check(said, stranger(slots={"order_id": "BL-30017"}))

    assert result == {"account_check": "passed", "verified_customers": ["C001"]}
    assert said_back == ["utter_account_check_passed"]


@pytest.mark.parametrize("said", ["daniel.reyes@example.com", "555 0178", "+44 20 7946 0134", "maya@example.com"])
def test_details_that_are_not_the_accounts_are_a_miss_and_reveal_nothing(said):
    result, said_back = check(said, stranger(slots={"order_id": "BL-30017"}))

    assert result == {"account_check": None, "account_check_failures": 1.0}
    assert said_back == []  # the form asks again, with the miss said (utter_ask_account_check)


@pytest.mark.parametrize("said", ["why do you need that", "0134", "it ends in 34"])
def test_words_without_an_email_or_phone_are_asked_again_not_counted(said):
    result, said_back = check(said, stranger(slots={"order_id": "BL-30017"}))

    assert result == {"account_check": None, "account_check_note": "unclear"}
    assert said_back == []  # action_ask_account_check says it, once


@pytest.mark.parametrize(
    "said", ["no. I'm not giving my email to a chatbot", "I'd rather not", "i dont know it sorry", "no idea"]
)
def test_a_no_to_the_check_carries_on_in_general_terms(said):
    result, said_back = check(said, stranger(slots={"order_id": "BL-30017"}))

    assert result == {"account_check": "skipped"}
    assert said_back == ["utter_account_check_skipped"]


def test_a_date_is_not_taken_for_a_phone_number():
    assert verification.contacts("I was charged on 2026-11-03 and 03/11/2026") == ([], [])


def ask(tracker, domain):
    dispatcher, events = run_action(ActionAskAccountCheck(), tracker, domain)
    return responses(dispatcher), events


def test_the_question_is_asked_once_in_the_words_that_fit(domain):
    first, _ = ask(stranger(slots={"order_id": "LK-10422"}), domain)
    unclear, events = ask(stranger(slots={"order_id": "LK-10422", "account_check_note": "unclear"}), domain)
    again, _ = ask(stranger(slots={"order_id": "LK-10422", "account_check_failures": 1.0}), domain)
    other, _ = ask(stranger(slots={"order_id": "LK-10422"}, metadata={"identity": identity.sign("C001")}), domain)

    assert first == ["utter_ask_account_check"]
    assert unclear == ["utter_account_check_unclear"]
    assert {"event": "slot", "timestamp": None, "name": "account_check_note", "value": None} in events
    assert again == ["utter_ask_account_check"]  # its variation for a first miss
    assert other == ["utter_ask_account_check_other"]  # signed in as Maya, asking about Daniel's order


def test_an_email_given_before_the_number_is_checked_when_the_number_comes():
    events = [
        {"event": "user", "text": "my email is priya.n@example.com. my grinder still hasn't come"},
        {"event": "bot", "text": "Could you give me the order number?"},
        {"event": "user", "text": "LK-10423"},
    ]
    tracker = stranger(slots={"case_type": "check_order_status"}, text="LK-10423", events=events)
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCaseForm().validate_order_id("LK-10423", dispatcher, tracker, {}))

    assert result == {"order_id": "LK-10423", "account_check": "passed", "verified_customers": ["C003"]}


def test_nothing_about_an_unverified_record_is_emailed_to_an_address_typed_in(domain):
    facts = {"reference": "BL-30017", "reference_kind": "bill", "verification_needed": True, "verified": False}
    slots = {**STRANGER, "case_facts": facts, "alternative": "email_followup", "offered_alternatives": ["human"]}
    dispatcher, _ = run_action(ActionApplyAlternative(), tracker_from("case_form", slots=slots), domain)

    assert responses(dispatcher) == ["utter_unverified_no_email"]


def test_the_third_miss_goes_to_a_person_not_another_guess():
    tracker = stranger(slots={"order_id": "BL-30017", "account_check_failures": 2.0})
    result, said_back = check("someone@example.com", tracker)

    assert result == {"account_check": "failed", "account_check_failures": 3.0}
    assert said_back == ["utter_account_check_to_person"]


def test_misses_from_one_address_across_conversations_are_limited():
    metadata = {"gracious_client": {"address": "203.0.113.9", "channel": "rest", "integration": ""}}
    for attempt in range(10):
        tracker = stranger(slots={"order_id": "BL-30017"}, metadata=metadata, sender_id=f"guesser-{attempt}")
        check(f"guess{attempt}@example.com", tracker)
    # A new conversation from the same address, even with the right email, goes to a person.
    tracker = stranger(slots={"order_id": "BL-30017"}, metadata=metadata, sender_id="guesser-new")
    result, said_back = check("maya.okafor@example.com", tracker)

    assert result == {"account_check": "failed"}
    assert said_back == ["utter_account_check_to_person"]
    other = {"gracious_client": {"address": "198.51.100.7", "channel": "rest", "integration": ""}}
    result, _ = check("maya.okafor@example.com", stranger(slots={"order_id": "BL-30017"}, metadata=other))
    assert result["account_check"] == "passed"


def test_the_number_and_the_email_in_one_message_verify_at_once():
    text = "bill BL-30017 is wrong, the email on the account is maya.okafor@example.com"
    dispatcher = CollectingDispatcher()
    tracker = stranger(slots={"case_type": "dispute_charge"}, text=text)
    result = asyncio.run(ValidateCaseForm().validate_order_id("BL-30017", dispatcher, tracker, {}))

    assert result == {"order_id": "BL-30017", "account_check": "passed", "verified_customers": ["C001"]}


def test_no_email_to_hand_carries_on_in_general_terms(domain):
    tracker = stranger(slots={"order_id": "BL-30017", "requested_slot": "account_check"}, intent="deny")
    dispatcher, events = run_action(ActionSkipReference(), tracker, domain)

    assert responses(dispatcher) == ["utter_account_check_skipped"]
    assert {"event": "slot", "timestamp": None, "name": "account_check", "value": "skipped"} in events


def test_an_unverified_case_is_explained_in_general_and_offers_only_a_person_or_a_call(domain):
    tracker = stranger(slots={"order_id": "BL-30017", "case_type": "dispute_charge", "account_check": "skipped"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)
    facts = next(e["value"] for e in events if e.get("name") == "case_facts")

    assert responses(dispatcher) == ["utter_policy_volume_discount_general"]
    assert not DETAILS & set(facts)
    offered = tracker_from(
        "case_form", slots={**STRANGER, "case_facts": facts, "policy_id": "volume_discount_domestic"}
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), offered, domain)
    assert responses(dispatcher) == ["utter_offer_intro_unverified"]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["offered_alternatives"] == ["human", "callback"]


def test_nothing_is_granted_on_a_record_the_customer_is_not_verified_for(domain):
    facts = {"reference": "BL-30017", "reference_kind": "bill", "verification_needed": True, "verified": False}
    slots = {
        **STRANGER,
        "case_facts": facts,
        "policy_id": "volume_discount_domestic",
        "alternative": "goodwill_credit",
        "offered_alternatives": ["goodwill_credit"],  # even a forged offer
    }
    dispatcher, _ = run_action(ActionApplyAlternative(), tracker_from("case_form", slots=slots), domain)

    assert responses(dispatcher) == ["utter_alternative_nothing_offered"]
    from gracious.stores import company

    assert asyncio.run(company().grants_for("BL-30017")) == []


def test_three_misses_lead_to_a_person_with_the_reason_on_the_desk(domain):
    facts = {"reference": "BL-30017", "verification_needed": True, "verification_failed": True}
    tracker = tracker_from("case_form", slots={**STRANGER, "case_facts": facts, "account_check": "failed"})
    _, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert events == [{"event": "followup", "timestamp": None, "name": "action_handoff"}]
    assert handoff_reason(tracker) == codes.IDENTITY_UNCONFIRMED


def test_a_guess_said_with_a_no_is_still_checked(domain):
    tracker = stranger(
        slots={"order_id": "BL-30017", "requested_slot": "account_check"},
        intent="deny",
        text="not sure, maybe maya@example.com",
    )
    dispatcher, events = run_action(ActionSkipReference(), tracker, domain)

    assert responses(dispatcher) == []
    assert {"event": "slot", "timestamp": None, "name": "account_check_failures", "value": 1.0} in events
    assert all(e.get("value") != "skipped" for e in events)


def test_why_the_details_are_needed_is_answered_then_asked_again(domain):
    from actions.digression import ActionAnswerWhy

    tracker = stranger(slots={"order_id": "BL-30017", "requested_slot": "account_check"}, intent="ask_why")
    tracker.active_loop = {"name": "case_form"}
    dispatcher, events = run_action(ActionAnswerWhy(), tracker, domain)

    assert responses(dispatcher) == ["utter_why_account_check"]
    assert events == []  # the form asks its question again (data/rules/repair.yml)


def test_details_given_after_a_skipped_check_open_the_record_when_it_is_explained(domain):
    slots = {"order_id": "LK-10425", "case_type": "request_refund", "account_check": "skipped"}
    tracker = stranger(slots=slots, text="ok fine, it's daniel.reyes@example.com")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)
    facts = next(e["value"] for e in events if e.get("name") == "case_facts")

    assert responses(dispatcher)[0] == "utter_account_check_passed"
    assert facts["verified"] is True and facts["order_item"] == "lamp"
    assert {"event": "slot", "timestamp": None, "name": "verified_customers", "value": ["C002"]} in events


def test_wrong_details_given_later_are_said_and_counted(domain):
    slots = {"order_id": "LK-10425", "case_type": "request_refund", "account_check": "skipped"}
    tracker = stranger(slots=slots, text="it's someone@example.com")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert responses(dispatcher)[0] == "utter_account_check_later_miss"
    assert {"event": "slot", "timestamp": None, "name": "account_check_failures", "value": 1.0} in events
    facts = next(e["value"] for e in events if e.get("name") == "case_facts")
    assert "order_item" not in facts


def test_a_list_of_guesses_in_one_answer_matches_nobody():
    guesses = ", ".join(f"555 01{n:02d}" for n in range(100))  # 555 0134 among them
    result, _ = check(guesses, stranger(slots={"order_id": "BL-30017"}))

    assert result == {"account_check": None, "account_check_failures": 1.0}
    both = "maya.okafor@example.com or daniel.reyes@example.com"
    assert check(both, stranger(slots={"order_id": "BL-30017"}))[0]["account_check"] is None


def test_a_short_tail_of_a_long_number_is_not_the_number():
    from gracious.stores.account_checks import _phone_matches

    assert _phone_matches("555 0134", "+1 555 0134")
    assert _phone_matches("5550134", "+44 20 7946 555 0134") is False  # 7 of 14 digits


def test_typing_what_the_check_records_does_not_pass_it():
    result, _ = check("passed", stranger(slots={"order_id": "BL-30017"}))

    assert result["account_check"] is None


def test_an_identity_signed_to_hold_for_a_year_is_refused():
    assert identity.verified_customer(identity.sign("C001", lifetime_seconds=365 * 24 * 3600)) is None
    assert identity.verified_customer(identity.sign("C001", lifetime_seconds=23 * 3600)) == "C001"


def test_no_email_instead_of_a_call_about_an_unverified_record(domain):
    from actions.schedule_callback import ActionScheduleCallback
    from gracious.stores import company

    facts = {"reference": "BL-30019", "reference_kind": "bill", "verification_needed": True, "verified": False}
    slots = {**STRANGER, "callback_escape": "email", "email": "evil@example.org", "case_facts": facts}
    dispatcher, _ = run_action(ActionScheduleCallback(), tracker_from("callback_form", slots=slots), domain)

    assert responses(dispatcher) == ["utter_unverified_no_email"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ['/choose_alternative{"alternative": "human"}']
    assert asyncio.run(company().grants_for("BL-30019")) == []


def test_a_signed_in_customer_with_no_record_in_hand_is_known_and_a_guest_is_not():
    signed_in = {"identity": identity.sign("C002")}
    known = asyncio.run(gather_facts(stranger(slots={"case_type": "complain_service"}, metadata=signed_in)))
    guest = asyncio.run(gather_facts(stranger(slots={"case_type": "complain_service"})))

    assert known["customer_id"] == "C002" and known["customer_email"] == "daniel.reyes@example.com"
    assert known["verified"] is True
    assert "customer_id" not in guest and "verified" not in guest


def test_a_call_for_a_stranger_asks_for_their_number_and_never_uses_the_owners(domain):
    from actions.schedule_callback import known_phone

    slots = {"order_id": "BL-30017", "case_type": "dispute_charge", "account_check": "skipped"}
    _, events = run_action(ActionExplainPolicy(), stranger(slots=slots), domain)
    facts = next(e["value"] for e in events if e.get("name") == "case_facts")
    booking = tracker_from("callback_form", slots={**STRANGER, "case_facts": facts})

    from actions.schedule_callback import ValidateCallbackForm

    asked = asyncio.run(
        ValidateCallbackForm().required_slots(
            ["callback_time", "callback_phone"], CollectingDispatcher(), booking, domain
        )
    )
    assert known_phone(booking) is None
    assert "callback_phone" in asked


def test_details_given_beside_a_why_are_checked_after_the_reason():
    # Panel p34 10: "oops typo. try my phone 555 0178. why do you even need this".
    text = "oops typo. try my phone 555 0178. why do you even need this"
    tracker = stranger(slots={"order_id": "BL-30018", "case_type": "dispute_charge"}, text=text)
    tracker.latest_message["repair"] = "account_answer_why"
    result, said = check(text, tracker)
    assert said == ["utter_why_account_check", "utter_account_check_passed"]
    assert result["account_check"] == "passed"
