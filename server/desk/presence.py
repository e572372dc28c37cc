"""Which agents are on duty: a signed-in desk refreshes its agent's row in
``agent_presence``, and the assistant counts the recent ones (Records.agents_on_duty)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from gracious.stores import clock
from gracious.stores.records import agent_presence


def mark_present(conn: sa.engine.Connection, name: str) -> None:
    """Upsert the agent's presence row with the time now."""
    now = clock.now()
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(agent_presence)
        conn.execute(
            insert.values(agent=name, last_seen=now).on_conflict_do_update(
                index_elements=[agent_presence.c.agent], set_={"last_seen": now}
            )
        )
        return
    changed = conn.execute(agent_presence.update().where(agent_presence.c.agent == name).values(last_seen=now)).rowcount
    if not changed:
        conn.execute(agent_presence.insert().values(agent=name, last_seen=now))


def mark_gone(conn: sa.engine.Connection, name: str) -> None:
    """Take the agent off duty (they signed out)."""
    conn.execute(agent_presence.delete().where(agent_presence.c.agent == name))
