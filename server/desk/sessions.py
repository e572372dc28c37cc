"""Desk sessions: a random token in the agent's cookie, only its SHA-256 in the database.

A session lasts SESSION_LIFETIME; using it marks the agent present (only while the
session exists: presence.py), ending it takes them off duty and
returns the cases they held to the queue. The functions run inside one of the desk
store's transactions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import List, Optional, Tuple

import sqlalchemy as sa

from gracious.stores import clock
from server.desk import agents as accounts
from server.desk import presence
from server.desk.agents import Agent
from server.desk.tables import agents, desk_sessions

SESSION_LIFETIME = timedelta(hours=12)
# The cookie holding the token (server/desk/web.py sets it).
COOKIE = "gracious_desk"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def usable(token: Optional[str]) -> bool:
    """Whether ``token`` could be one of ours (anything else is never looked up)."""
    return bool(token) and token.isascii() and len(token) <= 200


def token_hash(token: str) -> str:
    """The session's key in the database."""
    return _token_hash(token)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start(conn: sa.engine.Connection, agent: Agent, token: str) -> None:
    """Keep the session of ``token`` for the agent, and mark them present."""
    now = clock.now()
    conn.execute(
        desk_sessions.insert().values(
            token_hash=_token_hash(token),
            agent_id=agent.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    presence.signed_in(conn, agent.name, _token_hash(token))


def agent_for(conn: sa.engine.Connection, token: str) -> Optional[Agent]:
    """The agent a live session belongs to, refreshing their presence; None otherwise."""
    row = conn.execute(
        sa.select(agents)
        .join(desk_sessions, desk_sessions.c.agent_id == agents.c.id)
        .where(desk_sessions.c.token_hash == _token_hash(token), desk_sessions.c.expires_at > clock.now())
    ).first()
    if row is None:
        return None
    presence.mark_present(conn, row.name, _token_hash(token))
    return accounts.agent(row)


def end(conn: sa.engine.Connection, token: str) -> List[Tuple[int, str]]:
    """Forget the session, take its agent off duty and return the cases they held to the queue.
    The (handoff id, sender) of each case returned."""
    token_hash = _token_hash(token)
    found = conn.execute(
        sa.select(agents.c.id, agents.c.name)
        .join(desk_sessions, desk_sessions.c.agent_id == agents.c.id)
        .where(desk_sessions.c.token_hash == token_hash)
    ).first()
    conn.execute(desk_sessions.delete().where(desk_sessions.c.token_hash == token_hash))
    if found is None:
        return []
    # Signing out means leaving the desk (a session left open in another browser keeps no case).
    presence.mark_gone(conn, found.name)
    return presence.return_held(conn, found.name)
