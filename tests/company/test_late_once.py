"""A late order is apologised for once: later events about it give the news in plain words, and an event
that meets the check's late notice at the same moment is still handled (real SQLite company database;
time injected)."""

from __future__ import annotations

import asyncio
import json
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
