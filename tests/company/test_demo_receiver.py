"""The demo company's receiver, on a real Sanic server on loopback with real SQLite files: it
takes only signed commitments, applies each once whatever the retries, and what it applied is
what reading the bill or order shows."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from gracious.outbox import signing
from gracious.outbox.worker import OutboxWorker
from gracious.stores import clock, company
from gracious.stores.company_schema import applied_commitments, coupons, outbox
from gracious.stores.company_types import Applied
from tests.company.receiver_app import ReceiverApp

T0 = datetime(2026, 12, 1, 15, 30, 0)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReceiverApp]:
    monkeypatch.setattr(clock, "now", lambda: T0)
    company().ensure_ready()  # the demo company's tables and records, as the servers make them
    with ReceiverApp() as app:
        yield app
    company().engine.dispose()


def applied_rows() -> list:
    with company().engine.begin() as conn:
        return [
            dict(r._mapping) for r in conn.execute(sa.select(applied_commitments).order_by(applied_commitments.c.id))
        ]


def test_an_unsigned_or_wrongly_signed_commitment_is_refused_and_changes_nothing(receiver: ReceiverApp):
    message = {"id": "grant:1", "event": "credit", "data": {"reference": "BL-30017", "amount": 6.2}}
    body = signing.body(message)
    assert receiver.post(body, key="grant:1", sign=False)[0] == 401
    status, answer = receiver.post(body, signature=signing.sign(body, b"not-our-secret"), key="grant:1")
    assert status == 401 and "X-Gracious-Signature" in answer["error"]
    tampered = body.replace(b"6.2", b"620")
    assert receiver.post(tampered, signature=signing.sign(body, signing.webhook_secret()), key="grant:1")[0] == 401
    assert applied_rows() == []
    assert asyncio.run(company().bill("BL-30017")).credits == []


def test_a_signed_commitment_needs_its_key_and_a_json_object(receiver: ReceiverApp):
    body = signing.body({"id": "grant:1", "event": "credit", "data": {}})
    status, answer = receiver.post(body)
    assert status == 400 and "Idempotency-Key" in answer["error"]
    assert receiver.post(body, key="grant:2")[0] == 400  # the key is not the body's id
    assert receiver.post(b"[1, 2]", key="grant:1")[0] == 400
    assert receiver.post(b"not json", key="grant:1")[0] == 400
    assert applied_rows() == []


def test_a_body_over_64_kb_is_refused(receiver: ReceiverApp):
    message = {"id": "grant:1", "event": "credit", "data": {"note": "x" * 70_000}}
    status, _ = receiver.post(signing.body(message), key="grant:1")
    assert status == 413
    assert applied_rows() == []


def test_a_credit_posted_three_times_is_applied_once_and_the_bill_then_shows_it(receiver: ReceiverApp):
    answers = [
        receiver.commit("grant:7", "credit", reference="BL-30017", customer_id="C001", amount=6.2, grant_id=7)
        for _ in range(3)
    ]
    assert answers == [
        (200, {"status": "applied", "id": "grant:7"}),
        (200, {"status": "already applied", "id": "grant:7"}),
        (200, {"status": "already applied", "id": "grant:7"}),
    ]
    rows = applied_rows()
    assert [(r["key"], r["event"], r["reference"], r["amount"], r["outcome"]) for r in rows] == [
        ("grant:7", "credit", "BL-30017", 6.2, "applied")
    ]
    bill = asyncio.run(company().bill("BL-30017"))
    assert bill.credits == [Applied("credit", 6.2, T0.replace(tzinfo=timezone.utc))]
    assert asyncio.run(company().bill("BL-30018")).credits == []


def test_a_refund_shows_on_its_order_until_it_is_taken_back(receiver: ReceiverApp):
    assert receiver.commit("grant:3", "refund", reference="LK-10421", amount=89.0, grant_id=3)[1]["status"] == "applied"
    order = asyncio.run(company().order("LK-10421"))
    assert [(a.event, a.amount) for a in order.applied] == [("refund", 89.0)]
    taken = receiver.commit(
        "grant:3:withdrawn", "grant_withdrawn", grant_id=3, kind="refund", reference="LK-10421", withdraws="grant:3"
    )
    assert taken == (200, {"status": "applied", "id": "grant:3:withdrawn"})
    assert asyncio.run(company().order("LK-10421")).applied == ()


def test_a_withdrawal_that_arrives_before_its_grant_still_takes_it_back(receiver: ReceiverApp):
    receiver.commit("grant:4:withdrawn", "grant_withdrawn", grant_id=4, reference="LK-10422", withdraws="grant:4")
    receiver.commit("grant:4", "replacement", reference="LK-10422", grant_id=4)  # its retry, later
    assert asyncio.run(company().order("LK-10422")).applied == ()
    receiver.commit("grant:5", "exchange", reference="LK-10422", grant_id=5)
    assert [a.event for a in asyncio.run(company().order("LK-10422")).applied] == ["exchange"]


def test_an_honoured_coupon_is_marked_and_calls_and_outcomes_are_recorded(receiver: ReceiverApp):
    with company().engine.begin() as conn:
        conn.execute(coupons.update().where(coupons.c.code == "SUMMER20").values(goodwill_honoured=False))
    assert receiver.commit("grant:9", "honour_coupon", reference="SUMMER20", grant_id=9)[1]["status"] == "applied"
    assert asyncio.run(company().coupon("SUMMER20")).goodwill_honoured is True
    assert receiver.commit("callback:2:booked", "callback_booked", callback_id=2)[1]["status"] == "recorded"
    assert receiver.commit("handoff:4:outcome", "agent_outcome", outcome="resolved")[1]["status"] == "recorded"


def test_an_event_the_demo_company_does_not_know_is_kept_as_received_so_it_is_not_sent_forever(receiver: ReceiverApp):
    assert receiver.commit("loyalty:1", "loyalty_points", points=50) == (200, {"status": "received", "id": "loyalty:1"})
    assert receiver.commit("loyalty:1", "loyalty_points", points=50)[1]["status"] == "already applied"
    (row,) = applied_rows()
    assert row["outcome"] == "received" and json.loads(row["body"])["data"] == {"points": 50}


def test_with_a_company_database_of_its_own_there_is_no_demo_receiver(
    receiver: ReceiverApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv("GRACIOUS_COMPANY_DB_URL", f"sqlite:///{tmp_path / 'theirs.db'}")
    status, answer = receiver.commit("grant:1", "credit", reference="BL-30017", amount=1.0)
    assert status == 404 and "own systems" in answer["error"]


def test_a_credit_granted_in_chat_reaches_the_receiver_through_the_outbox_and_shows_on_the_bill(
    receiver: ReceiverApp, monkeypatch: pytest.MonkeyPatch
):
    # The whole path: the grant writes its commitment, the real worker POSTs it signed, the
    # receiver applies it; a second pass after a lost answer is harmless.
    monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_URL", receiver.url)
    result = asyncio.run(company().grant("credit", "BL-30017", "C001", 6.2, note="credit under late_discount"))
    assert result.created
    worker = OutboxWorker([(company(), outbox)], now=lambda: T0)
    assert asyncio.run(worker.run_once()) == 1
    with company().engine.begin() as conn:
        conn.execute(outbox.update().values(status="pending", due_at=T0))  # as if the 200 was lost
    assert asyncio.run(worker.run_once(T0 + timedelta(minutes=1))) == 1
    (row,) = applied_rows()
    assert (row["event"], row["reference"], row["amount"], row["grant_id"]) == (
        "credit",
        "BL-30017",
        6.2,
        result.grant.id,
    )
    assert [c.amount for c in asyncio.run(company().bill("BL-30017")).credits] == [6.2]


def test_a_body_without_its_id_is_refused_whatever_the_key(receiver: ReceiverApp):
    # Only the body is signed: without its id, a captured body could be applied again under each new key.
    body = signing.body({"event": "credit", "data": {"reference": "BL-30017", "amount": 6.2}})
    for key in ("grant:7", "grant:8"):
        status, answer = receiver.post(body, key=key)
        assert status == 400 and '"id"' in answer["error"]
    assert applied_rows() == []
    assert asyncio.run(company().bill("BL-30017")).credits == []
