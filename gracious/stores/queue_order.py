"""The queue's one order: who is helped first. The desk lists cases in it, and a waiting
customer's place is their index in it among the live cases (gracious/stores/handoff_queue.py).

Safety first, then frustration counting double, big money and urgent reasons; oldest first
within a priority, then by id.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Tuple

from gracious import codes

LARGE_AMOUNT = 100


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def priority(reason: str, summary: Dict[str, Any]) -> int:
    """Who should be helped first: safety, then frustration counting double, big money, urgent reasons."""
    score = 2 * int(_number(summary.get("frustration")))
    amounts = summary.get("amounts")
    if isinstance(amounts, dict) and any(_number(v) >= LARGE_AMOUNT for v in amounts.values()):
        score += 1
    if reason in codes.URGENT_REASONS:
        score += 2
    if reason == codes.SAFETY:
        score += 100
    return score


def summary_of(row: Any) -> Dict[str, Any]:
    try:
        found = json.loads(row.summary) if row.summary else {}
    except ValueError:
        found = {}
    return found if isinstance(found, dict) else {}


def key(row: Any) -> Tuple[int, Any, int]:
    """A handoff row's place in the order: highest priority, then oldest, then lowest id."""
    return (-priority(row.reason, summary_of(row)), row.created_at, int(row.id))


def ordered(rows: Iterable[Any]) -> List[Any]:
    """Handoff rows in the queue's order."""
    return sorted(rows, key=key)
