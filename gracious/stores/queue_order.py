"""The queue's one order: who is helped first. The desk lists cases in it, and a waiting
customer's place is their index in it among the live cases (gracious/stores/handoff_queue.py).

Safety first, then frustration counting double, big money and urgent reasons; oldest first
within a priority, then by id. A customer the queue let go (went away) who asks back in within
three times GRACIOUS_QUEUE_LEFT_SECONDS is ordered from their first handoff (``first_queued``, kept in
the new handoff's summary as ``queued_since``); the new handoff's created_at is the moment they came back.
"""

from __future__ import annotations

import json
from datetime import datetime
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


# A comeback's first handoff time, kept in its summary (handoff_queue.open_handoff): its created_at stays
# the moment it came back, so the hour's handoff count and the wait limit count from then.
QUEUED_SINCE = "queued_since"


def since(row: Any) -> Any:
    """When the handoff queued, for the order: a comeback's first handoff time, else its created_at."""
    kept = summary_of(row).get(QUEUED_SINCE)
    if kept and row.created_at is not None:
        try:
            found = datetime.fromisoformat(str(kept))
        except ValueError:
            return row.created_at
        # Like the created_at beside it (both naive or both with an offset), and never later than it.
        if (found.tzinfo is None) == (row.created_at.tzinfo is None):
            return min(found, row.created_at)
    return row.created_at


def key(row: Any) -> Tuple[int, Any, int]:
    """A handoff row's place in the order: highest priority, then oldest (from ``since``), then lowest id."""
    return (-priority(row.reason, summary_of(row)), since(row), int(row.id))


def came_back(row: Any) -> bool:
    """A comeback's handoff: ordered from the first handoff of the conversation, not from its own."""
    return since(row) != row.created_at


def comeback_ahead(ahead: List[Any], row: Any) -> bool:
    """Someone back in the line went ahead of ``row`` since it queued (of the rows ``ahead`` of it): a move
    down said as that, never as someone more urgent."""
    return any(came_back(other) and other.created_at > row.created_at for other in ahead)


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
        sa.select(handoffs.c.created_at, handoffs.c.finished_at, handoffs.c.left_reason, handoffs.c.summary)
        .where(handoffs.c.sender_id == sender_id)
        .order_by(handoffs.c.id.desc())
        .limit(1)
    ).first()
    if row is None or row.left_reason != WENT_AWAY or not back_in_time(row.finished_at, now):
        return None
    return since(row)  # back twice: still from the first time


def keep_since(conn: Any, sender_id: str, now: Any, summary: Dict[str, Any], open_row: Any) -> Dict[str, Any]:
    """The handoff's summary to write: with a comeback's first handoff time (``QUEUED_SINCE``), kept from
    the open handoff it joins, or for a new one found by ``first_queued``."""
    if open_row is not None:
        first = summary_of(open_row).get(QUEUED_SINCE)
    else:
        found = first_queued(conn, sender_id, now)
        first = found.isoformat() if found is not None else None
    return dict(summary, **{QUEUED_SINCE: first}) if first else dict(summary)
