"""The queue's one order: who is helped first. The desk lists cases in it, and a waiting
customer's place is their index in it among the live cases (gracious/stores/handoff_queue.py).

Safety first, then frustration counting double, big money and urgent reasons; oldest first
within a priority, then by id. A customer the queue let go (went away) who asks back in within
three times GRACIOUS_QUEUE_LEFT_SECONDS is ordered from their first handoff (``first_queued``).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Tuple

from gracious import codes

LARGE_AMOUNT = 100
# Why the queue let a customer go (gracious/stores/handoff_queue.WENT_AWAY).
WENT_AWAY = "went_away"


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


# A customer the queue let go (``went_away``: no widget, no message for GRACIOUS_QUEUE_LEFT_SECONDS) who
# asks back in within this many times that time has the place they had: ordered by their first handoff.
COMEBACK_TIMES = 3


def comeback_seconds() -> float:
    from gracious.settings import settings

    return COMEBACK_TIMES * settings().queue_left_seconds


def back_in_time(finished_at: Any, now: Any) -> bool:
    """Whether a customer let go at ``finished_at`` is back soon enough to have their old place."""
    window = comeback_seconds()
    try:
        return finished_at is not None and window > 0 and (now - finished_at).total_seconds() <= window
    except TypeError:  # a moment with an offset beside one without
        return False


def first_queued(conn: Any, sender_id: str, now: Any) -> Optional[Any]:
    """When the conversation first queued, for a customer the queue let go who is back in time (their
    handoff ordered from then, not from now); None otherwise."""
    import sqlalchemy as sa

    from gracious.stores.records import handoffs

    row = conn.execute(
        sa.select(handoffs.c.created_at, handoffs.c.finished_at, handoffs.c.left_reason)
        .where(handoffs.c.sender_id == sender_id)
        .order_by(handoffs.c.id.desc())
        .limit(1)
    ).first()
    if row is None or row.left_reason != WENT_AWAY or not back_in_time(row.finished_at, now):
        return None
    return row.created_at
