"""A late order is apologised for once: later events about it give the news in plain words, and an event
that meets the check's late notice at the same moment is still handled (real SQLite company database;
time injected)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any, Dict, List, Tuple

import pytest
import sqlalchemy as sa

from gracious.outbox import signing
from gracious.outbox.table import rows
from gracious.stores import company, company_schema, notices
from server.company import events, notify
from tests.company.times import DEMO_DAY, business

NOW = business(DEMO_DAY, 9, 30)  # LK-10423 (Priya's) was promised three days before (demo/company.yml)


def post(body: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    raw = json.dumps(body).encode()
    return asyncio.run(events.handle(raw, {signing.HEADER: signing.sign(raw, signing.webhook_secret())}, now=NOW))


def priyas_mail() -> List[Dict[str, Any]]:
    with company().engine.connect() as conn:
        return [m for m in rows(conn, company_schema.outbox) if m["payload"]["to"] == "priya.n@example.com"]


def order_row(order_id: str) -> Dict[str, Any]:
    with company().engine.connect() as conn:
        query = sa.select(company_schema.orders).where(company_schema.orders.c.id == order_id)
        return dict(conn.execute(query).one()._mapping)


def kinds(order_id: str) -> List[str]:
    with company().engine.connect() as conn:
        return [n["kind"] for n in notices.notices(conn, order_id)]


@pytest.fixture(autouse=True)
def prepared() -> None:
    company().ensure_ready()


def test_once_told_an_order_is_late_later_news_comes_without_the_apology_or_the_offer():
    assert "LK-10423" in asyncio.run(events.check_late_orders(NOW))
    for number, status in enumerate(("at the depot", "out for delivery")):
        body = {"id": f"evt-s{number}", "event": "status_changed", "order_id": "LK-10423", "status": status}
        assert post(body)[1]["status"] == "handled"
    late, *news = priyas_mail()
    goodwill = notify.late_goodwill()
    assert goodwill is not None
    assert late["payload"]["template"] == "order_late" and notify.money(goodwill) in late["payload"]["text"]
    assert [m["payload"]["template"] for m in news] == ["order_update", "order_update"]
    for mail, status in zip(news, ("at the depot", "out for delivery"), strict=True):
        text = mail["payload"]["text"]
        assert f"it's now {status}" in text
        assert "late" not in text.lower() and "sorry" not in text.lower() and "credit" not in text.lower()
        assert notify.money(goodwill) not in text and notify.money(goodwill) not in mail["payload"]["html"]
    assert sum(m["topic"] == "late_order" for m in priyas_mail()) == 1


def test_an_event_whose_late_notice_the_check_writes_at_that_moment_is_handled_not_lost(
    monkeypatch: pytest.MonkeyPatch,
):
    # The check tells Priya her order is late between the event's look at the notices and its own write:
    # the row is there, but the event's first look does not see it (as another instance's commit would be).
    promised = order_row("LK-10423")["promised_on"]
    with company().engine.begin() as conn:
        order = notices.order_facts(conn, "LK-10423")
        assert order is not None
        notices.note(conn, order, notices.late_kind(promised), "email", NOW)
    real_told = notices.told
    missed = []

    def stale(conn: sa.engine.Connection, order_id: str, kind: str) -> bool:
        if kind.startswith("late:") and not missed:
            missed.append(kind)
            return False
        return real_told(conn, order_id, kind)

    monkeypatch.setattr(notices, "told", stale)
    status, answer = post(
        {"id": "evt-race", "event": "status_changed", "order_id": "LK-10423", "status": "at the depot"}
    )
    assert missed  # the race happened
    assert (status, answer["status"], answer.get("told")) == (200, "handled", "email")
    # The event is kept, the order changed, and Priya told the news once, without a second apology.
    with company().engine.connect() as conn:
        assert notices.event_seen(conn, "evt-race")
    assert order_row("LK-10423")["status"] == "at the depot"
    assert kinds("LK-10423") == [notices.late_kind(promised), "event:evt-race"]
    [mail] = priyas_mail()
    assert mail["payload"]["template"] == "order_update"
    # The company's retry is answered "already handled" and changes nothing.
    assert post({"id": "evt-race", "event": "status_changed", "order_id": "LK-10423", "status": "x"})[1] == {
        "id": "evt-race",
        "status": "already handled",
    }
    assert len(priyas_mail()) == 1


def test_a_delay_on_an_order_already_late_keeps_it_late_and_offers_the_goodwill_with_the_new_date():
    # LK-10423 was promised three days before today and is still in transit; the company moves it on.
    first = order_row("LK-10423")["promised_on"]
    new_date = DEMO_DAY + timedelta(days=2)
    body = {"id": "evt-moved", "event": "delayed", "order_id": "LK-10423", "promised_on": new_date.isoformat()}
    assert post(body)[1]["status"] == "handled"

    row = order_row("LK-10423")
    assert (row["promised_on"], row["first_promised_on"]) == (new_date, first)
    [mail] = priyas_mail()
    goodwill = notify.late_goodwill()
    assert goodwill is not None
    text = mail["payload"]["text"]
    assert mail["payload"]["template"] == "order_late_moved" and mail["topic"] == "late_order"
    assert f"was promised for {notify.day_name(first)}, and we missed that date" in text
    assert f"We now expect it to reach you by {notify.day_name(new_date)}" in text
    assert f"goodwill credit of {notify.money(goodwill)}" in text and notify.money(goodwill) in mail["payload"]["html"]
    assert "won't make the date" not in text
    # Told it is late for the date it missed: the check doesn't apologise again.
    assert kinds("LK-10423") == ["event:evt-moved", notices.late_kind(first)]
    assert asyncio.run(events.check_late_orders(NOW)) == []

    # Read in the chat, the order is still late (the late-delivery policy's goodwill), against the date missed.
    read = asyncio.run(company().order("LK-10423"))
    assert read is not None and read.promised_on == new_date
    assert read.late_on(DEMO_DAY) and read.missed_on(DEMO_DAY) == first
    assert read.late  # today at the business
    # A second move keeps the date first given.
    later = DEMO_DAY + timedelta(days=5)
    post({"id": "evt-moved-2", "event": "delayed", "order_id": "LK-10423", "promised_on": later.isoformat()})
    assert order_row("LK-10423")["first_promised_on"] == first
    # Delivered: not late any more.
    post({"id": "evt-arrived", "event": "delivered", "order_id": "LK-10423"})
    assert not asyncio.run(company().order("LK-10423")).late  # type: ignore[union-attr]


def test_an_order_moved_before_its_date_is_not_late_until_the_date_first_given_has_passed():
    new_date = DEMO_DAY + timedelta(days=6)
    post({"id": "evt-early", "event": "delayed", "order_id": "LK-10424", "promised_on": new_date.isoformat()})
    [mail] = [m for m in rows_all() if m["payload"]["to"] != "priya.n@example.com"]
    assert mail["payload"]["template"] == "order_delayed" and "credit" not in mail["payload"]["text"]
    read = asyncio.run(company().order("LK-10424"))
    assert read is not None
    first = read.first_promised_on
    assert first == DEMO_DAY + timedelta(days=3)  # demo/company.yml
    assert not read.late_on(DEMO_DAY) and not read.late_on(first)
    assert read.late_on(first + timedelta(days=1)) and read.missed_on(first + timedelta(days=1)) == first


def rows_all() -> List[Dict[str, Any]]:
    with company().engine.connect() as conn:
        return rows(conn, company_schema.outbox)


def test_an_order_whose_update_emails_were_stopped_emails_no_more_news():
    # Blind panel p54 B12: "please STOP the tracking update emails for the grinder".
    with company().engine.begin() as conn:
        assert notices.stop_updates(conn, "LK-10423", "C003", "chat-1", NOW) is True
        assert notices.stop_updates(conn, "LK-10423", "C003", "chat-1", NOW) is False  # once
    body = {"id": "evt-stopped", "event": "status_changed", "order_id": "LK-10423", "status": "out for delivery"}
    assert post(body)[1]["status"] == "handled"
    assert priyas_mail() == []
    asyncio.run(events.check_late_orders(NOW))  # the late check finds it late: not emailed either
    assert priyas_mail() == []
    with company().engine.connect() as conn:
        assert notices.updates_stopped(conn, "LK-10423") and not notices.signed_up_for_updates(conn, "LK-10423")
        assert notices.updates_state(conn, "LK-10423") == (True, False)
        assert [n["channel"] for n in notices.notices(conn, "LK-10423") if n["kind"] == notices.UPDATES_STOPPED] == [
            "none"
        ]


def test_an_order_nobody_signed_up_for_has_neither_stopped_nor_signed_up_updates():
    with company().engine.connect() as conn:
        assert notices.updates_state(conn, "LK-10421") == (False, False)
