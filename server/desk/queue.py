"""The handoffs agents work: the queue in order of priority, and claim, transfer, note, finish.

The functions taking ``conn`` run inside one of the desk store's transactions
(server/desk/store.py). The reasons and outcomes are the code list's
(gracious/codes.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from gracious import codes
from gracious.outbox import promises
from gracious.stores import clock, queue_order
from gracious.stores.base import add_row
from gracious.stores.callback_changes import stamp
from gracious.stores.queue_order import priority
from gracious.stores.records import handoffs, outbox
from server.desk import presence
from server.desk.agents import Agent
from server.desk.tables import agents, handoff_notes

__all__ = ["priority"]  # the queue's order (gracious/stores/queue_order.py), also the customer's place
OUTCOMES = tuple(codes.DESK_OUTCOMES)
MAX_NOTE_LENGTH = 2000


def _iso(moment: Optional[datetime]) -> Optional[str]:
    # With the offset, so browsers and fromisoformat both read it as UTC, not local time.
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def card(summary: Any) -> Dict[str, Any]:
    """The summary as the desk shows it: the customer's details only when they were verified.

    A stranger who typed someone's order number is never labelled with the owner's
    name, email or phone, also on handoffs written before the summary said ``verified``.
    """
    summary = dict(summary) if isinstance(summary, dict) else {}
    if summary.get("verified") is not True and "customer" in summary:
        summary["customer"] = {}
    return summary


def visible_to(handoff: Dict[str, Any], agent: Agent) -> bool:
    """Whether the agent may read or annotate the handoff: a lead any; an agent one still
    in the queue (not finished), one that left it without an agent (someone follows it up:
    read only, since only a case in the queue can be claimed), or one they hold or finished."""
    left = handoff.get("status") == "left"
    return agent.lead or left or handoff.get("finished_at") is None or handoff.get("agent") == agent.name


def _entry(row: Any, now: datetime) -> Dict[str, Any]:
    summary = card(json.loads(row.summary) if row.summary else {})
    return {
        "id": row.id,
        "sender_id": row.sender_id,
        "reason": row.reason,
        "team": row.team,
        "status": row.status,
        "agent": row.agent,
        "created_at": _iso(row.created_at),
        "waiting_seconds": max(0, int((now - row.created_at).total_seconds())),
        "summary": summary,
        "priority": priority(row.reason, summary),
    }


def _held_by(handoff_id: int, name: str) -> Any:
    """The handoff, if this agent holds it: claimed and not yet finished."""
    return sa.and_(
        handoffs.c.id == handoff_id,
        handoffs.c.agent == name,
        handoffs.c.status == "claimed",
        handoffs.c.finished_at.is_(None),
    )


def waiting(conn: sa.engine.Connection) -> List[Dict[str, Any]]:
    """Unfinished handoffs, highest priority first, oldest first within a priority."""
    now = clock.now()
    rows = conn.execute(sa.select(handoffs).where(handoffs.c.finished_at.is_(None)))
    # The one order, which a waiting customer's place follows too (gracious/stores/queue_order.py).
    return [_entry(row, now) for row in queue_order.ordered(rows)]


def handoff(conn: sa.engine.Connection, handoff_id: int) -> Optional[Dict[str, Any]]:
    """One handoff as in the queue, plus its outcome, when it finished and its notes."""
    row = conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
    if row is None:
        return None
    notes = conn.execute(
        sa.select(handoff_notes)
        .where(handoff_notes.c.handoff_id == handoff_id)
        .order_by(handoff_notes.c.created_at, handoff_notes.c.id)
    )
    return {
        **_entry(row, clock.now()),
        "outcome": row.outcome,
        "finished_at": _iso(row.finished_at),
        # Why the customer left the queue (status "left"; gracious/stores/handoff_queue.py), else None.
        "left_reason": row.left_reason,
        "notes": [{"agent": n.agent, "text": n.text, "created_at": _iso(n.created_at)} for n in notes],
    }


def for_sender(conn: sa.engine.Connection, sender_id: str) -> Optional[Dict[str, Any]]:
    """The conversation's newest unfinished handoff, as in the queue, or None."""
    row = conn.execute(
        sa.select(handoffs)
        .where(handoffs.c.sender_id == sender_id, handoffs.c.finished_at.is_(None))
        .order_by(handoffs.c.created_at.desc(), handoffs.c.id.desc())
        .limit(1)
    ).first()
    return _entry(row, clock.now()) if row else None


@dataclass(frozen=True)
class Taken:
    """A claim that worked; ``taken_from``: the agent whose desk had gone silent, when it was theirs."""

    taken_from: Optional[str] = None
    taken_from_name: Optional[str] = None  # their display name


def take(conn: sa.engine.Connection, handoff_id: int, name: str) -> Optional[Taken]:
    """Take a waiting handoff, or one held by an agent whose desk has been silent for
    presence.HELD_GRACE (or who has no presence at all: signed out), so nobody is stuck with it;
    None if someone at their desk has it, or it left or finished. A case taken over gets a note
    saying so, which its former holder's desk shows with the case."""
    row = conn.execute(sa.select(handoffs.c.status, handoffs.c.agent).where(handoffs.c.id == handoff_id)).first()
    if row is None:
        return None
    held_by = row.agent if row.status == "claimed" and row.agent != name else None
    free = sa.or_(
        handoffs.c.status == "waiting",
        sa.and_(
            handoffs.c.status == "claimed",
            handoffs.c.agent == held_by,
            presence.gone(presence.HELD_GRACE),
        ),
    )
    changed = conn.execute(
        handoffs.update()
        .where(handoffs.c.id == handoff_id, free, handoffs.c.finished_at.is_(None))
        .values(status="claimed", agent=name, updated_at=clock.now())
    ).rowcount
    if changed != 1:
        return None
    if row.status == "claimed" and held_by:
        minutes = int(presence.HELD_GRACE.total_seconds() // 60)
        who = conn.execute(sa.select(agents.c.display_name).where(agents.c.name == held_by)).scalar() or held_by
        text = f"Taken over from {who}: their desk had been silent for over {minutes} minutes."
        add_row(conn, handoff_notes, handoff_id=handoff_id, agent=name, text=text)
        return Taken(taken_from=held_by, taken_from_name=who)
    return Taken()


def claim(conn: sa.engine.Connection, handoff_id: int, name: str) -> bool:
    """Whether ``take`` worked."""
    return take(conn, handoff_id, name) is not None


class NotOnDuty(Exception):
    """The agent a case would pass to is not at the desk and available (signed out, silent or away)."""


def transfer(conn: sa.engine.Connection, handoff_id: int, from_name: str, to_name: str) -> bool:
    """Pass a claimed handoff from its holder to ``to_name``; False if ``from_name`` doesn't hold it.
    NotOnDuty (nothing changed) when ``to_name`` is not on duty: nobody would see the case."""
    if not conn.execute(sa.select(handoffs.c.id).where(_held_by(handoff_id, from_name))).first():
        return False
    if not presence.on_duty(conn, to_name):
        who = conn.execute(sa.select(agents.c.display_name).where(agents.c.name == to_name)).scalar() or to_name
        raise NotOnDuty(f"{who} is not on duty (signed out, away or not at the desk); the case stays with you.")
    return (
        conn.execute(
            handoffs.update().where(_held_by(handoff_id, from_name)).values(agent=to_name, updated_at=clock.now())
        ).rowcount
        == 1
    )


def valid_note(text: str) -> str:
    """The note as kept; ValueError for an empty or over-long one."""
    text = (text or "").strip()
    if not 1 <= len(text) <= MAX_NOTE_LENGTH:
        raise ValueError(f"A note is 1-{MAX_NOTE_LENGTH} characters.")
    return text


def add_note(conn: sa.engine.Connection, handoff_id: int, name: str, text: str) -> int:
    """An internal note on a handoff; ValueError for a handoff that doesn't exist."""
    if not conn.execute(sa.select(handoffs.c.id).where(handoffs.c.id == handoff_id)).first():
        raise ValueError(f"There is no handoff {handoff_id}.")
    return add_row(conn, handoff_notes, handoff_id=handoff_id, agent=name, text=text)


def valid_outcome(outcome: str) -> str:
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}.")
    return outcome


def finish(conn: sa.engine.Connection, handoff_id: int, name: str, outcome: str) -> bool:
    """Close a handoff the agent holds with its outcome; False if they don't hold it.

    The outcome reaches the company's systems: an ``agent_outcome`` commitment in the
    records' outbox, written in the same transaction (gracious/outbox/).
    """
    now = clock.now()
    finished = (
        conn.execute(
            handoffs.update()
            .where(_held_by(handoff_id, name))
            .values(status="finished", outcome=outcome, finished_at=now, updated_at=now)
        ).rowcount
        == 1
    )
    if finished:
        row = conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).one()
        summary = card(json.loads(row.summary) if row.summary else {})
        customer = summary.get("customer") if isinstance(summary.get("customer"), dict) else {}
        promises.commitment(
            conn,
            outbox,
            key=f"handoff:{handoff_id}:{stamp(row.created_at)}:outcome",  # a remade database reuses ids
            event="agent_outcome",
            data={
                "handoff_id": handoff_id,
                "outcome": outcome,
                "agent": name,
                "reason": row.reason,
                "reference": summary.get("reference"),
                # Only a verified customer's account (card() empties it otherwise).
                "customer_id": (customer or {}).get("id"),
                "sender_id": row.sender_id,
            },
            sender_id=row.sender_id,
        )
    return finished
