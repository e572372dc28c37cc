"""Which agents are on duty: a signed-in desk refreshes its agent's row in
``agent_presence``, and the assistant counts the recent, available ones
(gracious/stores/handoff_queue.on_duty, within records.PRESENCE_TIMEOUT).

Presence is marked only while the session exists, in the same statement that
looks for it: a poll still in flight while its agent signs out finds no session
and marks nobody present again. Availability ("available" or "away") is the
agent's own choice (POST /desk/api/availability) and survives their polls; an
agent signing in is available.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa

from gracious.stores import clock
from gracious.stores.records import PRESENCE_TIMEOUT, agent_presence, handoffs
from server.desk.tables import desk_sessions

AVAILABILITY = ("available", "away")
# A desk silent this long has gone (closed, or lost its connection): its agent's cases go back to the
# queue, and another agent may take one over. Shorter than this, a reload or a blip keeps them.
HELD_GRACE = timedelta(minutes=2)


def _upsert(conn: sa.engine.Connection, name: str, values: dict, only_if: Optional[Any] = None) -> None:
    """Insert or update the agent's row; with ``only_if`` (a condition), only while it holds, in one statement."""
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        from sqlalchemy.dialects import postgresql, sqlite

        insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(agent_presence)
        columns = ["agent", *values]
        source = sa.select(sa.literal(name), *[sa.literal(v) for v in values.values()])
        source = source.where(only_if if only_if is not None else sa.true())
        conn.execute(
            insert.from_select(columns, source).on_conflict_do_update(
                index_elements=[agent_presence.c.agent], set_=values
            )
        )
        return
    if only_if is not None and not conn.execute(sa.select(sa.literal(1)).where(only_if)).first():
        return
    changed = conn.execute(agent_presence.update().where(agent_presence.c.agent == name).values(**values)).rowcount
    if not changed:
        conn.execute(agent_presence.insert().values(agent=name, **values))


def session_exists(token_hash: str) -> Any:
    """The condition: this session is there and not expired."""
    return sa.exists().where(desk_sessions.c.token_hash == token_hash, desk_sessions.c.expires_at > clock.now())


def mark_present(conn: sa.engine.Connection, name: str, token_hash: Optional[str] = None) -> None:
    """The agent's presence refreshed to now; with ``token_hash``, only while that session exists."""
    _upsert(conn, name, {"last_seen": clock.now()}, session_exists(token_hash) if token_hash else None)


def signed_in(conn: sa.engine.Connection, name: str, token_hash: str) -> None:
    """A new session: present and available."""
    _upsert(conn, name, {"last_seen": clock.now(), "status": "available"}, session_exists(token_hash))


def set_availability(conn: sa.engine.Connection, name: str, status: str, token_hash: Optional[str] = None) -> None:
    """The agent's choice, "available" or "away" (ValueError for anything else); present now too. With
    ``token_hash``, only while that session exists, in the same statement (as a poll: mark_present)."""
    if status not in AVAILABILITY:
        raise ValueError(f"Availability is one of {', '.join(AVAILABILITY)}.")
    _upsert(
        conn, name, {"last_seen": clock.now(), "status": status}, session_exists(token_hash) if token_hash else None
    )


def on_duty(conn: sa.engine.Connection, name: str) -> bool:
    """Whether the agent is at their desk (a poll within the presence timeout) and available."""
    row = conn.execute(
        sa.select(agent_presence.c.agent).where(
            agent_presence.c.agent == name,
            agent_presence.c.last_seen >= clock.now() - PRESENCE_TIMEOUT,
            sa.or_(agent_presence.c.status.is_(None), agent_presence.c.status == "available"),
        )
    ).first()
    return row is not None


def gone(grace: timedelta) -> Any:
    """The condition on ``handoffs.agent``: an agent whose desk has not asked for ``grace``, or who has no
    presence at all (signed out, or never signed in here)."""
    stale = sa.select(agent_presence.c.agent).where(agent_presence.c.last_seen < clock.now() - grace)
    present = sa.select(agent_presence.c.agent)
    return sa.or_(handoffs.c.agent.in_(stale), handoffs.c.agent.not_in(present))


def availability(conn: sa.engine.Connection, name: str) -> str:
    """ "available", "away", or "offline" (no row, or no poll within the presence timeout)."""
    row = conn.execute(sa.select(agent_presence).where(agent_presence.c.agent == name)).first()
    if row is None or row.last_seen < clock.now() - PRESENCE_TIMEOUT:
        return "offline"
    return row.status or "available"


def mark_gone(conn: sa.engine.Connection, name: str) -> None:
    """Take the agent off duty (they signed out)."""
    conn.execute(agent_presence.delete().where(agent_presence.c.agent == name))


def expired_holders(conn: sa.engine.Connection, grace: timedelta = HELD_GRACE) -> List[str]:
    """Agents holding a case whose desk stopped asking ``grace`` ago, or who have no presence at all
    (signed out: a case passed to them then would otherwise be stuck). Another agent may take over
    their case after the same grace (queue.take)."""
    rows = conn.execute(
        sa.select(handoffs.c.agent)
        .where(
            handoffs.c.status == "claimed",
            handoffs.c.finished_at.is_(None),
            handoffs.c.agent.is_not(None),
            gone(grace),
        )
        .distinct()
    )
    return sorted(str(r.agent) for r in rows)


def return_held(conn: sa.engine.Connection, name: str) -> List[Tuple[int, str]]:
    """Every case ``name`` holds back in the queue (waiting, nobody holding it): (id, sender) of each."""
    held = conn.execute(
        sa.select(handoffs.c.id, handoffs.c.sender_id).where(
            handoffs.c.agent == name, handoffs.c.status == "claimed", handoffs.c.finished_at.is_(None)
        )
    ).all()
    returned = []
    for handoff_id, sender_id in held:
        changed = conn.execute(
            handoffs.update()
            .where(handoffs.c.id == handoff_id, handoffs.c.status == "claimed", handoffs.c.agent == name)
            # Back in the live queue: the customer is told their place (server/desk/waiting.back_in_queue).
            .values(status="waiting", agent=None, queued=True, updated_at=clock.now())
        ).rowcount
        if changed:
            returned.append((int(handoff_id), str(sender_id)))
    return returned
