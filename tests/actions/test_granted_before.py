"""actions/granted_before.py: what a record already has is said when the case is opened, and
never offered or promised again (panel p1: c05, c08, c10).

Grants are written to the real company database of each test (tests/conftest.py), as an
earlier conversation would have written them.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest
from rasa_sdk.events import SlotSet

import actions.apply_alternative
import gracious.stores.grants
from actions.explain_policy import ActionExplainPolicy
from actions.offer_alternatives import ActionOfferAlternatives
from gracious import stores
from tests.actions import freeze_time, message, run_action, tracker_from

NONE_OF_THESE = {"title": "None of these", "payload": "/deny"}


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Grants are written, and 'when' is said, as at ``moment``."""
    freeze_time(monkeypatch, gracious.stores.grants, moment)
    freeze_time(monkeypatch, actions.apply_alternative, moment)


def grant(kind: str, reference: str, customer: str, amount=None) -> None:
    asyncio.run(stores.company().grant(kind, reference, customer, amount, note="an earlier chat"))


def button(title, alternative):
    return {"title": title, "payload": "/choose_alternative" + json.dumps({"alternative": alternative})}


def slot(events, name):
    return next(e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name)


def offer_after(events, domain, **slots):
    """action_offer_alternatives in the conversation as action_explain_policy left it."""
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    tracker = tracker_from("alternatives_offered", slots={**values, "offered_alternatives": None, **slots})
    return run_action(ActionOfferAlternatives(), tracker, domain)


def test_a_discount_credited_in_an_earlier_chat_is_said_with_its_date_and_amount(domain, monkeypatch):
    """c08: "BL-30018 is missing the volume discount, i want it credited", credited on 28 November."""
    at(monkeypatch, datetime(2025, 11, 28, 15, 0, tzinfo=timezone.utc))
    grant("credit", "BL-30018", "C002", 7.6)
    at(monkeypatch, datetime(2025, 12, 2, 9, 30, tzinfo=timezone.utc))
    tracker = tracker_from("dispute_charge", slots={"case_type": "dispute_charge", "order_id": "BL-30018"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    # Not "You're right ... I'll put it right now": it was put right, and when.
    assert dispatcher.messages == [
        message(
            response="utter_record_credited_before",
            reference="BL-30018",
            amount="$7.60",
            granted_on="on 28 November, in another chat with us",
        )
    ]
    assert slot(events, "case_facts")["arranged_before"] == ["credit"]

    dispatcher, events = offer_after(events, domain)
    assert dispatcher.messages == [
        message(
            response="utter_offer_intro_arranged",
            buttons=[
                button("Call me back at a time that suits me", "callback"),
                button("Talk to a person", "human"),
                NONE_OF_THESE,
            ],
        )
    ]


def test_a_refund_is_not_promised_on_an_order_whose_replacement_is_under_way(domain, monkeypatch):
    """c10: "Good news: LK-10421 is within our 30-day return window, so a full refund is yours", then refused."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    grant("replacement", "LK-10421", "C001")
    tracker = tracker_from("report_wrong_item", slots={"case_type": "request_refund"}, intent="request_refund")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert slot(events, "policy_id") == "returns_window"
    # p32 24, "id rather have a refund than the replacement dress": how the money comes back after
    # all (send it back once it arrives, or a person may still switch it), not "nothing more to do".
    assert dispatcher.messages == [
        message(
            response="utter_record_arranged_before_refund_asked",
            reference="LK-10421",
            what="replacement",
            granted_on="earlier today, in another chat with us",
        )
    ]
    dispatcher, _ = offer_after(events, domain)
    offered = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    # Neither a refund nor an exchange: the order has its remedy (one per order).
    assert not any("refund" in p or "exchange" in p for p in offered)


def test_a_refund_asked_where_a_replacement_granted_today_waits_is_offered_as_a_switch(domain):
    # Blind panels p60 G01, p62 K05: a replacement granted today has not gone out, so it can still give way.
    grant("replacement", "LK-10421", "C001")
    tracker = tracker_from("report_wrong_item", slots={"case_type": "request_refund"}, intent="request_refund")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_record_arranged_before_refund_switch"]
    assert slot(events, "case_facts")["switchable_remedies"] == ["replacement"]
    dispatcher, _ = offer_after(events, domain)
    offered = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert any('"refund"' in p for p in offered)


def test_a_replacement_granted_to_someone_else_is_no_switch_on_offer(domain):
    # The offer and the grant agree (grants.switchable): a remedy another customer holds is never offered as a switch,
    # so nobody is offered one and then told it stands.
    grant("replacement", "LK-10421", "C002")
    tracker = tracker_from("report_wrong_item", slots={"case_type": "request_refund"}, intent="request_refund")
    _, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert "switchable_remedies" not in slot(events, "case_facts")


def test_an_exchange_from_an_earlier_chat_still_asks_for_the_return(domain, monkeypatch):
    """p37 24: "nothing more you need to do" about an exchange whose new pair waits for the old one."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    grant("exchange", "LK-10421", "C001")
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"})
    dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_record_arranged_before_return",
            reference="LK-10421",
            what="exchange",
            granted_on="earlier today, in another chat with us",
        )
    ]
    said = [t["text"] for t in domain["responses"]["utter_record_arranged_before_return"]]
    assert all("nothing more" not in t and "prepaid label" in t for t in said)


def test_a_gift_replacement_and_credit_asked_about_again_are_both_said_and_nothing_is_offered_again(
    domain, monkeypatch
):
    """c05: "someone sorted a replacement earlier but i want to make sure the $10 credit is actually going on"."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    grant("replacement", "LK-10421", "C001")
    grant("credit", "LK-10421", "C001", 10.0)
    text = "LK-10421, the dress i bought as a present for my mum. i want to make sure the $10 credit is going on"
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"}, text=text)
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert slot(events, "policy_id") == "wrong_item_gift"
    assert dispatcher.messages == [
        message(
            response="utter_record_arranged_before",
            reference="LK-10421",
            what="replacement",
            granted_on="earlier today, in another chat with us",
        ),
        message(
            response="utter_record_credited_before",
            reference="LK-10421",
            amount="$10.00",
            granted_on="earlier today, in another chat with us",
        ),
    ]
    dispatcher, events = offer_after(events, domain)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        button("", "human")["payload"],
        button("", "callback")["payload"],
        "/deny",
    ]
    assert SlotSet("offered_alternatives", ["human", "callback"]) in events


def test_the_right_dress_sent_from_another_chat_is_said_with_what_it_is_and_where_it_was_arranged(domain, monkeypatch):
    """A conversation of our own, 6 December: "I can see LK-10421 already has its replacement under way, arranged
    earlier today" heard "wait what replacement?? nobody told me anything": where it was arranged, what is on its way,
    and what becomes of the one sent by mistake."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    asyncio.run(
        stores.company().grant(
            "replacement", "LK-10421", "C001", None, note="replacement_overnight under wrong_item_company_error"
        )
    )
    tracker = tracker_from(
        "report_wrong_item",
        slots={"case_type": "report_wrong_item", "order_id": "LK-10421", "verified_customers": ["C001"]},
    )
    dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_record_arranged_before",
            reference="LK-10421",
            what="replacement",
            granted_on="earlier today, in another chat with us",
        ),
        message(response="utter_record_before_replacement_overnight", item="dress"),
    ]


def test_why_the_discount_is_still_explained_when_its_goodwill_credit_was_given_in_another_chat(domain, monkeypatch):
    """A conversation of our own, 6 December: "why no 10% discount on BL-30017??" with the bill's goodwill credit given
    in another chat heard only "Yes: the $10.00 is on your account". The explanation speaks of no credit: it is said."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    grant("credit", "BL-30017", "C001", 10.0)
    tracker = tracker_from(
        "dispute_charge",
        slots={"case_type": "dispute_charge", "order_id": "BL-30017", "verified_customers": ["C001"]},
        text="why wasnt my 10% volume discount taken off BL-30017",
    )
    dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == [
        "utter_record_credited_before",
        "utter_policy_volume_discount",
    ]


def test_with_nothing_granted_the_policy_is_explained_as_before(domain):
    tracker = tracker_from("report_wrong_item", slots={"case_type": "request_refund"}, intent="request_refund")
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_returns_entitled"]
    assert "arranged_before" not in slot(events, "case_facts")


def test_a_credit_alone_is_said_and_the_explanation_still_given(domain, monkeypatch):
    """A goodwill credit on the order, no remedy: the explanation does not promise it, so it stays."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    grant("credit", "LK-10421", "C001", 10.0)
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"})
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == [
        "utter_record_credited_before",
        "utter_policy_wrong_item_company_error",
    ]
    dispatcher, _ = offer_after(events, domain)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]][:2] == [
        button("", "replacement_overnight")["payload"],
        button("", "refund")["payload"],
    ]


def test_a_refund_still_owed_is_still_said_beside_a_credit_the_order_has(domain, monkeypatch):
    """Only a promise the record can no longer keep is left out: a credit does not take the refund away."""
    at(monkeypatch, datetime(2025, 12, 2, 14, 0, tzinfo=timezone.utc))
    grant("credit", "LK-10421", "C001", 10.0)
    tracker = tracker_from("report_wrong_item", slots={"case_type": "request_refund"}, intent="request_refund")
    dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == [
        "utter_record_credited_before",
        "utter_policy_returns_entitled",
    ]


def test_when_and_by_whom_the_records_credit_and_replacement_were_granted():
    # Blind panel p42 06 and 20: "what credit? when did that happen" and "has it shipped?" about what an
    # earlier chat arranged are answered from these (actions/case.py earlier_grant_facts).
    from actions.case import earlier_grant_facts

    rows = [
        {
            "kind": "credit",
            "amount": 7.6,
            "note": "missing_discount_credit under volume_discount_missing",
            "created_at": datetime(2026, 11, 30, 15, 14),
        },
        {
            "kind": "replacement",
            "note": "replacement_overnight under wrong_item_company_error, by Sam Lee at the desk",
            "created_at": datetime(2026, 11, 30, 16, 0),
        },
    ]
    facts = earlier_grant_facts(rows, tracker_from("dispute_charge", slots={"settled": []}))
    assert facts["credit_before"] == 7.6
    assert facts["credit_before_by"] == "in an earlier chat with us"
    assert facts["credit_before_on"].endswith("at 10:14 am")  # 15:14 UTC in New York
    assert facts["replacement_before"] == "replacement_overnight"
    assert facts["replacement_sent"] is True  # granted before today: it has gone out
    assert facts["replacement_before_by"] == "by one of our team"
    here = tracker_from("dispute_charge", slots={"settled": [{"alternative": "missing_discount_credit"}]})
    assert earlier_grant_facts(rows[:1], here)["credit_before_by"] == "in this chat"


def test_the_earlier_credit_said_once_in_a_chat_is_not_said_again(domain, monkeypatch):
    """Blind panel p43 13, 23: "right but why was the discount so small" heard "Good news: the credit ..." again;
    the second time it is said to be above, never the same lines."""
    at(monkeypatch, datetime(2025, 11, 28, 15, 0, tzinfo=timezone.utc))
    grant("credit", "BL-30018", "C002", 7.6)
    at(monkeypatch, datetime(2025, 12, 2, 9, 30, tzinfo=timezone.utc))
    tracker = tracker_from("dispute_charge", slots={"case_type": "dispute_charge", "order_id": "BL-30018"})
    tracker.events.append(
        {"event": "bot", "text": "Good news", "metadata": {"utter_action": "utter_record_credited_before"}}
    )
    dispatcher, _ = run_action(ActionExplainPolicy(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_policy_said_above"]
