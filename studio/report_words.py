"""The report's words for what the records store as codes, shared by the terminal and the page.

Managers read "Bill disputes", not ``dispute_charge``. A code without a label here
(a new intent, say) is shown as it is, so nothing is ever dropped from the report.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, List, Optional, Sequence, Tuple

from gracious import codes

CATEGORIES = {
    "dispute_charge": "Bill disputes",
    "report_wrong_item": "Wrong item received",
    "check_order_status": "Where is my order",
    "complain_no_response": "Nobody got back to me",
    "complain_service": "Service complaints",
    "request_refund": "Refund requests",
    "coupon_problem": "Coupon problems",
    "request_executive": "Asked for the CEO",
    "demand_compensation": "Compensation demands",
    "request_callback": "Callback requests",
}
# The reasons and outcomes, with their words, are the code list's (gracious/codes.py).
ASSISTANT_OUTCOMES = codes.ASSISTANT_OUTCOMES
DESK_OUTCOMES = {**codes.DESK_OUTCOMES, "still_open": "not finished yet"}
REASONS = codes.HANDOFF_REASONS


def category(code: str) -> str:
    return CATEGORIES.get(code, code)


def assistant_outcome(code: str) -> str:
    # Any other outcome is the alternative the customer took, by its catalog id.
    return ASSISTANT_OUTCOMES.get(code) or f"took: {code.replace('_', ' ')}"


def desk_outcome(code: str) -> str:
    return DESK_OUTCOMES.get(code, code)


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
