"""The thank-you note after a case closes: one email per case, due a while after the close.

``queue`` writes the note's row in ``thank_you_notes`` and its email in the records'
outbox in one transaction (Records.queue_thank_you); the outbox row is the note, so
whether it went is read there (``notes``), never assumed.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from gracious.outbox import promises
from gracious.stores import base, clock


def key_for(sender_id: str, case: str) -> str:
    """The note's idempotency key: the conversation and the case."""
    return f"thank-you:{sender_id}:{case}"[:200]


def queue(
    conn: sa.engine.Connection,
    table: sa.Table,
    outbox: sa.Table,
    sender_id: str,
    customer_id: Optional[str],
    case: str,
    to: str,
    name: Optional[str],
    variables: Dict[str, Any],
    delay: timedelta,
) -> int:
    """The note for ``case``, due ``delay`` from now (the clock's now); the same case again is
    the same note (its id returned, nothing new written)."""
    key = key_for(sender_id, case)
    found = conn.execute(sa.select(table.c.id).where(table.c.outbox_key == key)).first()
    if found is not None:
        return int(found.id)
    due = clock.now() + max(delay, timedelta(0))
    promises.email(
        conn,
        outbox,
        key=key,
        topic="thank_you",
        template="thank_you",
        to=to,
        variables=variables,
        name=name,
        sender_id=sender_id,
        due_at=due,
    )
    return base.add_row(
        conn,
        table,
        sender_id=sender_id,
        customer_id=customer_id,
        response="thank_you",
        variables=json.dumps(variables, sort_keys=True),
        status="in_outbox",
        outbox_key=key,
        due_at=due,
    )


def notes(
    conn: sa.engine.Connection, table: sa.Table, outbox: sa.Table, sender_id: Optional[str]
) -> List[Dict[str, Any]]:
    """Every note (or one conversation's), oldest first, ``status`` read from its outbox row."""
    query = (
        sa.select(
            table,
            outbox.c.status.label("outbox_status"),
            outbox.c.delivered_at,
            outbox.c.attempts,
            outbox.c.last_error,
        )
        .select_from(table.outerjoin(outbox, outbox.c.key == table.c.outbox_key))
        .order_by(table.c.id)
    )
    if sender_id is not None:
        query = query.where(table.c.sender_id == sender_id)
    found = []
    for row in conn.execute(query):
        note = dict(row._mapping)
        note["status"] = note.pop("outbox_status") or note["status"]
        found.append(note)
    return found
