"""Commitments to the company's systems: a signed POST to a real receiver on loopback, retried until a 2xx,
applied once; the worker's clock is stepped past each backoff, nothing waits for it."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any, Dict, List, Mapping

import pytest

from gracious import stores
from gracious.outbox import promises, signing, smtp, table, webhook
from gracious.outbox.worker import OutboxWorker, default_outboxes
from gracious.stores import clock, company_schema
from gracious.stores.records import outbox as records_outbox
from tests.outbox.servers import Receiver, free_port
from tests.outbox.test_mail import Clock, promise_thank_you

CREDIT = {"grant_id": 7, "customer_id": "C001", "record": "BL-30017", "amount": "12.40", "kind": "credit"}


def promise_credit(key: str = "grant:7") -> int:
    def write(conn: Any) -> int:
        return promises.commitment(conn, company_schema.outbox, key=key, event="credit", data=CREDIT)

    return asyncio.run(stores.company().run(write))


def company_rows() -> List[Dict[str, Any]]:
    return asyncio.run(stores.company().run(table.rows, company_schema.outbox))


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_SECRET", "a shared secret the company keeps too")
    return signing.webhook_secret()


def test_a_commitment_answered_500_twice_is_applied_once_with_one_key(
    secret: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    promise_credit()
    now = Clock(clock.now())
    receiver = Receiver(secret, answers=[500, 500])
    monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_URL", receiver.url)
    worker = OutboxWorker(now=now)

    async def scenario() -> List[int]:
        delivered = []
        async with receiver:
            delivered.append(await worker.run_once())  # 500
            now.step(9)
            delivered.append(await worker.run_once())  # not due: the first wait is 10 s
            now.step(1)
            delivered.append(await worker.run_once())  # 500 again
            [row] = await stores.company().run(table.rows, company_schema.outbox)
            assert row["attempts"] == 2 and row["due_at"] == now.moment + timedelta(seconds=20)
            assert row["last_error"] == 'the company\'s systems answered HTTP 500: {"error": "busy"}'
            now.step(20)
            delivered.append(await worker.run_once())  # 200
            now.step(3600)
            delivered.append(await worker.run_once())  # nothing more
        return delivered

    assert asyncio.run(scenario()) == [0, 0, 0, 1, 0]
    assert len(receiver.tries) == 3
    assert {t["key"] for t in receiver.tries} == {"grant:7"}
    assert all(t["signed"] and t["type"] == "application/json" for t in receiver.tries)
    assert len({t["body"] for t in receiver.tries}) == 1  # the same bytes on every try
    [applied] = receiver.applied.values()
    assert applied["id"] == "grant:7" and applied["event"] == "credit" and applied["data"] == CREDIT
    assert applied["occurred_at"].endswith("Z")
    [row] = company_rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 2, None)


def test_a_receiver_that_rejects_the_signature_is_not_counted_as_delivered(
    secret: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    promise_credit()
    receiver = Receiver(b"the company's idea of the secret, which differs")
    monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_URL", receiver.url)

    async def scenario() -> int:
        async with receiver:
            return await OutboxWorker(now=Clock(clock.now())).run_once()

    assert asyncio.run(scenario()) == 0
    assert receiver.applied == {} and [t["signed"] for t in receiver.tries] == [False]
    [row] = company_rows()
    assert row["status"] == "pending" and "HTTP 401" in row["last_error"]


def test_with_no_webhook_url_or_no_one_listening_the_commitment_waits(
    secret: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    promise_credit()
    now = Clock(clock.now())
    worker = OutboxWorker(now=now)
    assert asyncio.run(worker.run_once()) == 0
    assert company_rows()[0]["last_error"] == "no GRACIOUS_COMPANY_WEBHOOK_URL set"
    monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/nobody")
    now.step(10)
    assert asyncio.run(worker.run_once()) == 0
    [row] = company_rows()
    assert (row["status"], row["attempts"]) == ("pending", 2)
    assert row["last_error"].startswith("could not reach the company's systems")


def test_the_headers_sign_the_exact_body() -> None:
    message = {"id": "grant:9", "event": "refund", "occurred_at": "2026-12-01T14:00:00Z", "data": {"amount": "5"}}
    body = signing.body(message)
    sent = webhook.headers(body, "grant:9", b"k")
    assert sent["Idempotency-Key"] == "grant:9" and sent["Content-Type"] == "application/json"
    assert signing.verify(body, sent["X-Gracious-Signature"], b"k")
    assert not signing.verify(body + b" ", sent["X-Gracious-Signature"], b"k")
    assert json.loads(body) == message


def test_one_failing_row_stops_no_other_and_both_databases_are_drained() -> None:
    promise_thank_you()
    promise_credit()
    seen: List[Mapping[str, Any]] = []

    async def broken_mail(payload: Mapping[str, Any]) -> None:
        raise RuntimeError("the relay fell over")

    async def webhook_ok(payload: Mapping[str, Any]) -> None:
        seen.append(payload)

    worker = OutboxWorker(now=Clock(clock.now()), senders={"email": broken_mail, "webhook": webhook_ok})
    assert asyncio.run(worker.run_once()) == 1
    assert [p["id"] for p in seen] == ["grant:7"]
    [mail_row] = asyncio.run(stores.records().run(table.rows, records_outbox))
    assert (mail_row["status"], mail_row["attempts"], mail_row["last_error"]) == ("pending", 1, "the relay fell over")
    assert company_rows()[0]["status"] == "delivered"


def test_a_delivery_that_hangs_is_given_up_for_this_try_within_the_lease() -> None:
    promise_credit()

    async def hangs(payload: Mapping[str, Any]) -> None:
        await asyncio.sleep(30)

    worker = OutboxWorker(now=Clock(clock.now()), senders={"webhook": hangs}, deadline_seconds=0.2)
    assert asyncio.run(worker.run_once()) == 0
    [row] = company_rows()
    assert (row["status"], row["last_error"]) == ("pending", "no answer within 0.2 s")
    assert table.LEASE.total_seconds() > 2 * OutboxWorker().deadline_seconds


def test_one_database_named_twice_is_drained_once(monkeypatch: pytest.MonkeyPatch, fresh_stores: Any) -> None:
    assert len(default_outboxes()) == 2
    same = f"sqlite:///{fresh_stores / 'together.db'}"
    monkeypatch.setenv("GRACIOUS_RECORDS_DB_URL", same)
    monkeypatch.setenv("GRACIOUS_COMPANY_DB_URL", same)
    stores.reset()
    assert len(default_outboxes()) == 1


def test_a_delivery_error_is_short_text_for_the_desk() -> None:
    assert smtp.describe(ConnectionRefusedError(111, "Connection refused")) == "[Errno 111] Connection refused"
