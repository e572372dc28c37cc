"""A credited bill shows the credit when the customer asks again: action_where_things_stand
reads what the company's systems applied (the demo receiver's records) back, to a verified
customer only, and the designers' response says it whole."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.status import ActionWhereThingsStand
from gracious.stores import clock, company
from tests.actions import tracker_from

NOW = datetime.now(timezone.utc).replace(tzinfo=None)


def apply(key: str, event: str, monkeypatch: pytest.MonkeyPatch, at: datetime = NOW, **data) -> None:
    monkeypatch.setattr(clock, "now", lambda: at)
    receipt = asyncio.run(company().apply_commitment(key, {"id": key, "event": event, "data": data}))
    assert receipt.created


def ask(text: str, reference: str, verified: bool = True):
    tracker = tracker_from("dispute_charge", text=text, intent="ask_status", slots={"settled": []}, entities=[])
    tracker.slots["case_facts"] = dict(tracker.slots.get("case_facts") or {}, reference=reference)
    if not verified:
        tracker.slots["verified_customers"] = []
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionWhereThingsStand().run(dispatcher, tracker, {"responses": {}}))
    return dispatcher.messages


def test_a_credit_the_company_applied_is_said_with_its_amount_and_day(monkeypatch):
    apply("grant:1", "credit", monkeypatch, reference="BL-30018", customer_id="C002", amount=7.6, grant_id=1)
    said = ask("did the credit go through on my bill?", "BL-30018")
    applied = [m for m in said if m["response"] == "utter_status_applied"]
    assert [(m["reference"], m["what"], m["granted_on"]) for m in applied] == [
        ("BL-30018", "credit of $7.60", "earlier today")
    ]


def test_nothing_applied_is_said_to_someone_not_verified_for_the_record(monkeypatch):
    apply("grant:1", "credit", monkeypatch, reference="BL-30018", amount=7.6, grant_id=1)
    said = ask("did the credit go through on my bill?", "BL-30018", verified=False)
    assert "utter_status_applied" not in [m["response"] for m in said]


def test_only_what_was_asked_about_and_not_what_was_taken_back(monkeypatch):
    yesterday = NOW - timedelta(days=1)
    apply("grant:2", "replacement", monkeypatch, at=yesterday, reference="LK-10422", grant_id=2)
    apply("grant:3", "credit", monkeypatch, reference="LK-10422", amount=5.0, grant_id=3)
    apply("grant:3:withdrawn", "grant_withdrawn", monkeypatch, grant_id=3, withdraws="grant:3")
    said = ask("has the replacement gone through?", "LK-10422")
    assert [(m["what"], m["granted_on"]) for m in said if m["response"] == "utter_status_applied"] == [
        ("replacement", "yesterday")
    ]


def test_the_response_reads_whole_with_the_values_the_action_passes(domain):
    texts = [v["text"] for v in domain["responses"]["utter_status_applied"]]
    assert texts[0].format(reference="BL-30018", what="credit of $7.60", granted_on="earlier today") == (
        "Our records for BL-30018 show it now: the credit of $7.60 went through earlier today."
    )
    assert "{" not in texts[1]  # the fallback, when a value is missing


def test_a_later_grant_with_a_withdrawn_grants_id_is_not_taken_back(monkeypatch):
    """A withdrawal names its grant by key: a later grant that got the same id stays applied."""
    apply("grant:5:20261201T100000Z", "credit", monkeypatch, reference="LK-10426", amount=5.0, grant_id=5)
    apply(
        "grant:5:20261201T100000Z:withdrawn",
        "grant_withdrawn",
        monkeypatch,
        grant_id=5,
        withdraws="grant:5:20261201T100000Z",
    )
    apply("grant:5:20261201T100200Z", "refund", monkeypatch, reference="LK-10426", grant_id=5)
    said = ask("has my refund gone through?", "LK-10426")
    assert [m["what"] for m in said if m["response"] == "utter_status_applied"] == ["refund"]
