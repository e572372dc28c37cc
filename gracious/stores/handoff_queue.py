"""Opening a handoff: one open handoff per conversation, and a limit per client address.

A conversation that already has an unfinished handoff joins it (its summary is
brought up to date, and a safety case moves it to the top), so asking again never
adds a second entry to the desk queue. Past ``per_address`` new handoffs within
the hour from one client address (``gracious_client.address`` in the message
metadata), a new one is refused: the insert is rolled back, and the assistant
offers a call or an email instead. A health or danger case is never refused.
The new row is written before the count, so two handoffs at once are counted
in turn, not both waved through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, Optional

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
