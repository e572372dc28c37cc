"""Opening a handoff: one open handoff per conversation, and a limit per client address.

A conversation that already has an unfinished handoff joins it (its summary is
brought up to date, and a safety case moves it to the top), so asking again never
adds a second entry to the desk queue. Past ``per_address`` new handoffs within
the hour from one client address (``gracious_client.address`` in the message
metadata), a new one is refused: the insert is rolled back, and the assistant
offers a call or an email instead. A health or danger case is never refused.
The new row is written before the count, so two handoffs at once are counted
in turn, not both waved through.

The live queue: only handoffs whose customer was told their place and still waits
count (``live``: waiting, ``queued`` not False, not finished), for positions, the
wait and the queue's watch. A handoff opened with nobody on duty or out of hours is
``queued`` False: the customer was offered a call or an email, not a place, so it is
never counted nor spoken to as queued (the desk still lists it). Positions follow
the desk's order (gracious/stores/queue_order.py). A customer who books a call,
cancels, takes an email instead, declines the call offered or goes away leaves
(``leave``): status "left", the reason kept in ``left_reason``, ``finished_at`` set,
so it stays findable. docs/queue.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from gracious import codes
from gracious.stores import clock, queue_order
from gracious.stores.base import add_row
from gracious.stores.records import callbacks, handoffs

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
    queued: Optional[bool] = None,
) -> Opened:
    """Join the conversation's open handoff or open a new one; TooManyHandoffs past the address's limit.
    ``queued``: whether the customer is told their place (True) or offered a call or an email (False)."""
    now = clock.now()
    open_one = conn.execute(
        sa.select(handoffs.c.id, handoffs.c.summary)
        .where(handoffs.c.sender_id == sender_id, handoffs.c.finished_at.is_(None))
        .order_by(handoffs.c.id.desc())
        .limit(1)
    ).first()
    # A comeback's old place: the order from its first handoff, in the summary; created_at stays now.
    text = json.dumps(queue_order.keep_since(conn, sender_id, now, summary, open_one), sort_keys=True, default=str)
    if open_one is not None:
        values: Dict[str, Any] = {"summary": text, "updated_at": now}
        if reason == codes.SAFETY:
            values["reason"] = reason
        if queued is not None:
            values["queued"] = queued
        conn.execute(handoffs.update().where(handoffs.c.id == open_one.id).values(**values))
        return Opened(int(open_one.id), joined=True)
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
        queued=queued,
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
# Offered a call (nobody on duty) and the call form ended without one (server/desk/waiting.py).
DECLINED_CALL = "declined_call"
LEFT_REASONS = (CALLBACK_BOOKED, CANCELLED, WENT_AWAY, EMAIL_INSTEAD, DECLINED_CALL)
# Minutes one agent typically spends on a handoff, for the wait estimate.
MINUTES_PER_CASE = 6


def open_waiting() -> Any:
    """A handoff nobody holds yet and not finished: queued, or offered a call or an email instead."""
    return sa.and_(handoffs.c.status == "waiting", handoffs.c.finished_at.is_(None))


def live() -> Any:
    """A handoff still in the queue: waiting for a person (told their place), not left, not finished.
    ``queued`` None is a handoff written before the flag, counted until server/desk/upgrade.py settles it."""
    return sa.and_(open_waiting(), sa.or_(handoffs.c.queued.is_(None), handoffs.c.queued.is_(True)))


def offered_instead() -> Any:
    """A handoff whose customer was offered a call or an email instead of a place (nobody on duty)."""
    return sa.and_(open_waiting(), handoffs.c.queued.is_(False))


def live_rows(conn: sa.engine.Connection) -> List[Any]:
    """Every live handoff, in the desk's order (queue_order.py)."""
    return queue_order.ordered(conn.execute(sa.select(handoffs).where(live())))


def position(conn: sa.engine.Connection, handoff_id: int) -> int:
    """A live handoff's place: its index in the desk's order among the live ones, from 1; 0 if not live."""
    ids = [int(row.id) for row in live_rows(conn)]
    return ids.index(handoff_id) + 1 if handoff_id in ids else 0


def live_ahead(conn: sa.engine.Connection, handoff_id: int) -> int:
    """How many live handoffs come before this one in the desk's order (all of them for one not live)."""
    ids = [int(row.id) for row in live_rows(conn)]
    return ids.index(handoff_id) if handoff_id in ids else len(ids)


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


def wait_words(minutes: int) -> str:
    """The wait as the responses' ``{wait}`` says it: "a minute", "6 minutes" ("about {wait}")."""
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


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
    told_at: Any = None
    finished_at: Any = None
    # Someone back in the line (queue_order.came_back) went ahead of this one since it queued.
    comeback_ahead: bool = False

    @property
    def waiting(self) -> bool:
        """In the live queue (told their place, nobody holds it yet)."""
        return self.status == "waiting"


def standing(conn: sa.engine.Connection, handoff_id: int) -> Optional[Standing]:
    """The handoff's status ("waiting" in the live queue, "offered" a call or an email instead,
    "claimed", "left", "finished"), and for a live one its place and the honest wait."""
    row = conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
    if row is None:
        return None
    rows = live_rows(conn)
    place = next((i + 1 for i, r in enumerate(rows) if int(r.id) == handoff_id), 0)
    waiting = place > 0
    agents = on_duty(conn)
    status = row.status if row.finished_at is None or row.status == "left" else "finished"
    if status == "waiting" and not waiting:
        status = "offered"
    return Standing(
        id=int(row.id),
        status=status,
        left_reason=row.left_reason,
        position=place,
        agents=agents,
        wait_minutes=wait_minutes(place, agents) if waiting else 0,
        created_at=row.created_at,
        offered_at=row.offered_at,
        agent=row.agent,
        told_at=row.told_at,
        finished_at=row.finished_at,
        comeback_ahead=queue_order.comeback_ahead(rows[: max(0, place - 1)], row),
    )


def leave(conn: sa.engine.Connection, handoff_id: int, reason: str) -> bool:
    """Take a waiting handoff (queued, or offered a call instead) out of the queue with ``reason``; False
    when it was not waiting (an agent holds it, or it left or finished already). It stays findable:
    status "left", finished then."""
    if reason not in LEFT_REASONS:
        raise ValueError(f"Unknown reason {reason!r} for leaving the queue.")
    now = clock.now()
    changed = conn.execute(
        handoffs.update()
        .where(handoffs.c.id == handoff_id, open_waiting())
        .values(status="left", left_reason=reason, finished_at=now, updated_at=now)
    ).rowcount
    return changed == 1


def leave_for_sender(conn: sa.engine.Connection, sender_id: str, reason: str) -> Optional[int]:
    """The conversation's waiting handoff taken out of the queue with ``reason``; its id, or None."""
    found = conn.execute(
        sa.select(handoffs.c.id).where(handoffs.c.sender_id == sender_id, open_waiting()).order_by(handoffs.c.id.desc())
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


def tell(conn: sa.engine.Connection, handoff_id: int, told_before: Any) -> bool:
    """Note that the customer is told their place now, if nobody told them since ``told_before`` (the
    ``told_at`` read before deciding to speak): of two servers deciding at once, only one speaks."""
    same = handoffs.c.told_at.is_(None) if told_before is None else handoffs.c.told_at == told_before
    changed = conn.execute(
        handoffs.update().where(handoffs.c.id == handoff_id, live(), same).values(told_at=clock.now())
    ).rowcount
    return changed == 1


def offered_rows(conn: sa.engine.Connection) -> List[Any]:
    """Every handoff whose customer was offered a call or an email instead of a place, oldest first."""
    return list(conn.execute(sa.select(handoffs).where(offered_instead()).order_by(handoffs.c.id)))


def correct_place(
    conn: sa.engine.Connection, handoff_id: Optional[int], callback_id: Optional[int], old: str, new: str
) -> int:
    """ "it was riverside not station" after the case reached the desk: the place put right in ``what_happened`` on
    the handoff's card and on the card of every call booked for it (or of the call booked in the chat), so the card
    never names the café the customer took back. How many cards changed."""
    from gracious import places

    conditions = ([callbacks.c.handoff_id == handoff_id] if handoff_id is not None else []) + (
        [callbacks.c.id == callback_id] if callback_id is not None else []
    )
    tables = ([(handoffs, handoffs.c.id == handoff_id)] if handoff_id is not None else []) + (
        [(callbacks, sa.or_(*conditions))] if conditions else []
    )
    changed = 0
    for table, where in tables:
        for row in conn.execute(sa.select(table.c.id, table.c.summary).where(where)):
            try:
                summary = json.loads(row.summary or "{}")
            except ValueError:
                continue
            told = summary.get("what_happened") if isinstance(summary, dict) else None
            fixed = places.corrected_details(told, old, new) if isinstance(told, str) else told
            if fixed == told:
                continue
            summary["what_happened"] = fixed
            text = json.dumps(summary, sort_keys=True, default=str)
            conn.execute(table.update().where(table.c.id == row.id).values(summary=text))
            changed += 1
    return changed


def note_messages(conn: sa.engine.Connection, handoff_id: int, messages: List[str]) -> None:
    """The card's ``last_messages`` (the handoff's, and a call booked for it) brought up to date with what
    the customer wrote since: one read and, when they changed, one write each."""
    for table, key in ((handoffs, handoffs.c.id), (callbacks, callbacks.c.handoff_id)):
        for row in conn.execute(sa.select(table.c.id, table.c.summary).where(key == handoff_id)):
            try:
                summary = json.loads(row.summary or "{}")
            except ValueError:
                continue
            if isinstance(summary, dict) and summary.get("last_messages") != messages:
                summary["last_messages"] = messages
                text = json.dumps(summary, sort_keys=True, default=str)
                conn.execute(table.update().where(table.c.id == row.id).values(summary=text))
