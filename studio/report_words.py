"""The report's words for what the records store as codes, shared by the terminal and the page.

Managers read "Bill disputes", not ``dispute_charge``: the words are in
catalog/report_labels.yml (studio/report_labels.py reads them). A code without a label
(a new intent, say) is shown as it is, so nothing is ever dropped from the report.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, List, Optional, Sequence, Tuple

from gracious import codes
from studio.report_labels import labels

# The reasons and outcomes, with their words, are the code list's (gracious/codes.py); the
# kinds of case and the report's own words are data (catalog/report_labels.yml).
ASSISTANT_OUTCOMES = codes.ASSISTANT_OUTCOMES
REASONS = codes.HANDOFF_REASONS


def category(code: str) -> str:
    return labels().categories.get(code, code)


def assistant_outcome(code: str) -> str:
    # Any other outcome is the alternative the customer took, by its catalog id.
    return ASSISTANT_OUTCOMES.get(code) or labels().took.replace("{alternative}", code.replace("_", " "))


def desk_outcome(code: str) -> str:
    return {**codes.DESK_OUTCOMES, **labels().desk_outcomes}.get(code, code)


def reason(code: str) -> str:
    return REASONS.get(code, code)


def percent(share: Optional[float]) -> str:
    return "n/a" if share is None else f"{100 * share:.0f}%"


def week(day: date) -> str:
    """A week's column heading: its first day, "4 Mar"."""
    return f"{day.day} {day:%b}"


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def count(number: int, thing: str) -> str:
    """ "1 handoff", "3 handoffs"."""
    return f"{number} {thing}{'' if number == 1 else 's'}"


def shares(counts: Sequence[Tuple[str, int]], total: int, label: Callable[[str], str]) -> List[List[object]]:
    """Table rows of (what, how many, share of ``total``), each code in words."""
    return [[label(code), n, percent(n / total)] for code, n in counts]
