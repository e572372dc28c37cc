"""make report: what customers complain about, for managers, from the records database.

Reads the concerns the assistant logs when it closes a case, the handoffs the agent
desk finishes and the satisfaction ratings, for a period of whole weeks, and prints
tables in the terminal and writes an HTML page with charts (``studio/report_page.py``).

Anonymized by construction: the queries select only categories, policies, outcomes,
reasons, ratings and times, never a sender id, a handoff summary (which holds the
customer's contact details) or feedback text.

    python -m studio.report [--weeks 8 | --since 2024-03-04] [--until 2024-04-28] [--out DIR/index.html]
    python -m studio.report --demo      # seeded data in a throwaway database
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gracious.settings import ROOT, settings
from gracious.stores.records import concerns, feedback, handoffs, ratings

DEFAULT_WEEKS = 8
DEFAULT_OUT = ROOT / "results" / "report" / "index.html"
# A case "confused" the customer when it ended in one of these, or with this much frustration.
CONFUSED_OUTCOMES = ("declined_all", "handed_off")
CONFUSED_FRUSTRATION = 2
CONFUSION_RULE = (
    "A case counts as confusing when the customer declined every alternative, was handed to "
    f"a person, or showed frustration of {CONFUSED_FRUSTRATION} or more (on the assistant's 0-3 scale)."
)
# Ratings written as feedback text before the ratings table existed.
LEGACY_RATING = re.compile(r"Satisfaction rating: ([1-5]) of 5")
STILL_OPEN = "still_open"


class PeriodError(ValueError):
    """A period that ends before it starts."""

Counts = Tuple[Tuple[str, int], ...]


@dataclass(frozen=True)
class Period:
    """Whole weeks of the business's local calendar: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date
    zone: str
    # The last week is this week, still under way: its numbers will grow.
    under_way: bool = False

    @property
    def weeks(self) -> Tuple[date, ...]:
        """The first day of each week (weeks start on ``start``'s weekday)."""
        count = max(1, -(-(self.end - self.start).days // 7))
        return tuple(self.start + timedelta(weeks=i) for i in range(count))

    def utc_bounds(self) -> Tuple[datetime, datetime]:
        """The period in UTC without an offset, as the records database stores times."""
        tz = ZoneInfo(self.zone)
        return tuple(  # type: ignore[return-value]
            datetime.combine(day, time(), tz).astimezone(timezone.utc).replace(tzinfo=None)
            for day in (self.start, self.end)
        )

    def week_of(self, stored: datetime) -> int:
        """Which week (index into ``weeks``) a stored UTC time falls in, on the local calendar."""
        local = stored.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(self.zone)).date()
        return (local - self.start).days // 7


def period_for(today: date, zone: str, weeks: Optional[int] = None,
               since: Optional[date] = None, until: Optional[date] = None) -> Period:
    """The default period: ``weeks`` whole weeks, Monday to Sunday, ending with this week."""
    last = until or today
    if since is None:
        monday = last - timedelta(days=last.weekday())
        since = monday - timedelta(weeks=(weeks or DEFAULT_WEEKS) - 1)
        end = monday + timedelta(weeks=1)
    else:
        end = last + timedelta(days=1)
    if end <= since:
        raise PeriodError(f"The period ends ({last}) before it starts ({since}).")
    return Period(start=since, end=end, zone=zone, under_way=end > today + timedelta(days=1))


@dataclass(frozen=True)
class PolicyConfusion:
    """One policy's cases and how many of them confused the customer."""

    policy_id: str
    cases: int
    confused: int

    @property
    def share(self) -> float:
        return self.confused / self.cases


@dataclass(frozen=True)
class Report:
    """Everything the terminal tables and the HTML page show, already counted."""

    period: Period
    by_category: Dict[str, Tuple[int, ...]]  # category -> cases per week, biggest total first
    cases_per_week: Tuple[int, ...]
    policies: Tuple[PolicyConfusion, ...]  # most confused cases first
    handoffs_per_week: Tuple[int, ...]
    handoff_reasons: Counts
    assistant_outcomes: Counts
    desk_outcomes: Counts  # STILL_OPEN for handoffs nobody has finished
    ratings: Tuple[int, ...]  # how many of each rating, 1 to 5

    @property
    def cases(self) -> int:
        return sum(self.cases_per_week)

    @property
    def handoffs(self) -> int:
        return sum(self.handoffs_per_week)

    @property
    def handoff_rate(self) -> Optional[float]:
        """Handoffs opened per case the assistant closed; None without cases."""
        return self.handoffs / self.cases if self.cases else None

    @property
    def rating_count(self) -> int:
        return sum(self.ratings)

    @property
    def rating_average(self) -> Optional[float]:
        count = self.rating_count
        return sum(n * k for n, k in zip(range(1, 6), self.ratings)) / count if count else None

    @property
    def empty(self) -> bool:
        return not (self.cases or self.handoffs or self.rating_count)


def _select(conn: sa.engine.Connection, table: sa.Table, columns: Sequence[str], period: Period,
            *where: sa.sql.ColumnElement) -> List[sa.engine.Row]:
    """Rows of the period; a table an older database lacks reads as empty."""
    if not sa.inspect(conn).has_table(table.name):
        return []
    start, end = period.utc_bounds()
    query = sa.select(*(table.c[name] for name in columns), table.c.created_at).where(
        table.c.created_at >= start, table.c.created_at < end, *where
    )
    return list(conn.execute(query))


def _most_common(counter: Counter) -> Counts:
    # Ties in name order, so the same data always reads the same.
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))))


def _per_week(period: Period, rows: Sequence[sa.engine.Row]) -> List[int]:
    counts = [0] * len(period.weeks)
    for row in rows:
        counts[period.week_of(row.created_at)] += 1
    return counts


def _policies(rows: Sequence[sa.engine.Row]) -> Tuple[PolicyConfusion, ...]:
    cases: Counter = Counter()
    confused: Counter = Counter()
    for row in rows:
        if row.policy_id:
            cases[row.policy_id] += 1
            confused[row.policy_id] += (
                row.outcome in CONFUSED_OUTCOMES or (row.frustration or 0) >= CONFUSED_FRUSTRATION
            )
    found = [PolicyConfusion(policy, n, confused[policy]) for policy, n in cases.items()]
    # Most confused cases first: that is where a clearer policy or response helps most people.
    return tuple(sorted(found, key=lambda p: (-p.confused, -p.share, p.policy_id)))


def _ratings(conn: sa.engine.Connection, period: Period) -> Tuple[int, ...]:
    counts = [0] * 5
    for row in _select(conn, ratings, ["rating"], period):
        if 1 <= row.rating <= 5:
            counts[row.rating - 1] += 1
    legacy = _select(conn, feedback, ["text"], period, feedback.c.text.like("Satisfaction rating: %"))
    for row in legacy:
        match = LEGACY_RATING.fullmatch(row.text)
        if match:
            counts[int(match.group(1)) - 1] += 1
    return tuple(counts)


def build_report(engine: sa.engine.Engine, period: Period) -> Report:
    """Count the period's cases, handoffs and ratings."""
    with engine.connect() as conn:
        cases = _select(conn, concerns, ["category", "policy_id", "outcome", "frustration"], period)
        opened = _select(conn, handoffs, ["reason", "outcome"], period)
        rating_counts = _ratings(conn, period)
    by_category: Dict[str, List[int]] = {}
    for row in cases:
        by_category.setdefault(row.category, [0] * len(period.weeks))[period.week_of(row.created_at)] += 1
    ordered = sorted(by_category.items(), key=lambda item: (-sum(item[1]), item[0]))
    return Report(
        period=period,
        by_category={category: tuple(weeks) for category, weeks in ordered},
        cases_per_week=tuple(_per_week(period, cases)),
        policies=_policies(cases),
        handoffs_per_week=tuple(_per_week(period, opened)),
        handoff_reasons=_most_common(Counter(row.reason for row in opened)),
        assistant_outcomes=_most_common(Counter(row.outcome for row in cases)),
        desk_outcomes=_most_common(Counter(row.outcome or STILL_OPEN for row in opened)),
        ratings=rating_counts,
    )


@contextmanager
def _throwaway_var_dir() -> Iterator[str]:
    """Point the settings at a temporary var/ for --demo, and back again afterwards.

    Reading the settings creates the var/ directory they name, so the demo must
    change where it is before anything reads them; the real records stay untouched.
    """
    names = ("GRACIOUS_VAR_DIR", "GRACIOUS_RECORDS_DB_URL")
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="gracious-report-demo-") as tmp:
        os.environ["GRACIOUS_VAR_DIR"] = tmp
        os.environ.pop("GRACIOUS_RECORDS_DB_URL", None)
        settings.cache_clear()
        try:
            yield tmp
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            settings.cache_clear()


def _arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make report", description=__doc__.split("\n\n")[0])
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--weeks", type=int, help=f"whole weeks ending with this one (default {DEFAULT_WEEKS})")
    when.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, help="last day, YYYY-MM-DD (default today)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the HTML page to write")
    parser.add_argument("--demo", action="store_true", help="report on seeded demo data in a temporary database")
    args = parser.parse_args(argv)
    if args.weeks is not None and args.weeks < 1:
        parser.error("--weeks must be 1 or more")
    return args


def _readable(url: str) -> str:
    """The URL to read; an empty in-memory database for a SQLite file that doesn't exist yet.

    Connecting would create the file, and a report should never create the database it
    reads: no file simply means nothing has been logged yet.
    """
    parsed = sa.engine.make_url(url)
    missing = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    return "sqlite://" if missing and not Path(parsed.database).exists() else url


def _write(url: str, args: argparse.Namespace) -> Report:
    """Count the period's records at ``url``, print the tables and write the page."""
    from studio.report_page import policy_rules, render_html
    from studio.report_text import render_text

    config = settings()
    today = datetime.now(ZoneInfo(config.timezone)).date()
    period = period_for(today, config.timezone, weeks=args.weeks, since=args.since, until=args.until)
    engine = sa.create_engine(_readable(url), future=True)
    try:
        report = build_report(engine, period)
    finally:
        engine.dispose()
    print(render_text(report, demo=args.demo))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(report, demo=args.demo, rules=policy_rules(config.catalog_path))
    args.out.write_text(page, encoding="utf-8")
    print(f"\nThe report with charts: {args.out}")
    return report


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the report and write the HTML page; 0 on success, also when there is nothing yet."""
    args = _arguments(argv)
    url = ""
    try:
        if args.demo:
            from studio.report_demo import seed_demo

            with _throwaway_var_dir():
                url = settings().records_db_url
                asyncio.run(seed_demo(url, weeks=args.weeks or DEFAULT_WEEKS))
                _write(url, args)
        else:
            url = settings().records_db_url
            _write(url, args)
    except PeriodError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        # The class only: the message can quote the URL, password and all.
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
        print(f"error: can't read the records database {shown}: {error.__class__.__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
