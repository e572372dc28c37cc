"""gracious/stores/base.py: the tables made once however many threads start at once, rows stamped with the time."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import List

import sqlalchemy as sa

from gracious.stores import clock
from gracious.stores.base import Store, add_row, record_table, required
from gracious.stores.company import CompanyData
from gracious.stores.records import Records


class Counting(Store):
    metadata = sa.MetaData()
    things = record_table("things", metadata, required("name", sa.String(20)))

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.prepared = 0

    def prepare(self) -> None:
        self.prepared += 1
        time.sleep(0.05)  # long enough for every other thread to arrive meanwhile
        super().prepare()


def at_once(count: int, work) -> List[BaseException]:
    """Run ``work`` on ``count`` threads released together; the errors they raised."""
    start, errors = threading.Barrier(count), []

    def run() -> None:
        start.wait()
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_the_tables_are_made_once_when_the_first_calls_come_from_several_threads(tmp_path):
    store = Counting(f"sqlite:///{tmp_path / 'things.db'}")
    errors = at_once(8, lambda: store.transaction(add_row, Counting.things, name="x"))
    assert errors == [] and store.prepared == 1
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Counting.things)).scalar() == 8
    store.engine.dispose()


def test_the_records_and_the_demo_company_start_cleanly_under_concurrent_first_use(tmp_path):
    records = Records(f"sqlite:///{tmp_path / 'records.db'}")
    company = CompanyData(f"sqlite:///{tmp_path / 'company.db'}")
    assert at_once(6, lambda: asyncio.run(records.record_feedback("maya", "lovely"))) == []
    assert at_once(6, lambda: asyncio.run(company.customer("C001"))) == []
    assert len(asyncio.run(records.rows("feedback"))) == 6
    assert asyncio.run(company.customer("C001")).name == "Maya Okafor"  # seeded once, not six times
    records.engine.dispose()
    company.engine.dispose()


def test_a_record_table_has_its_id_first_and_its_time_last_unless_placed():
    table = record_table("t", sa.MetaData(), required("a", sa.Integer), sa.Column("b", sa.Integer))
    assert [c.name for c in table.columns] == ["id", "a", "b", "created_at"]
    placed = record_table("u", sa.MetaData(), required("created_at", sa.DateTime), sa.Column("b", sa.Integer))
    assert [c.name for c in placed.columns] == ["id", "created_at", "b"]


def test_add_row_stamps_the_time_now_unless_given(tmp_path, monkeypatch):
    moment = datetime(2024, 3, 4, 9, 30)
    monkeypatch.setattr(clock, "now", lambda: moment)
    store = Counting(f"sqlite:///{tmp_path / 'things.db'}")
    store.transaction(add_row, Counting.things, name="now")
    store.transaction(add_row, Counting.things, name="then", created_at=moment - timedelta(days=1))
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(Counting.things.c.name, Counting.things.c.created_at)).all()
    assert [tuple(r) for r in rows] == [("now", moment), ("then", moment - timedelta(days=1))]
    store.engine.dispose()


def test_stored_times_are_utc_without_an_offset():
    eastern = timezone(timedelta(hours=-5))
    assert clock.stored(datetime(2024, 3, 4, 9, 0, tzinfo=eastern)) == datetime(2024, 3, 4, 14, 0)
    assert clock.stored(datetime(2024, 3, 4, 9, 0)) == datetime(2024, 3, 4, 9, 0)
    assert clock.now().tzinfo is None
