"""The desk's History: finished cases searchable by customer, reference, words or agent, and satisfaction.

A case is history once it left the queue: finished by an agent, or (without an
agent) left, cancelled or turned into a callback. An agent sees the cases they
finished and those that left the queue (someone follows them up); a lead sees every
case (queue.visible_to's rule for finished cases). ``why_left`` lists those that left
(the newest, for the desk's Left the queue view, or some by id).
The customer's name, email and phone are searched only when they were verified
(queue.card): a stranger who typed someone's order number is never found by the
owner's name. Satisfaction is the one-question rating asked after an agent
closed a case (the records' ``ratings`` with its ``handoff_id``). The functions
taking ``conn`` run inside one of the desk store's transactions.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa

from gracious import codes
from gracious.stores import clock, handoff_queue
from gracious.stores.records import handoffs, ratings
from server.desk.agents import Agent
from server.desk.queue import card
from server.desk.readable import case_words, customer_label, reason_words, trimmed
from server.desk.shared import iso
from server.desk.tables import agents, handoff_first_replies

PAGE = 50
# A search by words reads the matching cases' rows this many at a time, newest first, through all of them.
BATCH = 500
WINDOWS = (7, 30)
STILL_OPEN = ("waiting", "claimed")
# How a case that left the queue without an agent's outcome is said: status "left", and why
# (``left_reason``, gracious/stores/handoff_queue.py).
STATUS_WORDS = {"left": "left the queue", "finished": "finished"}
LEFT_REASON_WORDS = {
    handoff_queue.CALLBACK_BOOKED: "booked a callback",
    handoff_queue.CANCELLED: "cancelled",
    handoff_queue.WENT_AWAY: "went away",
    handoff_queue.EMAIL_INSTEAD: "chose an email instead",
    "declined_call": "did not book the call offered",  # handoff_queue.DECLINED_CALL
}
LEFT_WORDS = {reason: f"left the queue: {said}" for reason, said in LEFT_REASON_WORDS.items()}
# The outcomes the History page offers to filter by.
KNOWN_OUTCOMES = (*codes.DESK_OUTCOMES, "left")
PHONE_LIKE = re.compile(r"^[+\d\s().-]*\d{3}[\d\s().-]*$")


def closed() -> Any:
    """Handoffs no longer in the queue."""
    return sa.or_(handoffs.c.finished_at.isnot(None), handoffs.c.status.notin_(STILL_OPEN))


def display_names(conn: sa.engine.Connection) -> Dict[str, str]:
    return {row.name: row.display_name for row in conn.execute(sa.select(agents.c.name, agents.c.display_name))}


def outcome_of(row: Any) -> str:
    return str(row.outcome or row.status or "")


def left_words(left_reason: Optional[str]) -> str:
    """Why a customer left the queue, in words: "booked a callback"; "" without a reason."""
    return LEFT_REASON_WORDS.get(left_reason or "") or (left_reason or "").replace("_", " ")


def outcome_words(code: str, left_reason: Optional[str] = None) -> str:
    if code == "left" and left_reason:
        return f"left the queue: {left_words(left_reason)}"
    return codes.DESK_OUTCOMES.get(code) or STATUS_WORDS.get(code) or code.replace("_", " ")


def _customer(summary: Dict[str, Any]) -> Dict[str, Any]:
    customer = summary.get("customer")
    return customer if isinstance(customer, dict) else {}


def _haystack(row: Any, summary: Dict[str, Any], names: Dict[str, str]) -> str:
    customer = _customer(summary)  # empty unless verified (card)
    parts: List[Any] = [
        f"#{row.id}",
        customer.get("name"),
        customer.get("email"),
        customer.get("phone"),
        re.sub(r"\D", "", str(customer.get("phone") or "")),
        summary.get("reference"),
        summary.get("what_happened"),
        summary.get("case_type"),
        row.reason,
        reason_words(row.reason),
        case_words(summary.get("case_type")),
        row.agent,
        names.get(row.agent or ""),
    ]
    return " ".join(str(part) for part in parts if part).lower()


def matches(haystack: str, words: Iterable[str]) -> bool:
    """Every word is in the haystack; a phone-like word by its digits."""
    for word in words:
        if word in haystack:
            continue
        digits = re.sub(r"\D", "", word)
        if PHONE_LIKE.match(word) and len(digits) >= 3 and digits in haystack:
            continue
        return False
    return True


def why_left(conn: sa.engine.Connection, handoff_ids: Optional[List[int]] = None) -> List[Dict[str, Any]]:
    """The cases that left the queue without an agent, newest first: these ``handoff_ids`` (the desk's
    events say why each went), or the newest ``PAGE`` (the Left the queue view). Each says why in words
    ("booked a callback"), when, and who it is as the queue's card does."""
    query = sa.select(handoffs).where(handoffs.c.status == "left")
    query = query.where(handoffs.c.id.in_(handoff_ids)) if handoff_ids is not None else query
    rows = conn.execute(query.order_by(handoffs.c.finished_at.desc(), handoffs.c.id.desc()).limit(PAGE)).all()
    return [_left(row, _card(row)) for row in rows]


def _left(row: Any, summary: Dict[str, Any]) -> Dict[str, Any]:
    said = [str(m) for m in summary.get("last_messages") or [] if m]
    return {
        "id": row.id,
        "left_reason": row.left_reason,
        "left_words": left_words(row.left_reason),
        "left_at": iso(row.finished_at),
        "created_at": iso(row.created_at),
        "label": customer_label(summary, row.id),
        "topic": case_words(summary.get("case_type")),
        "reason_words": reason_words(row.reason),
        "reference": summary.get("reference"),
        "last_message": trimmed(said[-1]) if said else "",
    }


def rating_of(conn: sa.engine.Connection, handoff_id: int) -> Optional[int]:
    """The customer's rating of this case (1 to 5), or None before they rated it."""
    found = conn.execute(
        sa.select(ratings.c.rating).where(ratings.c.handoff_id == handoff_id).order_by(ratings.c.id).limit(1)
    ).scalar()
    return int(found) if found is not None else None


def _by_handoff(conn: sa.engine.Connection, column: Any, value: Any, ids: List[int]) -> Dict[int, Any]:
    if not ids:
        return {}
    return {row[0]: row[1] for row in conn.execute(sa.select(column, value).where(column.in_(ids)))}


def search(
    conn: sa.engine.Connection,
    agent: Agent,
    query: str = "",
    agent_name: str = "",
    outcome: str = "",
    offset: int = 0,
) -> Dict[str, Any]:
    """The cases this agent may see that match, newest first, ``PAGE`` at a time from ``offset``."""
    when = sa.func.coalesce(handoffs.c.finished_at, handoffs.c.updated_at, handoffs.c.created_at)
    select = sa.select(handoffs, when.label("ended_at")).where(closed())
    if not agent.lead:  # queue.visible_to: their own, and those that left the queue without an agent
        select = select.where(sa.or_(handoffs.c.agent == agent.name, handoffs.c.status == "left"))
    if agent_name:
        select = select.where(handoffs.c.agent == agent_name)
    if outcome:
        select = select.where(
            sa.or_(handoffs.c.outcome == outcome, sa.and_(handoffs.c.outcome.is_(None), handoffs.c.status == outcome))
        )
    names = display_names(conn)
    words = (query or "").lower().split()[:10]
    ordered = select.order_by(when.desc(), handoffs.c.id.desc())
    if words:  # the words are matched in the cards' words (_haystack): every case is read, BATCH at a time
        total, page = _matching(conn, ordered, words, names, offset)
    else:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(select.subquery())).scalar() or 0)
        page = [(row, _card(row)) for row in conn.execute(ordered.limit(PAGE).offset(offset))]
    ids = [row.id for row, _ in page]
    rated = _by_handoff(conn, ratings.c.handoff_id, ratings.c.rating, ids)
    first = _by_handoff(conn, handoff_first_replies.c.handoff_id, handoff_first_replies.c.created_at, ids)
    return {
        "results": [_row(row, summary, names, rated.get(row.id), first.get(row.id)) for row, summary in page],
        "total": total,
        "offset": offset,
        "next_offset": offset + PAGE if total > offset + PAGE else None,
    }


def _card(row: Any) -> Dict[str, Any]:
    return card(json.loads(row.summary) if row.summary else {})


def _matching(
    conn: sa.engine.Connection, ordered: Any, words: List[str], names: Dict[str, str], offset: int
) -> Tuple[int, List[Tuple[Any, Dict[str, Any]]]]:
    """How many cases match ``words``, and those of the page from ``offset`` (row, card)."""
    total, page = 0, []
    for row in conn.execute(ordered).yield_per(BATCH):
        summary = _card(row)
        if matches(_haystack(row, summary, names), words):
            if offset <= total < offset + PAGE:
                page.append((row, summary))
            total += 1
    return total, page


def _row(
    row: Any, summary: Dict[str, Any], names: Dict[str, str], rating: Optional[int], first: Optional[datetime]
) -> Dict[str, Any]:
    code = outcome_of(row)
    return {
        "id": row.id,
        "when": iso(row.ended_at),
        "created_at": iso(row.created_at),
        "customer": customer_label(summary, row.id),  # the name only when verified, as the queue's cards
        "verified": summary.get("verified") is True,
        "reference": summary.get("reference"),
        "reason": row.reason,
        "reason_words": reason_words(row.reason),
        "topic": case_words(summary.get("case_type")),
        "outcome": code,
        "outcome_words": outcome_words(code, row.left_reason),
        "agent": row.agent,
        "agent_name": names.get(row.agent or "", row.agent),
        "rating": rating,
        "first_reply_seconds": max(0, int((first - row.created_at).total_seconds())) if first else None,
    }


def _figures(values: List[int]) -> Dict[str, Any]:
    distribution = {str(star): values.count(star) for star in range(1, 6)}
    average = round(sum(values) / len(values), 2) if values else None
    return {"count": len(values), "average": average, "distribution": distribution}


def satisfaction(conn: sa.engine.Connection, agent: Agent) -> Dict[str, Any]:
    """Ratings per agent over the last 7 and 30 days: a lead sees every agent, an agent themselves
    and the team's figures."""
    now = clock.now()
    names = display_names(conn)
    shown = sorted(names, key=lambda name: names[name].lower()) if agent.lead else [agent.name]
    windows = []
    for days in WINDOWS:
        rows = conn.execute(
            sa.select(handoffs.c.agent, ratings.c.rating)
            .select_from(ratings.join(handoffs, handoffs.c.id == ratings.c.handoff_id))
            .where(ratings.c.created_at >= now - timedelta(days=days), handoffs.c.agent.isnot(None))
        ).all()
        per_agent: Dict[str, List[int]] = {}
        for name, rating in rows:
            per_agent.setdefault(name, []).append(int(rating))
        windows.append(
            {
                "days": days,
                "agents": [
                    {"agent": name, "display_name": names.get(name, name), **_figures(per_agent.get(name, []))}
                    for name in shown
                ],
                "team": _figures([int(rating) for _, rating in rows]),
            }
        )
    return {"windows": windows, "lead": agent.lead}
