"""make report: what customers complain about, for managers, from the records database.

Reads the concerns the assistant logs when it closes a case, the handoffs the agent
desk finishes and the satisfaction ratings, for a period of whole weeks
(``studio/report_period.py``), counts them (``studio/report_counts.py``, anonymized
by construction), and prints tables in the terminal (``studio/report_text.py``) and
writes an HTML page with charts (``studio/report_page.py``).

    python -m studio.report [--weeks 8 | --since 2024-03-04] [--until 2024-04-28] [--out DIR/index.html]
    python -m studio.report --demo      # seeded data in a throwaway database, page in results/report-demo/

The labels (catalog/report_labels.yml) are checked first: a mistake there is one line naming it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Optional, Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gracious.settings import ROOT, settings
from studio.report_counts import Report, build_report
from studio.report_labels import ReportLabelsError, labels
from studio.report_period import DEFAULT_WEEKS, PeriodError, period_for

DEFAULT_OUT = ROOT / "results" / "report" / "index.html"
# The demo's page has a folder of its own: a demo run never overwrites the real report.
DEMO_OUT = ROOT / "results" / "report-demo" / "index.html"


def _arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make report", description=__doc__.split("\n\n")[0])
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--weeks", type=int, help=f"whole weeks ending with this one (default {DEFAULT_WEEKS})")
    when.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, help="last day, YYYY-MM-DD (default today)")
    parser.add_argument(
        "--out", type=Path, help=f"the HTML page to write (default {DEFAULT_OUT}, with --demo {DEMO_OUT})"
    )
    parser.add_argument("--demo", action="store_true", help="report on seeded demo data in a temporary database")
    args = parser.parse_args(argv)
    if args.weeks is not None and args.weeks < 1:
        parser.error("--weeks must be 1 or more")
    if args.out is None:
        args.out = DEMO_OUT if args.demo else DEFAULT_OUT
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
    url = settings().records_db_url
    try:
        labels()  # a mistake in the labels file is said before anything is counted
        if args.demo:
            from studio.report_demo import seed_demo

            # The demo's records go in a database of their own: the real ones stay untouched.
            with tempfile.TemporaryDirectory(prefix="gracious-report-demo-") as tmp:
                url = f"sqlite:///{Path(tmp) / 'demo.db'}"
                asyncio.run(seed_demo(url, weeks=args.weeks or DEFAULT_WEEKS))
                _write(url, args)
        else:
            _write(url, args)
    except (PeriodError, ReportLabelsError) as error:
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
