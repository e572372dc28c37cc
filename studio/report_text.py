"""The manager's report as plain-text tables for the terminal."""

from __future__ import annotations

from datetime import timedelta
from typing import List, Sequence

from studio import report_words as words
from studio.report_counts import CONFUSION_RULE, Report
from studio.report_period import Period

NOTHING_YET = "Nothing to report yet: no cases, handoffs or ratings in this period."


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to fit; the first column left-aligned, numbers right-aligned."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: List[str]) -> str:
        first = row[0].ljust(widths[0])
        return "  ".join([first] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


def describe_period(period: Period) -> str:
    last = period.end - timedelta(days=1)
    weeks = len(period.weeks)
    return (
        f"{words.day(period.start)} to {words.day(last)} "
        f"({weeks} week{'s' if weeks != 1 else ''}, {period.zone} time"
        f"{'; the last week is still under way' if period.under_way else ''})"
    )


def _categories(report: Report) -> str:
    headers = ["category"] + [words.week(w) for w in report.period.weeks] + ["total"]
    rows = [[words.category(c)] + list(weeks) + [sum(weeks)] for c, weeks in report.by_category.items()]
    rows.append(["all cases"] + list(report.cases_per_week) + [report.cases])
    return "Cases by category, per week (columns: the week starting on that day)\n" + table(headers, rows)


def _policies(report: Report) -> str:
    rows = [[p.policy_id, p.cases, p.confused, words.percent(p.share)] for p in report.policies]
    body = table(["policy", "cases", "confusing", "share"], rows) if rows else "No case reached a policy."
    return f"Policies that confuse customers most\n{CONFUSION_RULE}\n{body}"


def _handoffs(report: Report) -> str:
    rate = (
        f"Handoff rate: {words.count(report.handoffs, 'handoff')} for {words.count(report.cases, 'case')}"
        f" = {words.percent(report.handoff_rate)}"
        " (handoffs opened / cases the assistant closed)"
    )
    if not report.handoffs:
        return f"Handoffs\n{rate}"
    reasons = table(
        ["reason", "handoffs", "share"], words.shares(report.handoff_reasons, report.handoffs, words.reason)
    )
    return f"Handoffs\n{rate}\n{reasons}"


def _outcomes(report: Report) -> str:
    parts = ["Outcomes"]
    if report.cases:
        rows = words.shares(report.assistant_outcomes, report.cases, words.assistant_outcome)
        parts.append(table(["how the assistant's cases ended", "cases", "share"], rows))
    if report.handoffs:
        rows = words.shares(report.desk_outcomes, report.handoffs, words.desk_outcome)
        parts.append(table(["how the desk finished handoffs", "handoffs", "share"], rows))
    return "\n".join(parts)


def _satisfaction(report: Report) -> str:
    count = report.rating_count
    if not count:
        return "Satisfaction\nNo ratings in this period."
    rows = [
        [f"{n} of 5", k, words.percent(k / count)]
        for n, k in zip(range(5, 0, -1), reversed(report.ratings), strict=True)
    ]
    summary = f"{words.count(count, 'rating')}, average {report.rating_average:.1f} of 5"
    return f"Satisfaction\n{summary}\n" + table(["rating", "ratings", "share"], rows)


def render_text(report: Report, demo: bool = False) -> str:
    """The whole report as text; a short "nothing to report yet" when the period is empty."""
    title = "Gracious: what customers complain about" + (" (DEMO DATA)" if demo else "")
    head = f"{title}\n{describe_period(report.period)}"
    if report.empty:
        return f"{head}\n\n{NOTHING_YET}"
    sections = [_categories(report), _policies(report), _handoffs(report), _outcomes(report), _satisfaction(report)]
    return "\n\n".join([head] + sections)
