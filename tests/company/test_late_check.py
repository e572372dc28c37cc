"""The scheduled check for late orders: each customer whose order is past its promised date, undelivered
and untold hears about it once, with the catalog's goodwill (real SQLite company database; time injected)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa

from gracious.outbox import signing
from gracious.outbox.table import rows
from gracious.stores import company, company_schema, notices
from server.company import events, notify
from tests.company.times import DEMO_DAY, business

orders = company_schema.orders


def today_at_noon(days: int = 0) -> datetime:
    """Noon at the business, ``days`` after the demo's day, as naive UTC."""
    return business(DEMO_DAY + timedelta(days=days), 12)


def outbox() -> List[Dict[str, Any]]:
    with company().engine.connect() as conn:
        return rows(conn, company_schema.outbox)


def all_notices() -> List[Dict[str, Any]]:
    with company().engine.connect() as conn:
        return notices.notices(conn)


def late_by_the_records(now: datetime) -> List[str]:
    """Orders past their promised date and not delivered, read straight from the table."""
    with company().engine.connect() as conn:
        found = conn.execute(
            sa.select(orders.c.id).where(orders.c.delivered_on.is_(None), orders.c.promised_on < events.local_day(now))
        )
        return sorted(r.id for r in found)


@pytest.fixture(autouse=True)
def prepared() -> None:
    company().ensure_ready()


def test_the_check_apologises_for_a_late_order_once():
    now = today_at_noon()
    late = late_by_the_records(now)
    assert late  # demo/company.yml: LK-10423 was promised three days ago and is still in transit
    assert sorted(asyncio.run(events.check_late_orders(now))) == late
    assert asyncio.run(events.check_late_orders(now + timedelta(minutes=5))) == []

    assert [n["order_id"] for n in all_notices()] == late
    mails = outbox()
    assert len(mails) == len(late)
    [mail] = [m for m in mails if m["payload"]["to"] == "priya.n@example.com"]
    assert mail["topic"] == "late_order"
    assert mail["payload"]["subject"] == "We're sorry: your order LK-10423 is running late"
    goodwill = notify.late_goodwill()
    assert goodwill is not None
    assert f"goodwill credit of {notify.money(goodwill)}" in mail["payload"]["text"]
    assert "Hello Priya," in mail["payload"]["text"]


def test_two_checks_at_the_same_moment_still_tell_once():
    now = today_at_noon()

    async def both() -> List[List[str]]:
        return list(await asyncio.gather(events.check_late_orders(now), events.check_late_orders(now)))

    first, second = asyncio.run(both())
    assert sorted(first + second) == late_by_the_records(now)
    assert len(all_notices()) == len(outbox()) == len(late_by_the_records(now))


def test_an_order_becomes_late_when_its_date_passes_and_is_told_then():
    asyncio.run(events.check_late_orders(today_at_noon()))
    # LK-10424 is promised three days from today: on time until then.
    assert "LK-10424" not in {n["order_id"] for n in all_notices()}
    assert "LK-10424" not in asyncio.run(events.check_late_orders(today_at_noon(3)))
    assert asyncio.run(events.check_late_orders(today_at_noon(4))) == ["LK-10424"]
    [mail] = [m for m in outbox() if m["payload"]["to"] == "maya.okafor@example.com"]
    assert "LK-10424 (jacket)" in mail["payload"]["text"]


def test_a_delivered_order_is_never_late():
    with company().engine.begin() as conn:
        conn.execute(orders.update().where(orders.c.id == "LK-10423").values(status="delivered"))
    assert "LK-10423" not in asyncio.run(events.check_late_orders(today_at_noon()))


def test_a_customer_with_no_address_and_no_chat_is_tried_again_next_time():
    with company().engine.begin() as conn:
        conn.execute(
            company_schema.customers.update().where(company_schema.customers.c.id == "C003").values(email=None)
        )
    assert "LK-10423" not in asyncio.run(events.check_late_orders(today_at_noon()))
    assert "LK-10423" not in {n["order_id"] for n in all_notices()}
    with company().engine.begin() as conn:
        conn.execute(
            company_schema.customers.update()
            .where(company_schema.customers.c.id == "C003")
            .values(email="priya.n@example.com")
        )
    assert asyncio.run(events.check_late_orders(today_at_noon())) == ["LK-10423"]


PROMISED = date(2026, 12, 4)


def promise_priya_the_4th() -> None:
    with company().engine.begin() as conn:
        conn.execute(orders.update().where(orders.c.id == "LK-10423").values(promised_on=PROMISED))


@pytest.mark.parametrize("hour, minute", [(20, 0), (20, 30), (23, 59)])
def test_on_the_promised_evening_at_the_business_the_order_is_not_late_though_utc_is_a_day_on(hour: int, minute: int):
    promise_priya_the_4th()
    now = business(PROMISED, hour, minute)
    assert now.date() == PROMISED + timedelta(days=1)  # already the 5th in UTC
    assert "LK-10423" not in asyncio.run(events.check_late_orders(now))
    assert [n for n in all_notices() if n["order_id"] == "LK-10423"] == []
    # An event that evening gives the news, with no apology and no goodwill.
    raw = b'{"id": "evt-eve", "event": "status_changed", "order_id": "LK-10423", "status": "out for delivery"}'
    headers = {signing.HEADER: signing.sign(raw, signing.webhook_secret())}
    assert asyncio.run(events.handle(raw, headers, now=now))[1]["status"] == "handled"
    [mail] = [m for m in outbox() if m["payload"]["to"] == "priya.n@example.com"]
    assert mail["payload"]["template"] == "order_update" and "credit" not in mail["payload"]["text"]
    assert [n["kind"] for n in all_notices() if n["order_id"] == "LK-10423"] == ["event:evt-eve"]


def test_half_past_midnight_at_the_business_the_next_day_the_order_is_late():
    promise_priya_the_4th()
    now = business(PROMISED + timedelta(days=1), 0, 30)
    assert "LK-10423" in asyncio.run(events.check_late_orders(now))
    [mail] = [m for m in outbox() if m["payload"]["to"] == "priya.n@example.com"]
    assert mail["payload"]["template"] == "order_late"
    assert "Friday 4 December" in mail["payload"]["text"]


def test_a_delivery_time_is_the_business_date_at_that_moment():
    raw = b'{"id": "evt-d", "event": "delivered", "order_id": "LK-10423", "occurred_at": "2026-12-05T02:30:00Z"}'
    headers = {signing.HEADER: signing.sign(raw, signing.webhook_secret())}
    asyncio.run(events.handle(raw, headers, now=business(PROMISED + timedelta(days=1), 9)))
    with company().engine.connect() as conn:
        delivered = conn.execute(sa.select(orders.c.delivered_on).where(orders.c.id == "LK-10423")).scalar()
    assert delivered == PROMISED  # 9:30 pm on the 4th in New York
