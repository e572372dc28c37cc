"""action_offer_alternatives: real options as buttons, within the assistant's limits."""

import json

import pytest
import yaml
from rasa_sdk.events import FollowupAction, SlotSet

from actions.offer_alternatives import ActionOfferAlternatives
from gracious.settings import ROOT
from tests.actions import message, run_action, tracker_from
from tests.conftest import reset_caches

NONE_OF_THESE = {"title": "None of these", "payload": "/deny"}
LATE_GRINDER = {  # the late order LK-10423, before anything was offered
    "offered_alternatives": None,
    "declined_alternatives": None,
    "alternative": None,
}


def button(title, alternative):
    return {"title": title, "payload": "/choose_alternative" + json.dumps({"alternative": alternative})}


def offered(alternatives, declined=()):
    return [SlotSet("offered_alternatives", list(alternatives)), SlotSet("declined_alternatives", list(declined))]


def test_late_order_offers_three_alternatives_and_none_of_these(domain):
    tracker = tracker_from("alternatives_offered", slots=LATE_GRINDER, intent="check_order_status")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("A $10.00 goodwill credit", "goodwill_credit"),
                button("Email me tracking updates", "delivery_updates"),
                button("A full refund", "refund"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["goodwill_credit", "delivery_updates", "refund"])
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        '/choose_alternative{"alternative": "goodwill_credit"}',
        '/choose_alternative{"alternative": "delivery_updates"}',
        '/choose_alternative{"alternative": "refund"}',
        "/deny",
    ]


def test_bill_with_the_discount_applied_does_not_offer_a_missing_discount_credit(domain):
    facts = {"reference": "BL-30017", "discount_missing": False, "missing_discount_amount": 0.0, "customer_id": "C001"}
    tracker = tracker_from(
        "dispute_charge",
        slots={
            "case_type": "dispute_charge",
            "policy_id": "volume_discount_domestic",
            "entitled": False,
            "case_facts": facts,
        },
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("A $10.00 goodwill credit", "goodwill_credit"),
                button("Tell me about the international calling add-on", "international_plan"),
                button("Call me back at a time that suits me", "callback"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["goodwill_credit", "international_plan", "callback"])


OWED_A_DISCOUNT = {
    "reference": "BL-30018",
    "discount_missing": True,
    "missing_discount_amount": 7.6,
    "customer_id": "C002",
}


def discount_dispute(facts):
    """Daniel's BL-30018, the discount he was owed (``facts``), before anything was offered."""
    return tracker_from(
        "dispute_charge",
        slots={
            "order_id": "BL-30018",
            "case_type": "dispute_charge",
            "policy_id": "volume_discount_domestic",
            "entitled": True,
            "case_facts": facts,
        },
    )


def test_customer_owed_a_discount_is_offered_the_missing_amount(domain):
    dispatcher, events = run_action(ActionOfferAlternatives(), discount_dispute(OWED_A_DISCOUNT), domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro_entitled",
            buttons=[
                button("Credit the missing $7.60 now", "missing_discount_credit"),
                button("Call me back at a time that suits me", "callback"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["missing_discount_credit", "callback"])


def test_goodwill_limit_drops_store_credit_over_the_empowerment_limit_and_offers_a_person(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={
            "case_type": "demand_compensation",
            "policy_id": "goodwill_limit",
            "case_facts": {"customer_id": "C002"},
        },
        intent="demand_compensation",
        text="I want $50 for all this hassle",
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("A $25.00 goodwill credit", "goodwill_credit"),
                button("Talk to a person", "human"),
                button("Call me back at a time that suits me", "callback"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["goodwill_credit", "human", "callback"])


# Priya's late grinder, and $100 asked for it: beyond what the assistant may grant.
GRINDER_OVER_LIMIT = {
    "reference": "LK-10423",
    "order_total": 45.0,
    "amount_requested": 100.0,
    "over_limit": True,
    "customer_id": "C003",
}


def test_demand_over_the_limit_puts_a_person_among_the_first_offers(domain):
    tracker = tracker_from(
        "alternatives_offered",
        slots={**LATE_GRINDER, "case_facts": GRINDER_OVER_LIMIT},
        intent="demand_compensation",
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("A $10.00 goodwill credit", "goodwill_credit"),
                button("Email me tracking updates", "delivery_updates"),
                button("Talk to a person", "human"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["goodwill_credit", "delivery_updates", "human"])


def test_alternatives_declined_earlier_are_not_offered_again(domain):
    slots = {**LATE_GRINDER, "declined_alternatives": ["goodwill_credit"]}
    tracker = tracker_from("alternatives_offered", slots=slots, intent="check_order_status")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("Email me tracking updates", "delivery_updates"),
                button("A full refund", "refund"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["delivery_updates", "refund"], declined=["goodwill_credit"])


@pytest.fixture
def late_delivery_with_five_alternatives(tmp_path, monkeypatch):
    """The real catalog, with two more alternatives for a late delivery."""
    catalog = yaml.safe_load((ROOT / "catalog" / "policies.yml").read_text(encoding="utf-8"))
    late = next(p for p in catalog["policies"] if p["id"] == "late_delivery_goodwill")
    late["alternatives"] += [{"id": "email_followup"}, {"id": "store_credit", "amount": 15}]
    use_catalog(catalog, tmp_path, monkeypatch)


def use_catalog(catalog, tmp_path, monkeypatch):
    """Point the settings at ``catalog``, written to a file of its own."""
    path = tmp_path / "policies.yml"
    path.write_text(yaml.safe_dump(catalog), encoding="utf-8")
    monkeypatch.setenv("GRACIOUS_CATALOG", str(path))
    reset_caches()


@pytest.mark.usefixtures("late_delivery_with_five_alternatives")
def test_deny_after_an_offer_declines_those_offered_and_offers_the_rest(domain):
    tracker = tracker_from("alternatives_offered", slots={"alternative": None}, intent="deny", text="none of those")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro_more",
            buttons=[
                button("Follow up with me by email", "email_followup"),
                button("$15.00 in store credit", "store_credit"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(
        ["email_followup", "store_credit"], declined=["goodwill_credit", "delivery_updates", "refund"]
    )


def no_to_every_dress_option(domain):
    """The wrong dress LK-10421: "no thanks" after both of its policy's options were offered."""
    slots = {
        "order_id": "LK-10421",
        "case_type": "report_wrong_item",
        "policy_id": "wrong_item_company_error",
        "case_facts": {"reference": "LK-10421", "order_item": "dress", "order_total": 89.0},
        "offered_alternatives": ["replacement_overnight", "refund"],
        "declined_alternatives": [],
    }
    tracker = tracker_from("report_wrong_item", slots=slots, intent="deny", text="no thanks")
    return run_action(ActionOfferAlternatives(), tracker, domain)


def test_deny_after_every_policy_alternative_offers_a_person_or_a_callback(domain):
    dispatcher, events = no_to_every_dress_option(domain)

    assert dispatcher.messages == [
        message(
            response="utter_offers_exhausted",
            buttons=[
                button("Talk to a person", "human"),
                button("Call me back at a time that suits me", "callback"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["human", "callback"], declined=["replacement_overnight", "refund"])


def test_deny_when_a_callback_was_among_the_declined_still_ends_with_person_or_callback(domain):
    slots = {
        "case_type": "dispute_charge",
        "policy_id": "volume_discount_domestic",
        "case_facts": {"reference": "BL-30017", "discount_missing": False},
        "offered_alternatives": ["goodwill_credit", "international_plan", "callback"],
        "declined_alternatives": [],
    }
    tracker = tracker_from("dispute_charge", slots=slots, intent="deny", text="no")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_offers_exhausted"
    assert dispatcher.messages[0]["buttons"] == [
        button("Talk to a person", "human"),
        button("Call me back at a time that suits me", "callback"),
        NONE_OF_THESE,
    ]
    assert events == offered(["human", "callback"], declined=["goodwill_credit", "international_plan", "callback"])


def test_deny_after_everything_including_a_person_stops_offering_and_asks_about_anything_else(domain):
    slots = {
        "case_type": "demand_compensation",
        "policy_id": "goodwill_limit",
        "case_facts": {},
        "offered_alternatives": ["human", "callback"],
        "declined_alternatives": ["goodwill_credit"],
    }
    tracker = tracker_from("empty_tracker", slots=slots, intent="deny", text="no")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_offers_all_declined")]
    assert events == [
        SlotSet("offered_alternatives", []),
        SlotSet("declined_alternatives", ["goodwill_credit", "human", "callback"]),
        FollowupAction("utter_anything_else"),
    ]


def test_coupon_already_honoured_once_is_not_honoured_again(domain):
    facts = {"coupon_code": "SUMMER20", "coupon_percent": 20, "coupon_valid": False, "coupon_honoured_before": True}
    tracker = tracker_from(
        "empty_tracker",
        slots={
            "case_type": "coupon_problem",
            "coupon_code": "SUMMER20",
            "policy_id": "coupon_expiry",
            "case_facts": facts,
        },
        intent="coupon_problem",
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("Use today's offer instead", "current_offer"),
                button("Talk to a person", "human"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["current_offer", "human"])


def test_expired_coupon_never_honoured_before_is_offered_with_its_code_and_percentage(domain):
    facts = {"coupon_code": "SPRING15", "coupon_percent": 15, "coupon_valid": False, "coupon_honoured_before": False}
    tracker = tracker_from(
        "empty_tracker",
        slots={
            "case_type": "coupon_problem",
            "coupon_code": "SPRING15",
            "policy_id": "coupon_expiry",
            "case_facts": facts,
        },
        intent="coupon_problem",
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages[0]["buttons"] == [
        button("Apply SPRING15 (15% off) this time", "honour_coupon"),
        button("Use today's offer instead", "current_offer"),
        NONE_OF_THESE,
    ]
    assert events == offered(["honour_coupon", "current_offer"])


def test_without_a_policy_offers_a_person_or_a_callback(domain):
    tracker = tracker_from("empty_tracker", intent="complain_service")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_offer_intro",
            buttons=[
                button("Talk to a person", "human"),
                button("Call me back at a time that suits me", "callback"),
                NONE_OF_THESE,
            ],
        )
    ]
    assert events == offered(["human", "callback"])


def edited_handoff_when(tmp_path, monkeypatch, policy_id, triggers):
    """The catalog as a designer left it after editing one policy's handoff_when."""
    catalog = yaml.safe_load((ROOT / "catalog" / "policies.yml").read_text(encoding="utf-8"))
    next(p for p in catalog["policies"] if p["id"] == policy_id)["handoff_when"] = triggers
    use_catalog(catalog, tmp_path, monkeypatch)


def test_without_over_limit_in_handoff_when_a_demand_over_the_limit_gets_no_person(domain, tmp_path, monkeypatch):
    edited_handoff_when(tmp_path, monkeypatch, "late_delivery_goodwill", ["customer_asks", "declined_all"])
    tracker = tracker_from(
        "alternatives_offered",
        slots={**LATE_GRINDER, "case_facts": GRINDER_OVER_LIMIT},
        intent="demand_compensation",
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    offers = events[0]["value"]
    assert "human" not in offers and offers[:2] == ["goodwill_credit", "delivery_updates"], offers
    assert button("Talk to a person", "human") not in dispatcher.messages[0]["buttons"]


def test_without_declined_all_in_handoff_when_turning_everything_down_leaves_the_call(domain, tmp_path, monkeypatch):
    edited_handoff_when(tmp_path, monkeypatch, "wrong_item_company_error", ["customer_asks", "over_limit"])
    dispatcher, events = no_to_every_dress_option(domain)

    assert dispatcher.messages == [
        message(
            response="utter_offers_exhausted_call_only",
            buttons=[button("Call me back at a time that suits me", "callback"), NONE_OF_THESE],
        )
    ]
    assert events == offered(["callback"], declined=["replacement_overnight", "refund"])


def test_a_policy_without_customer_asks_is_refused_by_the_catalog(tmp_path, monkeypatch):
    from gracious.catalog import CatalogError, load_catalog

    edited_handoff_when(tmp_path, monkeypatch, "goodwill_limit", ["over_limit"])
    with pytest.raises(CatalogError, match="customer_asks"):
        load_catalog(tmp_path / "policies.yml")


def test_a_guest_with_no_account_is_offered_no_credit_on_one(domain):
    tracker = tracker_from(
        "alternatives_offered",
        slots={"case_type": "demand_compensation", "policy_id": "goodwill_limit", "case_facts": {}},
        intent="demand_compensation",
    )
    _, events = run_action(ActionOfferAlternatives(), tracker, domain)
    offered = next(e["value"] for e in events if e.get("name") == "offered_alternatives")

    assert not {"goodwill_credit", "store_credit", "missing_discount_credit"} & set(offered), offered


def test_a_bill_credited_in_another_conversation_is_not_offered_the_credit_again(domain):
    """Once per record: the credit Daniel had yesterday is not on the table today."""
    tracker = discount_dispute({**OWED_A_DISCOUNT, "granted_kinds": ["credit"]})
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert "Credit the missing $7.60 now" not in titles
    assert events[0] == SlotSet(
        "offered_alternatives", [o for o in events[0]["value"] if o != "missing_discount_credit"]
    )
    assert "missing_discount_credit" not in events[0]["value"]


def with_events(tracker, *names):
    """``tracker`` with these actions run earlier in the conversation, oldest first."""
    state = tracker.current_state()
    state["events"] = [{"event": "action", "name": name} for name in names] + state["events"]
    return type(tracker).from_dict(state)


def test_right_after_a_person_handed_back_no_person_is_offered_on_top(domain):
    # Third panel (c03, c05, c17): [Talk to a person] led the options just after Sam handed the case back.
    tracker = with_events(tracker_from("empty_tracker", intent="complain_service"), "action_handoff", "action_handback")
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    assert dispatcher.messages[0]["buttons"] == [
        button("Call me back at a time that suits me", "callback"),
        NONE_OF_THESE,
    ]
    assert events == offered(["callback"])


def test_a_person_is_offered_again_once_a_new_handoff_came_or_when_asked_for(domain):
    again = with_events(tracker_from("empty_tracker", intent="complain_service"), "action_handback", "action_handoff")
    asked = with_events(tracker_from("empty_tracker", intent="request_human"), "action_handoff", "action_handback")
    for tracker in (again, asked):
        dispatcher, _ = run_action(ActionOfferAlternatives(), tracker, domain)
        assert button("Talk to a person", "human") in dispatcher.messages[0]["buttons"]


def test_a_customer_waiting_in_the_queue_is_not_offered_a_person_again(domain):
    tracker = tracker_from("empty_tracker", intent="complain_service", slots={"in_queue": True})
    dispatcher, _ = run_action(ActionOfferAlternatives(), tracker, domain)
    assert all(b["payload"] != '/choose_alternative{"alternative": "human"}' for b in dispatcher.messages[0]["buttons"])


def offered_after(response, domain):
    """The offer for the late grinder, made in a turn that said the designers' answer ``response`` first."""
    said = {"event": "bot", "text": "...", "metadata": {"utter_action": response}}
    state = tracker_from("alternatives_offered", slots=LATE_GRINDER, intent="check_order_status").current_state()
    state["events"] = state["events"] + [said]
    return run_action(ActionOfferAlternatives(), type(tracker_from("empty_tracker")).from_dict(state), domain)


def test_an_answer_said_this_turn_that_names_a_person_brings_the_person_among_the_options(domain):
    # A conversation of our own, 5 December: "a person can cancel it for you" beside the jacket's news, and no person
    # among the options that followed.
    dispatcher, events = offered_after("utter_answer_code_on_placed_order", domain)

    assert button("Talk to a person", "human") in dispatcher.messages[0]["buttons"]
    assert len(dispatcher.messages[0]["buttons"]) == 4  # three options at most, and "None of these"
    assert events[0].get("value")[-1] == "human"


def test_an_answer_that_names_no_person_changes_nothing(domain):
    dispatcher, _ = offered_after("utter_answer_on_time_order_when", domain)

    assert button("Talk to a person", "human") not in dispatcher.messages[0]["buttons"]


@pytest.mark.parametrize(
    "policy, expected",
    [
        # Blind panel p54 A06: the CEO's office, a person, and the email in the call's place.
        ("executive_contact", ["ceo_office", "human", "email_followup"]),
        # A policy offering the email already: the call left out, no email twice.
        ("same_day_callback", ["human", "email_followup"]),
    ],
)
def test_no_call_is_offered_to_a_customer_whose_calls_never_came(policy, expected):
    from actions.case import catalog

    policies = catalog()
    facts = {"calls_never_came": True, "customer_id": "C001"}
    chosen = ActionOfferAlternatives.choose(policies, policies.policy(policy), facts, [], False)
    assert [o.id for o in chosen] == expected
    assert "callback" in [o.id for o in policies.policy(policy).alternatives]  # the policy offers a call otherwise
