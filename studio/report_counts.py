"""The report's numbers: the period's cases, handoffs and ratings, counted from the records database.

Anonymized by construction: the queries select only categories, policies, outcomes,
reasons, ratings and times, never a sender id, a handoff summary (which holds the
customer's contact details) or feedback text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from gracious import codes
from gracious.stores.records import concerns, handoffs, ratings
from studio.report_period import Period

# A case "confused" the customer when it ended in one of these, or with this much frustration.
CONFUSED_OUTCOMES = (codes.DECLINED_ALL, codes.HANDED_OFF)
CONFUSED_FRUSTRATION = 2
CONFUSION_RULE = (
    "A case counts as confusing when the customer declined every alternative, was handed to "
    f"a person, or showed frustration of {CONFUSED_FRUSTRATION} or more (on the assistant's 0-3 scale)."
)
STILL_OPEN = "still_open"

Counts = Tuple[Tuple[str, int], ...]


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
        return sum(n * k for n, k in zip(range(1, 6), self.ratings, strict=True)) / count if count else None

    @property
    def empty(self) -> bool:
        return not (self.cases or self.handoffs or self.rating_count)


def _select(conn: sa.engine.Connection, table: sa.Table, columns: Sequence[str], period: Period) -> List[sa.engine.Row]:
    """Rows of the period; a table an older database lacks reads as empty."""
    if not sa.inspect(conn).has_table(table.name):
        return []
    start, end = period.utc_bounds()
    query = sa.select(*(table.c[name] for name in columns), table.c.created_at).where(
        table.c.created_at >= start, table.c.created_at < end
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


def _ratings(rows: Sequence[sa.engine.Row]) -> Tuple[int, ...]:
    counts = [0] * 5
    for row in rows:
        if 1 <= row.rating <= 5:
            counts[row.rating - 1] += 1
    return tuple(counts)


def build_report(engine: sa.engine.Engine, period: Period) -> Report:
    """Count the period's cases, handoffs and ratings."""
    with engine.connect() as conn:
        cases = _select(conn, concerns, ["category", "policy_id", "outcome", "frustration"], period)
        opened = _select(conn, handoffs, ["reason", "outcome"], period)
        rated = _select(conn, ratings, ["rating"], period)
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
        ratings=_ratings(rated),
    )
