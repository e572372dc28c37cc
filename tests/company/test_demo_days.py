"""The demo's promised delivery days fall on days the couriers come (Monday to Saturday)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import yaml

from gracious.stores import clock
from gracious.stores.company_demo import DEMO_FILE, seed
from gracious.stores.company_schema import metadata, orders
from tests.company.times import business

FRIDAY = date(2026, 12, 4)


def promised_days(monkeypatch, today: date) -> dict:
    monkeypatch.setattr(clock, "now", lambda: business(today, 12))
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        seed(conn, yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8")))
        return {row.id: row.promised_on for row in conn.execute(sa.select(orders.c.id, orders.c.promised_on))}


@pytest.mark.parametrize("today", [FRIDAY + timedelta(days=n) for n in range(7)])
def test_no_order_is_promised_for_a_sunday(monkeypatch, today):
    assert all(d is None or d.weekday() != 6 for d in promised_days(monkeypatch, today).values())


def test_a_sunday_to_come_is_the_monday_after_and_one_gone_the_saturday_before(monkeypatch):
    # LK-10424 is promised 3 days on (demo/company.yml): on a Thursday, Monday 7 December, not Sunday 6.
    assert promised_days(monkeypatch, date(2026, 12, 3))["LK-10424"] == date(2026, 12, 7)
    # LK-10423 was promised 3 days ago: on a Wednesday, Saturday 5 December, so the late order stays late.
    assert promised_days(monkeypatch, date(2026, 12, 9))["LK-10423"] == date(2026, 12, 5)
