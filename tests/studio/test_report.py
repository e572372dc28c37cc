"""make report: the manager's numbers from seeded records, anonymized, as text and as a page.

Records go in through the same APIs the assistant and the desk use; their times are
then moved into two known weeks of March 2024 (US daylight saving time starts on
Sunday the 10th, and every boundary is tested on the local, New York calendar).
"""

from __future__ import annotations

import asyncio
import os
from datetime import date, datetime
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from gracious import stores
from gracious.settings import settings
from gracious.stores.records import concerns, ensure_schema, feedback, handoffs, ratings
from server.desk.store import DeskStore
from studio.report import main
from studio.report_counts import PolicyConfusion, build_report
from studio.report_demo import backdate
from studio.report_period import Period, PeriodError, period_for
from tests.helpers.browser import SHOTS, new_browser, shot

MARCH = Period(start=date(2024, 3, 4), end=date(2024, 3, 18), zone="America/New_York")
PERIOD_ARGS = ["--since", "2024-03-04", "--until", "2024-03-17"]
MARKUP = "<script>alert('x')</script>"
CUSTOMERS = [
    {"id": "C-1001", "name": "Maya Lopez", "email": "maya.lopez@example.com", "phone": "+1 555 0100 2233"},
    {"id": "C-1002", "name": "Tom Okafor", "email": "tom.okafor@example.org", "phone": "(555) 010-9876"},
]
SENDERS = ["sender-maya-7f3a", "sender-tom-91c2", "sender-ana-0b5e"]
SECRETS = [v for c in CUSTOMERS for k, v in c.items() if k != "id"] + [c["id"] for c in CUSTOMERS] + SENDERS
# (sender, category, policy, outcome, frustration, UTC time as stored)
CASES = [
    (0, "dispute_charge", "volume_discount_domestic", "declined_all", 1, datetime(2024, 3, 5, 15, 0)),
    (1, "dispute_charge", "volume_discount_domestic", "goodwill_credit", 0, datetime(2024, 3, 6, 15, 0)),
    # Sunday 10 March, 11 pm in New York: still the first week there, Monday in UTC.
    (2, "report_wrong_item", "wrong_item_company_error", "replacement_overnight", 2, datetime(2024, 3, 11, 3, 0)),
    (0, "dispute_charge", "volume_discount_domestic", "handed_off", 0, datetime(2024, 3, 12, 14, 0)),
    (1, MARKUP, None, "listened", 0, datetime(2024, 3, 13, 14, 0)),
    # Sunday 17 March, 11:30 pm in New York: the last evening of the period.
    (2, "report_wrong_item", "wrong_item_company_error", "handed_off", 3, datetime(2024, 3, 18, 3, 30)),
    # Outside: Sunday 3 March, 11:30 pm in New York (Monday in UTC), and Monday 18 March, 0:30 am.
    (0, "coupon_problem", "coupon_expiry", "declined_all", 3, datetime(2024, 3, 4, 4, 30)),
    (1, "coupon_problem", "coupon_expiry", "declined_all", 3, datetime(2024, 3, 18, 4, 30)),
]
# (sender, reason, desk outcome or None if still open, UTC time opened)
HANDOFFS = [
    (0, "beyond_assistant", "credit", datetime(2024, 3, 12, 14, 0)),
    (2, "strong_frustration", None, datetime(2024, 3, 18, 3, 29)),
    (1, "customer_asked", "resolved", datetime(2024, 3, 7, 16, 0)),
    (1, "customer_asked", "refund", datetime(2024, 3, 1, 16, 0)),  # outside
]
# (sender, rating, UTC time)
RATINGS = [
    (0, 5, datetime(2024, 3, 12, 15, 0)),
    (2, 4, datetime(2024, 3, 14, 15, 0)),
    (1, 2, datetime(2024, 3, 7, 17, 0)),
    (1, 1, datetime(2024, 2, 20, 17, 0)),  # outside
]


async def _seed() -> None:
    records = stores.records()
    moves = []
    for sender, category, policy, outcome, frustration, when in CASES:
        row = await records.log_concern(SENDERS[sender], category, policy, outcome, frustration)
        moves.append((concerns, row, {"created_at": when}))
    desk = DeskStore(settings().records_db_url)
    agent = await desk.add_agent("sam", "Sam Lee", "a long enough password")
    for sender, reason, outcome, when in HANDOFFS:
        summary = {"customer": CUSTOMERS[sender % 2], "what_happened": f"Email me at {CUSTOMERS[sender % 2]['email']}"}
        row = await records.create_handoff(SENDERS[sender], reason, "customer_care", summary)
        if outcome:
            await desk.claim(row, agent)
            await desk.finish(row, agent, outcome)
        moves.append((handoffs, row, {"created_at": when}))
    for sender, rating, when in RATINGS:
        moves.append((ratings, await records.record_rating(SENDERS[sender], rating), {"created_at": when}))
    words = await records.record_feedback(SENDERS[1], f"Call {CUSTOMERS[1]['name']} on {CUSTOMERS[1]['phone']}")
    moves.append((feedback, words, {"created_at": datetime(2024, 3, 8, 12, 0)}))
    backdate(records.engine, moves)
    desk.engine.dispose()


@pytest.fixture
def seeded() -> None:
    asyncio.run(_seed())


def run_report(capsys: pytest.CaptureFixture, out: Path, *args: str) -> str:
    assert main([*args, "--out", str(out)]) == 0
    return capsys.readouterr().out


def table_row(output: str, first: str) -> List[str]:
    """The cells of the terminal table line starting with ``first`` (which may hold spaces)."""
    line = next(line for line in output.splitlines() if line.startswith(first + " "))
    return [first] + line[len(first) :].split()


def test_the_report_counts_the_periods_cases_handoffs_and_ratings_on_the_local_calendar(seeded):
    report = build_report(stores.records().engine, MARCH)

    assert report.by_category == {"dispute_charge": (2, 1), "report_wrong_item": (1, 1), MARKUP: (0, 1)}
    assert report.cases_per_week == (3, 3)
    assert report.policies == (
        PolicyConfusion("wrong_item_company_error", cases=2, confused=2),
        PolicyConfusion("volume_discount_domestic", cases=3, confused=2),
    )
    assert report.handoffs_per_week == (1, 2)
    assert report.handoff_rate == 0.5
    assert report.handoff_reasons == (("beyond_assistant", 1), ("customer_asked", 1), ("strong_frustration", 1))
    assert report.assistant_outcomes == (
        ("handed_off", 2),
        ("declined_all", 1),
        ("goodwill_credit", 1),
        ("listened", 1),
        ("replacement_overnight", 1),
    )
    assert report.desk_outcomes == (("credit", 1), ("resolved", 1), ("still_open", 1))
    assert report.ratings == (0, 1, 0, 1, 1)
    assert report.rating_average == pytest.approx(11 / 3)


def test_the_terminal_shows_the_numbers_with_their_definitions(seeded, capsys, tmp_path):
    output = run_report(capsys, tmp_path / "index.html", *PERIOD_ARGS)

    assert "Mon 4 Mar 2024 to Sun 17 Mar 2024 (2 weeks, America/New_York time)" in output
    assert table_row(output, "category") == ["category", "4", "Mar", "11", "Mar", "total"]
    assert table_row(output, "Bill disputes") == ["Bill disputes", "2", "1", "3"]
    assert table_row(output, "Wrong item received") == ["Wrong item received", "1", "1", "2"]
    assert table_row(output, "all cases") == ["all cases", "3", "3", "6"]
    assert "declined every alternative, was handed to a person, or showed frustration of 2 or more" in output
    assert table_row(output, "wrong_item_company_error") == ["wrong_item_company_error", "2", "2", "100%"]
    assert table_row(output, "volume_discount_domestic") == ["volume_discount_domestic", "3", "2", "67%"]
    assert "Handoff rate: 3 handoffs for 6 cases = 50% (handoffs opened / cases the assistant closed)" in output
    assert table_row(output, "strong frustration, twice") == ["strong frustration, twice", "1", "33%"]
    assert table_row(output, "handed to a person") == ["handed to a person", "2", "33%"]
    assert table_row(output, "not finished yet") == ["not finished yet", "1", "33%"]
    assert "3 ratings, average 3.7 of 5" in output
    assert table_row(output, "4 of 5") == ["4 of 5", "1", "33%"]
    assert table_row(output, "1 of 5") == ["1 of 5", "0", "0%"]


def test_no_customer_contact_or_sender_id_appears_in_the_terminal_or_the_page(seeded, capsys, tmp_path):
    page = tmp_path / "index.html"
    output = run_report(capsys, page, *PERIOD_ARGS)
    html = page.read_text(encoding="utf-8")

    assert "Maya Lopez" in str(asyncio.run(stores.records().rows("handoffs")))  # the secrets were there to leak
    for secret in SECRETS:
        assert secret not in output, secret
        assert secret not in html, secret
    assert "@" not in output and "@" not in html


def test_values_from_the_database_are_escaped_in_the_page(seeded, capsys, tmp_path):
    page = tmp_path / "index.html"
    run_report(capsys, page, *PERIOD_ARGS)
    html = page.read_text(encoding="utf-8")

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html  # nothing loaded from anywhere
    assert html.count('<img src="data:image/png;base64,') == 6


def test_an_empty_database_says_there_is_nothing_to_report_yet(fresh_stores, capsys, tmp_path):
    page = tmp_path / "report" / "index.html"
    output = run_report(capsys, page)
    html = page.read_text(encoding="utf-8")

    assert "Nothing to report yet: no cases, handoffs or ratings in this period." in output
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "Nothing to report yet" in html and "<img" not in html
    assert not (fresh_stores / "gracious.db").exists()  # reading never creates the database

    ensure_schema(stores.records().engine)  # and a database with every table but no rows
    assert "Nothing to report yet" in run_report(capsys, page)


def test_a_database_without_some_tables_still_reports(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}", future=True)
    concerns.create(engine)
    with engine.begin() as conn:
        conn.execute(
            concerns.insert().values(
                sender_id="x",
                category="coupon_problem",
                outcome="listened",
                frustration=0,
                created_at=datetime(2024, 3, 5, 12, 0),
            )
        )

    report = build_report(engine, MARCH)

    assert report.cases == 1 and report.handoffs == 0 and report.ratings == (0, 0, 0, 0, 0)


def test_the_default_period_is_eight_whole_weeks_ending_with_this_one():
    period = period_for(date(2024, 3, 20), "America/New_York")

    assert (period.start, period.end, period.under_way) == (date(2024, 1, 29), date(2024, 3, 25), True)
    assert len(period.weeks) == 8
    assert period_for(date(2024, 3, 20), "UTC", weeks=1).weeks == (date(2024, 3, 18),)


def test_a_period_that_ends_before_it_starts_is_refused(capsys, tmp_path):
    with pytest.raises(PeriodError):
        period_for(date(2024, 3, 20), "UTC", since=date(2024, 3, 10), until=date(2024, 3, 1))
    assert main(["--since", "2024-03-10", "--until", "2024-03-01", "--out", str(tmp_path / "x.html")]) == 2
    assert "ends (2024-03-01) before it starts" in capsys.readouterr().err


def test_the_demo_reports_on_seeded_data_without_touching_the_real_records(fresh_stores, capsys, tmp_path):
    page = tmp_path / "demo" / "index.html"
    output = run_report(capsys, page, "--demo")

    assert "(DEMO DATA)" in output and "Handoff rate:" in output and "average" in output
    assert not (fresh_stores / "gracious.db").exists()
    assert os.environ["GRACIOUS_VAR_DIR"] == str(fresh_stores)
    assert "demo-0" not in output and "@" not in page.read_text(encoding="utf-8")


def _headings(driver) -> Dict[str, List[str]]:
    return {tag: [e.text for e in driver.find_elements(By.TAG_NAME, tag)] for tag in ("h1", "h2")}


def test_the_demo_page_opens_in_chromium_with_every_chart_loaded(capsys, tmp_path):
    page = tmp_path / "index.html"
    run_report(capsys, page, "--demo")
    driver = new_browser(width=1280, height=1500)
    try:
        driver.get(page.as_uri())
        sizes = driver.execute_script("return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
        headings = _headings(driver)
        shot(driver, "report")
    finally:
        driver.quit()

    assert len(sizes) == 6 and all(width > 0 for width in sizes), sizes
    assert headings == {
        "h1": ["What customers complain about"],
        "h2": [
            "Complaints by category over time",
            "Policies that confuse customers most",
            "Handoff rate",
            "Why conversations went to a person",
            "Outcomes",
            "Satisfaction",
        ],
    }
    assert (SHOTS / "report.png").stat().st_size > 10_000


def test_a_broken_chart_would_be_caught_by_the_browser_check(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><h1>x</h1><img src="data:image/png;base64,AAAA">', encoding="utf-8")
    driver = new_browser()
    try:
        driver.get(page.as_uri())
        sizes = driver.execute_script("return Array.from(document.images).map(i => i.naturalWidth)")
    finally:
        driver.quit()

    assert sizes == [0]


def test_a_period_with_handoffs_but_no_closed_cases_still_has_its_charts(capsys, tmp_path):
    async def one_handoff() -> None:
        await stores.records().create_handoff("sender-x", "customer_asked", "customer_care", {})

    asyncio.run(one_handoff())
    page = tmp_path / "index.html"
    output = run_report(capsys, page, "--weeks", "1")
    html = page.read_text(encoding="utf-8")

    assert "Handoff rate: 1 handoff for 0 cases = n/a" in output
    assert table_row(output, "not finished yet") == ["not finished yet", "1", "100%"]
    assert html.count("<img") == 2  # the reasons, and the desk's outcomes
