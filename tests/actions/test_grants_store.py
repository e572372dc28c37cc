"""The company's grants: once per record, in the database itself, old databases included.

Run on the SQLite file each test gets; set GRACIOUS_TEST_POSTGRES_URL to a scratch
PostgreSQL database (its company tables are dropped) to run them there too.
"""

import asyncio
import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy as sa

import gracious.stores.grants
from gracious.stores.company import CompanyData
from gracious.stores.company_schema import grants, metadata, once_per_record

POSTGRES = os.environ.get("GRACIOUS_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A company database that does not exist yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'company.db'}"
        return
    if not POSTGRES:
        pytest.skip("set GRACIOUS_TEST_POSTGRES_URL to a scratch PostgreSQL database")
    engine = sa.create_engine(POSTGRES, future=True)
    metadata.drop_all(engine)
    engine.dispose()
    yield POSTGRES


def made_before_the_index(url: str, *duplicated: str) -> None:
    """The company database as older code made it (no index), each reference credited twice."""
    old = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(old)
    old.tables["grants"].indexes.clear()
    engine = sa.create_engine(url, future=True)
    old.create_all(engine)
    made = datetime(2025, 11, 28, 15, 0)
    with engine.begin() as conn:
        for reference in duplicated:
            for note in ("first", "second"):
                conn.execute(grants.insert().values(kind="credit", reference=reference, note=note, created_at=made))
    engine.dispose()


def index_names(company: CompanyData) -> List[str]:
    return [index["name"] for index in sa.inspect(company.engine).get_indexes("grants")]


def grant(company: CompanyData, kind: str = "credit", reference: str = "BL-30018", note: str = ""):
    return asyncio.run(company.grant(kind, reference, "C002", 7.6, note=note))


def test_an_existing_database_gets_the_index_and_the_database_refuses_a_second_row(url):
    made_before_the_index(url)
    company = CompanyData(url)
    company.ensure_ready()

    assert once_per_record.name in index_names(company)
    assert grant(company).created
    with pytest.raises(sa.exc.IntegrityError), company.engine.begin() as conn:
        conn.execute(grants.insert().values(kind="credit", reference="BL-30018", created_at=datetime.now()))
    company.engine.dispose()


def test_an_existing_database_with_duplicates_starts_logs_them_and_still_refuses_a_repeat(url, caplog):
    made_before_the_index(url, "BL-30017", "LK-10423")
    company = CompanyData(url)
    with caplog.at_level(logging.ERROR, logger="gracious.stores.grants"):
        company.ensure_ready()  # no crash: every other customer is still served

    assert once_per_record.name not in index_names(company)
    [record] = caplog.records
    assert "credit BL-30017 x2, credit LK-10423 x2" in record.getMessage()
    repeat = grant(company, reference="BL-30017")
    assert repeat.granted_before and repeat.grant.note == "first"  # the earliest, nothing written
    assert repeat.grant.created_at == datetime(2025, 11, 28, 15, 0, tzinfo=timezone.utc)
    assert grant(company, reference="BL-30018").created
    with company.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(grants)).scalar() == 5
    company.engine.dispose()


def test_a_race_past_the_first_look_is_settled_by_the_index(url, monkeypatch):
    """Both calls look before either writes; the index lets one in and the other reads it."""
    company = CompanyData(url)
    company.ensure_ready()
    both_looked = threading.Barrier(2, timeout=10)
    looks = iter(range(1000))
    look = gracious.stores.grants.find

    def look_together(conn, kind, reference):
        found = look(conn, kind, reference)
        if next(looks) < 2:
            both_looked.wait()
        return found

    monkeypatch.setattr(gracious.stores.grants, "find", look_together)

    async def both():
        return await asyncio.gather(
            company.grant("credit", "BL-30018", "C002", 7.6, note="chat one"),
            company.grant("credit", "BL-30018", "C002", 7.6, note="chat two"),
        )

    first, second = asyncio.run(both())

    assert sorted([first.created, second.created]) == [False, True]
    assert first.grant == second.grant
    assert next(looks) == 3  # two looks first, then the loser's read of the winner
    assert len(asyncio.run(company.grants_for("BL-30018"))) == 1
    company.engine.dispose()


def test_the_grant_already_made_for_a_record_can_be_read(url):
    company = CompanyData(url)

    assert asyncio.run(company.granted("credit", "BL-30018")) is None
    made = grant(company, note="missing discount").grant
    assert asyncio.run(company.granted("credit", "BL-30018")) == made
    assert made.created_at.tzinfo is timezone.utc
    assert asyncio.run(company.granted("refund", "BL-30018")) is None
    assert asyncio.run(company.granted("credit", None)) is None
    company.engine.dispose()


def test_follow_ups_valid_coupons_and_grants_without_a_reference_can_happen_again(url):
    company = CompanyData(url)
    for kind, reference in (("followup", "BL-30019"), ("coupon_applied", "WELCOME10"), ("remake", None)):
        assert grant(company, kind, reference).created
        assert grant(company, kind, reference).created
    company.engine.dispose()
