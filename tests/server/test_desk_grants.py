"""The desk's grant API on a real server on loopback, over real SQLite files, with the clock injected:
an agent applies the catalog's alternatives for a case through the chat's own path (once per record,
the commitment and the label email in the same transaction), within the agent's limit."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa

import gracious.stores
from gracious.outbox.table import rows as outbox_rows
from gracious.settings import ROOT
from gracious.stores import clock, company_schema
from tests.helpers.desk_app import DeskApp

NOW = datetime(2025, 6, 11, 14, 0)
PRIYA = {"id": "C003", "name": "Priya", "email": "priya.n@example.com", "phone": "+1 555 0199"}
# The card action_handoff writes for Priya's headphones, returned within the window.
HEADPHONES = {
    "case_type": "request_refund",
    "reference": "LK-10426",
    "verified": True,
    "customer": PRIYA,
    "amounts": {"order_total": 75.0},
    "policy": {"id": "returns_window", "rule": "Items can be returned for a full refund within 30 days."},
}


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeskApp]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    app = DeskApp().start()
    app.add_agent("sam", "Sam Lee")
    app.add_agent("ana", "Ana Ruiz")
    yield app
    app.stop()


def handoff(summary: Dict[str, Any], sender: str = "priya-chat") -> int:
    return asyncio.run(gracious.stores.records().create_handoff(sender, "customer_asked", "customer_care", summary))


def grants() -> List[Dict[str, Any]]:
    gracious.stores.company().ensure_ready()
    with gracious.stores.company().engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(company_schema.grants).order_by("id"))]


def company_outbox() -> List[Dict[str, Any]]:
    gracious.stores.company().ensure_ready()
    with gracious.stores.company().engine.connect() as conn:
        return outbox_rows(conn, company_schema.outbox)


def claimed(desk: DeskApp, name: str, case: int):
    agent = desk.client(name)
    status, body = agent.call(f"/desk/api/handoffs/{case}/claim", {})
    assert status == 200, body
    return agent


def test_nothing_without_signing_in(desk):
    case = handoff(HEADPHONES)
    stranger = desk.client()
    assert stranger.call(f"/desk/api/cases/{case}/grant")[0] == 401
    assert stranger.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})[0] == 401
    assert grants() == []


def test_the_case_lists_the_policys_grants_within_the_agents_limit(desk):
    case = handoff(HEADPHONES)
    status, listing = desk.client("sam").call(f"/desk/api/cases/{case}/grant")

    assert status == 200
    assert (listing["reference"], listing["verified"]) == ("LK-10426", True)
    assert listing["limits"] == {"max_credit": 100.0, "max_replacement_value": 1000.0}
    assert [(a["id"], a["kind"], a["amount"], a["within_limit"], a["granted"]) for a in listing["alternatives"]] == [
        ("store_credit", "credit", 20.0, True, None),
        ("refund", "refund", None, True, None),
        ("exchange", "exchange", None, True, None),
    ]


def test_a_refund_at_the_desk_is_granted_once_with_its_commitment_and_label(desk):
    case = handoff(HEADPHONES)
    sam = claimed(desk, "sam", case)

    status, body = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})

    assert status == 201, body
    assert body["emails"] == ["return_label_refund"]
    [grant] = grants()
    assert (grant["kind"], grant["reference"], grant["customer_id"]) == ("refund", "LK-10426", "C003")
    assert grant["note"] == "refund under returns_window, by sam at the desk"
    commitment, label = company_outbox()
    assert (commitment["topic"], commitment["sender_id"]) == ("refund", "priya-chat")
    assert commitment["payload"]["data"] | {"grant_id": None} == {
        "grant_id": None,
        "reference": "LK-10426",
        "customer_id": "C003",
        "amount": None,
        "note": "refund under returns_window, by sam at the desk",
        "alternative": "refund",
        "agent": "sam",
        "handoff_id": case,
        "sender_id": "priya-chat",
    }
    assert (label["topic"], label["recipient"]) == ("return_label_refund", "priya.n@example.com")
    assert "Pack the headphones" in label["payload"]["text"]

    again, refused = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})
    assert again == 409 and refused["granted_before"]["id"] == grant["id"]
    assert len(grants()) == 1 and len(company_outbox()) == 2
    listed = sam.call(f"/desk/api/cases/{case}/grant")[1]["alternatives"]
    assert [a["granted"] is not None for a in listed] == [False, True, False]  # store credit, refund, exchange


def test_a_credit_over_the_agents_limit_is_refused_and_one_within_it_granted(desk):
    case = handoff(HEADPHONES)
    sam = claimed(desk, "sam", case)

    status, body = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "store_credit", "amount": 150})
    assert status == 403 and "$100.00" in body["error"]
    assert grants() == [] and company_outbox() == []

    status, body = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "store_credit", "amount": 60})
    assert status == 201, body  # beyond the assistant's $25, within the agent's $100
    assert [(g["kind"], g["amount"]) for g in grants()] == [("credit", 60.0)]
    assert [r["topic"] for r in company_outbox()] == ["credit"]


def test_an_order_above_the_agents_replacement_value_is_refused(desk):
    case = handoff({**HEADPHONES, "amounts": {"order_total": 1500.0}})
    sam = claimed(desk, "sam", case)
    status, _ = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})
    assert status == 403 and grants() == []


def test_only_the_holder_grants_and_only_what_the_case_lists(desk):
    case = handoff(HEADPHONES)
    sam = desk.client("sam")
    assert sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})[0] == 409  # not claimed
    claimed(desk, "ana", case)
    assert sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})[0] == 409  # Ana holds it
    ana = desk.client("ana")
    assert ana.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "goodwill_credit"})[0] == 400
    assert ana.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "store_credit", "amount": "lots"})[0] == 400
    assert grants() == []


def test_nothing_is_granted_for_a_customer_not_verified(desk):
    case = handoff({**HEADPHONES, "verified": False})
    ana = claimed(desk, "ana", case)
    listing = ana.call(f"/desk/api/cases/{case}/grant")[1]
    assert (listing["verified"], listing["alternatives"]) == (False, [])
    assert ana.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "refund"})[0] == 400
    assert grants() == [] and company_outbox() == []


def test_an_order_the_chat_refunded_gets_no_exchange_at_the_desk(desk):
    refund = asyncio.run(gracious.stores.company().grant("refund", "LK-10426", "C003", None, sender_id="priya-chat"))
    case = handoff(HEADPHONES)
    sam = claimed(desk, "sam", case)

    status, body = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "exchange"})

    assert status == 409, body
    assert body["error"].startswith("This order has a refund already, since ")
    assert body["error"].endswith(
        "an order gets one of a refund, an exchange or a replacement, so nothing was granted."
    )
    assert body["other_remedy"]["id"] == refund.grant.id and body["other_remedy"]["kind"] == "refund"
    assert [g["kind"] for g in grants()] == ["refund"]
    assert [r["topic"] for r in company_outbox()] == ["refund"]  # no exchange promised, no label


MAYA = {"id": "C001", "name": "Maya Okafor", "email": "maya.okafor@example.com", "phone": "+1 555 0134"}


def bill(missing: float) -> Dict[str, Any]:
    """The card for Maya's bill BL-30017 under the volume discount, with what the discount missed."""
    return {
        "case_type": "dispute_charge",
        "reference": "BL-30017",
        "verified": True,
        "customer": MAYA,
        "amounts": {"missing_discount_amount": missing, "discount_applied": 6.2},
        "policy": {"id": "volume_discount_domestic", "rule": "The volume discount covers domestic calls."},
    }


def test_titles_are_filled_from_the_case_and_a_credit_of_nothing_is_not_offered(desk):
    # Nothing missing on the bill: no "Credit the missing $0.00 now", no raw "{amount}".
    case = handoff(bill(0.0), sender="maya-chat")
    listed = desk.client("sam").call(f"/desk/api/cases/{case}/grant")[1]["alternatives"]
    assert [(a["id"], a["title"], a["amount"]) for a in listed] == [
        ("goodwill_credit", "A $10.00 goodwill credit", 10.0),
    ]
    sam = claimed(desk, "sam", case)
    status, body = sam.call(f"/desk/api/cases/{case}/grant", {"alternative_id": "missing_discount_credit"})
    assert status == 400 and grants() == []  # not grantable either, whatever amount is sent

    # The discount did miss $6.20: that credit, named with its amount.
    other = handoff(bill(6.2), sender="maya-chat-2")
    listed = desk.client("ana").call(f"/desk/api/cases/{other}/grant")[1]["alternatives"]
    assert [(a["id"], a["title"], a["amount"]) for a in listed] == [
        ("missing_discount_credit", "Credit the missing $6.20 now", 6.2),
        ("goodwill_credit", "A $10.00 goodwill credit", 10.0),
    ]


def test_an_unknown_discount_amount_is_not_offered(desk):
    summary = bill(0.0)
    summary["amounts"] = {}
    case = handoff(summary, sender="maya-chat")
    listed = desk.client("sam").call(f"/desk/api/cases/{case}/grant")[1]["alternatives"]
    assert [a["id"] for a in listed] == ["goodwill_credit"]


def test_the_item_of_the_order_names_the_replacement(desk):
    summary = {
        "case_type": "report_wrong_item",
        "reference": "LK-10421",
        "verified": True,
        "customer": MAYA,
        "amounts": {"order_total": 89.0},
        "policy": {"id": "wrong_item_company_error", "rule": "We sent the wrong item."},
    }
    case = handoff(summary, sender="maya-dress")
    listed = desk.client("sam").call(f"/desk/api/cases/{case}/grant")[1]["alternatives"]
    assert [(a["id"], a["title"]) for a in listed] == [
        ("replacement_overnight", "Send the right dress overnight, free"),
        ("refund", "A full refund"),
    ]
    assert all("{" not in a["title"] and "$0.00" not in a["title"] for a in listed)


def test_the_titles_follow_a_wording_edit_without_training(desk, tmp_path, monkeypatch):
    domain = tmp_path / "domain.yml"
    text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    domain.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GRACIOUS_DOMAIN", str(domain))
    case = handoff(bill(0.0), sender="maya-chat")
    listed = desk.client("sam").call(f"/desk/api/cases/{case}/grant")[1]["alternatives"]
    assert [a["title"] for a in listed] == ["A $10.00 goodwill credit"]
    reworded = text.replace('"A {amount} goodwill credit"', '"A {amount} credit, with our apologies"')
    assert reworded != text
    domain.write_text(reworded, encoding="utf-8")
    os.utime(domain, ns=(domain.stat().st_mtime_ns + 1_000_000,) * 2)
    listed = desk.client("sam").call(f"/desk/api/cases/{case}/grant")[1]["alternatives"]
    assert [a["title"] for a in listed] == ["A $10.00 credit, with our apologies"]
