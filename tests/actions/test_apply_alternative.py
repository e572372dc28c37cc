"""action_apply_alternative: grant what the customer chose from the offer, once."""

import asyncio
from datetime import datetime, timezone
from typing import Any, Dict, List

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

import actions.apply_alternative
import gracious.stores.grants
from actions.apply_alternative import ActionApplyAlternative, granted_on
from gracious import stores
from gracious.stores.company_schema import outbox
from tests.actions import freeze_time, message, responses, run_action, tracker_from

CONFIRM_VALUES = {  # what every confirmation for the late grinder LK-10423 is filled with
    "amount": "",
    "item": "coffee grinder",
    "coupon_code": "",
    "coupon_percent": "",
    "offer_code": "",
    "offer_percent": "",
    "reference": "LK-10423",
    "item_wanted": "",
}


def grants_for(reference: str) -> List[Dict[str, Any]]:
    """Rows of the company's grants table, without the id and the clock."""
    rows = asyncio.run(stores.company().grants_for(reference))
    return [{k: v for k, v in row.items() if k not in ("id", "created_at")} for row in rows]


def kept(events):
    """The events but the `settled` slot, which tests/actions/test_status.py checks."""
    return [e for e in events if e.get("name") != "settled"]


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
    assert kept(events) == granted("goodwill_credit")
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


def test_the_ceos_office_asked_for_in_words_is_taken_whatever_the_case_offered(domain):
    # A conversation of our own, 6 December: "fine send it to the ceo office then" in the lamp's case, after the CEO's
    # case had offered it, heard "I'm sorry, I can't offer that one for this case".
    tracker = tracker_from("alternatives_offered", slots={"alternative": "send it to the ceo office"})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    # As its button does: the handoff to that team, which says so (never a promise without it).
    assert events == [SlotSet("alternative", "ceo_office"), FollowupAction("action_handoff")]
    assert dispatcher.messages == []
    assert grants_for("LK-10423") == []


def test_a_yes_to_several_options_asks_which_with_the_same_buttons(domain):
    tracker = tracker_from("alternatives_offered", slots={"alternative": None})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_which_alternative"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [
        "A $10.00 goodwill credit",
        "Email me tracking updates",
        "A full refund",
        "None of these",
    ]
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


def test_an_exchange_chosen_again_still_asks_for_the_return(domain):
    """p37 24: an exchange waits for the old pair, so never "nothing more you need to do"."""
    slots = {"alternative": "exchange", "granted_alternatives": ["exchange"], "offered_alternatives": ["exchange"]}
    dispatcher, events = run_action(ActionApplyAlternative(), tracker_from("alternatives_offered", slots=slots), domain)

    assert dispatcher.messages == [message(response="utter_alternative_already_done_return")]
    assert events == [SlotSet("alternative", None)]


def test_second_alternative_is_added_to_those_granted(domain):
    tracker = tracker_from(
        "alternatives_offered",
        slots={"alternative": "refund", "granted_alternatives": ["goodwill_credit"]},
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_confirm_refund_in_transit", **CONFIRM_VALUES)]
    assert kept(events) == granted("refund", before=["goodwill_credit"])
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

    assert dispatcher.messages == [
        message(response="utter_confirm_delivery_updates", **CONFIRM_VALUES),
        # Where the updates go: the address on the account (verified for the grinder's owner).
        message(response="utter_delivery_updates_to", email="priya.n@example.com"),
    ]
    assert kept(events) == granted("delivery_updates")
    assert grants_for("LK-10423") == []


def test_updates_signed_up_for_in_another_chat_are_said_to_be_on_and_not_signed_up_for_again(domain):
    # Blind panel p37 22: "tracking updates by email" in a second chat signed up again (or booked an
    # email follow-up); the customer hears they are on already, and no second sign-up email is queued.
    tracker = tracker_from("alternatives_offered", slots={"alternative": "delivery_updates"})
    run_action(ActionApplyAlternative(), tracker, domain)
    other = tracker_from("alternatives_offered", slots={"alternative": "delivery_updates"})
    other.sender_id = "another-chat"
    dispatcher, events = run_action(ActionApplyAlternative(), other, domain)

    assert dispatcher.messages == [
        message(response="utter_delivery_updates_already_on", reference="LK-10423", email="priya.n@example.com")
    ]
    assert SlotSet("accepted_alternative", "delivery_updates") in events
    rows = asyncio.run(stores.company().run(lambda conn: conn.execute(outbox.select()).fetchall()))
    assert [r.topic for r in rows].count("delivery_updates") == 1


def test_updates_on_already_do_not_drop_the_credit_taken_in_the_same_message(domain):
    # "the credit pls and also email me the tracking" with the updates on since another chat: the
    # customer hears they are on, and the credit is granted in the same turn (CI, 3 December).
    run_action(
        ActionApplyAlternative(),
        tracker_from("alternatives_offered", slots={"alternative": "delivery_updates"}),
        domain,
    )
    other = tracker_from("alternatives_offered", slots={"alternative": "delivery_updates"})
    other.sender_id = "another-chat"
    other.latest_message = dict(other.latest_message or {}, also_choose=["goodwill_credit"])
    dispatcher, events = run_action(ActionApplyAlternative(), other, domain)

    assert responses(dispatcher)[:2] == ["utter_delivery_updates_already_on", "utter_confirm_goodwill_credit"]
    assert SlotSet("granted_alternatives", ["delivery_updates", "goodwill_credit"]) in events
    assert [g["kind"] for g in grants_for("LK-10423")] == ["credit"]


MISSING_DISCOUNT = {
    "reference": "BL-30018",
    "customer_id": "C002",
    "discount_missing": True,
    "missing_discount_amount": 7.6,
}


def missing_discount_chosen(sender: str):
    """A conversation with ``sender`` about BL-30018, the missing-discount credit just chosen."""
    return tracker_from(
        "alternatives_offered",
        slots={
            "policy_id": "volume_discount_domestic",
            "entitled": True,
            "case_facts": MISSING_DISCOUNT,
            "offered_alternatives": ["missing_discount_credit", "callback"],
            "alternative": "missing_discount_credit",
        },
        sender_id=sender,
    )


def test_missing_discount_credit_grants_the_amount_from_the_bill(domain):
    tracker = missing_discount_chosen("maya")
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_confirm_missing_discount_credit",
            **{**CONFIRM_VALUES, "amount": "$7.60", "item": "order", "reference": "BL-30018"},
        )
    ]
    assert kept(events) == granted("missing_discount_credit")
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
            item_wanted="",
        )
    ]
    assert kept(events) == granted("honour_coupon")
    assert grants_for("SPRING15") == [
        {
            "kind": "honour_coupon",
            "reference": "SPRING15",
            "customer_id": None,
            "amount": None,
            "note": "honour_coupon under coupon_expiry",
        }
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
            item_wanted="",
        )
    ]
    assert kept(events) == granted("current_offer")


# -- once per record, whichever conversation asks ---------------------------


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Grants are written, and 'when' is said, as at ``moment``."""
    freeze_time(monkeypatch, gracious.stores.grants, moment)
    freeze_time(monkeypatch, actions.apply_alternative, moment)


def test_a_credit_granted_in_an_earlier_conversation_is_not_granted_again(domain, monkeypatch):
    at(monkeypatch, datetime(2025, 11, 28, 15, 0, tzinfo=timezone.utc))
    run_action(ActionApplyAlternative(), missing_discount_chosen("maya"), domain)
    at(monkeypatch, datetime(2025, 12, 2, 9, 30, tzinfo=timezone.utc))
    dispatcher, events = run_action(ActionApplyAlternative(), missing_discount_chosen("maya-again"), domain)

    assert dispatcher.messages == [
        message(response="utter_alternative_granted_before", reference="BL-30018", granted_on="on 28 November")
    ]
    assert kept(events) == granted("missing_discount_credit")  # so the rule goes on to "anything else?"
    assert [row["amount"] for row in grants_for("BL-30018")] == [7.6]


def test_a_credit_granted_earlier_the_same_day_says_so(domain, monkeypatch):
    at(monkeypatch, datetime(2025, 11, 28, 14, 0, tzinfo=timezone.utc))
    run_action(ActionApplyAlternative(), missing_discount_chosen("maya"), domain)
    dispatcher, events = run_action(ActionApplyAlternative(), missing_discount_chosen("maya-again"), domain)

    assert dispatcher.messages == [
        message(response="utter_alternative_granted_before", reference="BL-30018", granted_on="earlier today")
    ]
    assert kept(events) == granted("missing_discount_credit")
    assert len(grants_for("BL-30018")) == 1


def test_a_different_kind_for_the_same_order_is_still_granted(domain):
    run_action(ActionApplyAlternative(), tracker_from("alternatives_offered", sender_id="priya"), domain)
    tracker = tracker_from("alternatives_offered", slots={"alternative": "refund"}, sender_id="priya-again")
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_confirm_refund_in_transit", **CONFIRM_VALUES)]
    assert kept(events) == granted("refund")
    assert [(row["kind"], row["amount"]) for row in grants_for("LK-10423")] == [("credit", 10.0), ("refund", None)]


def test_two_conversations_granting_the_same_credit_at_once_write_one_row():
    async def both():
        return await asyncio.gather(
            stores.company().grant("credit", "BL-30018", "C002", 7.6, note="chat one"),
            stores.company().grant("credit", "BL-30018", "C002", 7.6, note="chat two"),
        )

    first, second = asyncio.run(both())

    assert sorted([first.created, second.created]) == [False, True]
    assert first.grant == second.grant  # the one that lost is told of the winner's grant
    assert len(grants_for("BL-30018")) == 1


def test_an_expired_coupon_is_honoured_once_whoever_asks(domain):
    def honour(sender: str):
        facts = {"coupon_code": "SPRING15", "coupon_percent": 15, "coupon_valid": False}
        slots = {
            "policy_id": "coupon_expiry",
            "case_facts": facts,
            "offered_alternatives": ["honour_coupon"],
            "alternative": "honour_coupon",
        }
        tracker = tracker_from("empty_tracker", slots=slots, sender_id=sender)
        return run_action(ActionApplyAlternative(), tracker, domain)

    honour("first")
    dispatcher, events = honour("second")

    assert dispatcher.messages == [
        message(response="utter_alternative_granted_before", reference="SPRING15", granted_on="earlier today")
    ]
    assert kept(events) == granted("honour_coupon")
    assert [row["kind"] for row in grants_for("SPRING15")] == ["honour_coupon"]


def test_a_valid_coupon_is_applied_for_everyone_and_keeps_its_goodwill_honouring(domain):
    facts = {"coupon_code": "WELCOME10", "coupon_percent": 10, "coupon_valid": True}
    slots = {
        "policy_id": "coupon_expiry",
        "entitled": True,
        "case_facts": facts,
        "offered_alternatives": ["honour_coupon"],
        "alternative": "honour_coupon",
    }
    for sender in ("one", "two"):
        dispatcher, events = run_action(
            ActionApplyAlternative(), tracker_from("empty_tracker", slots=slots, sender_id=sender), domain
        )
        assert [m["response"] for m in dispatcher.messages] == ["utter_confirm_honour_coupon"]
        assert kept(events) == granted("honour_coupon")

    assert [row["kind"] for row in grants_for("WELCOME10")] == ["coupon_applied", "coupon_applied"]
    assert asyncio.run(stores.company().coupon("WELCOME10")).goodwill_honoured is False


@pytest.mark.parametrize(
    "moment, said",
    [
        (datetime(2025, 12, 2, 13, 0, tzinfo=timezone.utc), "earlier today"),
        (datetime(2025, 12, 1, 13, 0, tzinfo=timezone.utc), "yesterday"),
        (datetime(2025, 11, 28, 13, 0, tzinfo=timezone.utc), "on 28 November"),
        (datetime(2025, 11, 29, 2, 0, tzinfo=timezone.utc), "on 28 November"),  # 9 pm on the 28th in New York
        (datetime(2024, 11, 28, 13, 0, tzinfo=timezone.utc), "on 28 November 2024"),
    ],
)
def test_when_a_grant_was_made_is_said_as_a_person_would(moment, said):
    assert granted_on(moment, now=datetime(2025, 12, 2, 15, 0, tzinfo=timezone.utc)) == said


def test_a_new_size_for_the_exchange_just_started_is_recorded_in_its_place(domain):
    import asyncio

    from actions.apply_alternative import ActionApplyAlternative
    from gracious import stores

    asyncio.run(stores.company().grant("exchange", "LK-10422", None, None, note="exchange, size 10"))
    settled = [
        {
            "alternative": "exchange",
            "kind": "exchange",
            "reference": "LK-10422",
            "amount": None,
            "state": "done",
            "at": "2025-06-11T14:00:00+00:00",
        }
    ]
    tracker = tracker_from(
        "alternatives_offered",
        text="oh wait actually make it a 10.5 sorry",
        intent="choose_alternative",
        slots={
            "alternative": "exchange",
            "granted_alternatives": ["exchange"],
            "accepted_alternative": "exchange",
            "settled": settled,
        },
    )
    tracker.slots["case_facts"] = dict(tracker.slots.get("case_facts") or {}, reference="LK-10422")
    tracker.latest_message["repair"] = "size_changed"
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_exchange_size_changed", reference="LK-10422", size="10.5")]
    standing = asyncio.run(stores.company().granted("exchange", "LK-10422"))
    assert standing is not None and standing.note.endswith("size 10.5")


def test_a_credit_left_out_of_the_offer_as_done_before_is_said_done_when_asked_for(domain, monkeypatch):
    """Not offered again (the record has it), and asked for anyway: when it was done, not 'not available'."""
    at(monkeypatch, datetime(2025, 11, 28, 15, 0, tzinfo=timezone.utc))
    run_action(ActionApplyAlternative(), missing_discount_chosen("maya"), domain)
    at(monkeypatch, datetime(2025, 12, 2, 9, 30, tzinfo=timezone.utc))
    tracker = missing_discount_chosen("maya-again")
    tracker.slots["offered_alternatives"] = ["callback"]  # offer_alternatives left the credit out
    tracker.slots["case_facts"] = {**MISSING_DISCOUNT, "granted_kinds": ["credit"]}
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [
        message(response="utter_alternative_granted_before", reference="BL-30018", granted_on="on 28 November")
    ]
    assert events == granted("missing_discount_credit")  # so the rule goes on to "anything else?"
    assert [row["amount"] for row in grants_for("BL-30018")] == [7.6]


def test_a_refund_for_an_order_still_on_its_way_asks_for_nothing_back(domain):
    # The grinder LK-10423 is in transit (p32 panel: "a prepaid return label ... after the return
    # arrives" for a parcel never delivered): the in-transit confirmation, the refund written once.
    tracker = tracker_from("alternatives_offered", slots={"alternative": "refund"})
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_confirm_refund_in_transit", **CONFIRM_VALUES)]
    assert kept(events) == granted("refund")
    assert [g["kind"] for g in grants_for("LK-10423")] == ["refund"]


# The red dress sent for a navy one (demo LK-10421), its options offered to Maya, verified.
WRONG_DRESS = {
    "order_id": "LK-10421",
    "case_type": "report_wrong_item",
    "policy_id": "wrong_item_company_error",
    "explained_policies": ["wrong_item_company_error"],
    "offered_alternatives": ["replacement_overnight", "refund"],
    "case_facts": {
        "reference_kind": "order",
        "reference": "LK-10421",
        "reference_found": True,
        "verified": True,
        "order_item": "dress",
        "ordered": "navy size M",
        "shipped": "red size M",
        "order_delivered": True,
        "company_error": True,
        "customer_id": "C001",
        "customer_name": "Maya",
        "customer_email": "maya.okafor@example.com",
    },
}


def test_a_new_size_for_the_replacement_just_started_is_recorded_and_mailed_again(domain):
    # Blind panel p59 E01: "wait actually can you make the navy one a size L not M" after the right dress was chosen
    # got feedback buttons. The replacement is taken back and granted again in size L, the company told of both, and
    # the new label's email says the size.
    tracker = tracker_from("alternatives_offered", slots=dict(WRONG_DRESS, alternative="replacement_overnight"))
    run_action(ActionApplyAlternative(), tracker, domain)
    assert [g["kind"] for g in grants_for("LK-10421")] == ["replacement"]
    settled = [
        {
            "alternative": "replacement_overnight",
            "kind": "replacement",
            "reference": "LK-10421",
            "amount": None,
            "state": "done",
            "at": "2025-06-11T14:00:00+00:00",
        }
    ]
    again = tracker_from(
        "alternatives_offered",
        text="wait actually can you make the navy one a size L not M",
        intent="choose_alternative",
        slots=dict(
            WRONG_DRESS,
            alternative="replacement_overnight",
            granted_alternatives=["replacement_overnight"],
            accepted_alternative="replacement_overnight",
            settled=settled,
        ),
    )
    again.latest_message["repair"] = "size_changed"
    dispatcher, events = run_action(ActionApplyAlternative(), again, domain)

    assert dispatcher.messages == [message(response="utter_replacement_size_changed", reference="LK-10421", size="L")]
    rows = grants_for("LK-10421")  # (a withdrawn grant's row is deleted)
    assert [r["kind"] for r in rows] == ["replacement"] and rows[0]["note"].endswith("size L")
    mails = asyncio.run(stores.company().run(lambda conn: conn.execute(outbox.select()).fetchall()))
    assert [r.topic for r in mails if r.topic.startswith("return_label")] == [
        "return_label_replacement",
        "return_label_replacement_size",
    ]
