"""Opening a handoff: one open handoff per conversation, and a limit per client address.

A conversation that already has an unfinished handoff joins it (its summary is
brought up to date, and a safety case moves it to the top), so asking again never
adds a second entry to the desk queue. Past ``per_address`` new handoffs within
the hour from one client address (``gracious_client.address`` in the message
metadata), a new one is refused: the insert is rolled back, and the assistant
offers a call or an email instead. A health or danger case is never refused.
The new row is written before the count, so two handoffs at once are counted
in turn, not both waved through.

The live queue: only handoffs still waiting count (``live``), for positions, the
desk's queue and the wait. A customer who books a call, cancels, takes an email
instead or goes away leaves it (``leave``): status "left", the reason kept in
``left_reason``, ``finished_at`` set, so it stays findable. docs/queue.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from gracious import codes
from gracious.stores import clock
from gracious.stores.base import add_row
from gracious.stores.records import handoffs

WINDOW = timedelta(hours=1)


class TooManyHandoffs(Exception):
    """This client address has opened its share of new handoffs within the hour."""


@dataclass(frozen=True)
class Opened:
    """The handoff the conversation is in now; ``joined`` when it was open already."""

    id: int
    joined: bool


def open_handoff(
    conn: sa.engine.Connection,
    sender_id: str,
    reason: str,
    team: str,
    summary: Dict[str, Any],
    address: Optional[str],
    per_address: int,
) -> Opened:
    """Join the conversation's open handoff or open a new one; TooManyHandoffs past the address's limit."""
    text = json.dumps(summary, sort_keys=True, default=str)
    now = clock.now()
    open_one = conn.execute(
        sa.select(handoffs.c.id)
        .where(handoffs.c.sender_id == sender_id, handoffs.c.finished_at.is_(None))
        .order_by(handoffs.c.id.desc())
        .limit(1)
    ).scalar()
    if open_one is not None:
        values: Dict[str, Any] = {"summary": text, "updated_at": now}
        if reason == codes.SAFETY:
            values["reason"] = reason
        conn.execute(handoffs.update().where(handoffs.c.id == open_one).values(**values))
        return Opened(int(open_one), joined=True)
    address = (address or "")[:255] or None
    new_id = add_row(
        conn,
        handoffs,
        sender_id=sender_id,
        reason=reason,
        team=team,
        status="waiting",
        summary=text,
        client_address=address,
        created_at=now,
    )
    if address and reason != codes.SAFETY:
        opened = conn.execute(
            sa.select(sa.func.count())
            .select_from(handoffs)
            .where(handoffs.c.client_address == address, handoffs.c.created_at > now - WINDOW)
        ).scalar()
        if int(opened or 0) > per_address:
            raise TooManyHandoffs(address)  # rolls the new row back
    return Opened(new_id, joined=False)


# -- the live queue -----------------------------------------------------------

# Why a customer left the queue (kept on the handoff as ``left_reason``, its status "left").
CALLBACK_BOOKED = "callback_booked"
CANCELLED = "cancelled"
WENT_AWAY = "went_away"
EMAIL_INSTEAD = "email_instead"
LEFT_REASONS = (CALLBACK_BOOKED, CANCELLED, WENT_AWAY, EMAIL_INSTEAD)
# Minutes one agent typically spends on a handoff, for the wait estimate.
MINUTES_PER_CASE = 6


def live() -> Any:
    """A handoff still in the queue: waiting for a person, not left, not finished."""
    return sa.and_(handoffs.c.status == "waiting", handoffs.c.finished_at.is_(None))


def live_ahead(conn: sa.engine.Connection, handoff_id: int) -> int:
    """How many live handoffs were opened before this one."""
    return int(
        conn.execute(
            sa.select(sa.func.count()).select_from(handoffs).where(live(), handoffs.c.id < handoff_id)
        ).scalar()
        or 0
    )


def on_duty(conn: sa.engine.Connection) -> int:
    """Agents marked available whose desk asked within the presence timeout (records.PRESENCE_TIMEOUT)."""
    from gracious.stores.records import PRESENCE_TIMEOUT, agent_presence

    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(agent_presence)
            .where(
                agent_presence.c.last_seen >= clock.now() - PRESENCE_TIMEOUT,
                sa.or_(agent_presence.c.status.is_(None), agent_presence.c.status == "available"),
            )
        ).scalar()
        or 0
    )


def wait_minutes(position: int, agents: int) -> int:
    """An honest wait for the customer at ``position`` with ``agents`` available (at least a minute)."""
    return max(1, -(-position * MINUTES_PER_CASE // max(1, agents)))


@dataclass(frozen=True)
class Standing:
    """Where a handoff stands now: its status (and why it left), its place and wait when live."""

    id: int
    status: str
    left_reason: Optional[str]
    position: int
    agents: int
    wait_minutes: int
    created_at: Any
    offered_at: Any
    agent: Optional[str]

    @property
    def waiting(self) -> bool:
        return self.status == "waiting"


def standing(conn: sa.engine.Connection, handoff_id: int) -> Optional[Standing]:
    """The handoff's status, and for a live one its place in the queue and the honest wait."""
    row = conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
    if row is None:
        return None
    waiting = row.status == "waiting" and row.finished_at is None
    position = live_ahead(conn, handoff_id) + 1 if waiting else 0
    agents = on_duty(conn)
    return Standing(
        id=int(row.id),
        status=row.status if row.finished_at is None or row.status == "left" else "finished",
        left_reason=row.left_reason,
        position=position,
        agents=agents,
        wait_minutes=wait_minutes(position, agents) if waiting else 0,
        created_at=row.created_at,
        offered_at=row.offered_at,
        agent=row.agent,
    )


def leave(conn: sa.engine.Connection, handoff_id: int, reason: str) -> bool:
    """Take a live handoff out of the queue with ``reason``; False when it was not waiting (an agent
    holds it, or it left or finished already). It stays findable: status "left", finished then."""
    if reason not in LEFT_REASONS:
        raise ValueError(f"Unknown reason {reason!r} for leaving the queue.")
    now = clock.now()
    changed = conn.execute(
        handoffs.update()
        .where(handoffs.c.id == handoff_id, live())
        .values(status="left", left_reason=reason, finished_at=now, updated_at=now)
    ).rowcount
    return changed == 1


def leave_for_sender(conn: sa.engine.Connection, sender_id: str, reason: str) -> Optional[int]:
    """The conversation's live handoff taken out of the queue with ``reason``; its id, or None."""
    found = conn.execute(
        sa.select(handoffs.c.id).where(handoffs.c.sender_id == sender_id, live()).order_by(handoffs.c.id.desc())
    ).scalar()
    return int(found) if found is not None and leave(conn, int(found), reason) else None


def mark(conn: sa.engine.Connection, handoff_id: int, **moments: Any) -> None:
    """Note when a waiting customer's widget was seen (``seen_at``), told their place (``told_at``)
    or offered a call or an email (``offered_at``)."""
    conn.execute(handoffs.update().where(handoffs.c.id == handoff_id).values(**moments))


def offer_once(conn: sa.engine.Connection, handoff_id: int) -> bool:
    """Note the wait-limit offer on a live handoff; False when it was made already (or it is not live)."""
    return (
        conn.execute(
            handoffs.update()
            .where(handoffs.c.id == handoff_id, live(), handoffs.c.offered_at.is_(None))
            .values(offered_at=clock.now())
        ).rowcount
        == 1
    )


def live_rows(conn: sa.engine.Connection) -> List[Any]:
    """Every live handoff, oldest first."""
    return list(conn.execute(sa.select(handoffs).where(live()).order_by(handoffs.c.id)))
