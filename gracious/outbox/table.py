"""The outbox table and the work on it, for SQLite and PostgreSQL alike.

Each database that makes promises has one ``outbox`` table: the records
(callbacks, thank-you notes, agents' outcomes) and the company's data (grants
and the emails that go with them), so every row is written in the same
transaction as the decision that made the promise. The worker
(``gracious/outbox/worker.py``) drains both.

A row's life: ``pending`` (due at ``due_at``) → ``sending`` (claimed, with a lease,
so a worker that dies mid-delivery leaves it to be claimed again when the lease
ends) → ``delivered``; a failed try goes back to ``pending`` with ``attempts`` + 1,
``last_error`` and a later ``due_at`` (backoff). Nothing is ever dropped, but a promise
taken back before it went (a withdrawn grant's return label) is ``cancelled``: never sent.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

# The stores' package imports this module while it loads (company_schema.py, records.py), so
# nothing of gracious.stores is imported at the top here: the clock is fetched at each call.


def _clock() -> Any:
    from gracious.stores import clock

    return clock


def required(name: str, kind: Any, *args: Any, **kwargs: Any) -> sa.Column:
    return sa.Column(name, kind, *args, nullable=False, **kwargs)


KINDS = ("email", "webhook")
# How long a claimed row is left to one worker before another may take it.
LEASE = timedelta(seconds=120)


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    """The ``outbox`` table in ``metadata``."""
    return sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        # The idempotency key: one row per promise, the same on every retry.
        required("key", sa.String(200), unique=True),
        # "email" or "webhook": how it is delivered.
        required("kind", sa.String(20)),
        # What it is for: "thank_you", "callback_booked", "credit", "late_order" ...
        required("topic", sa.String(60)),
        # Who receives it: an email address, or the webhook's event name.
        sa.Column("recipient", sa.String(200)),
        # The conversation it came from, when one did.
        sa.Column("sender_id", sa.String(255), index=True),
        required("payload", sa.Text),
        required("status", sa.String(20), index=True),
        required("attempts", sa.Integer, default=0),
        required("due_at", sa.DateTime, index=True),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("last_error", sa.Text),
        required("created_at", sa.DateTime),
        sa.Column("delivered_at", sa.DateTime),
    )


def enqueue(
    conn: sa.engine.Connection,
    table: sa.Table,
    *,
    kind: str,
    key: str,
    topic: str,
    payload: Dict[str, Any],
    recipient: Optional[str] = None,
    sender_id: Optional[str] = None,
    due_at: Optional[datetime] = None,
) -> int:
    """Add a promise to the outbox in ``conn``'s transaction; its id.

    Idempotent on ``key``: a promise already there is left as it is and its id returned.
    ``due_at`` (UTC, naive or aware) delays delivery; default at once.
    """
    if kind not in KINDS:
        raise ValueError(f"An outbox row is one of {KINDS}, not {kind!r}.")
    existing = conn.execute(sa.select(table.c.id).where(table.c.key == key)).first()
    if existing is not None:
        return int(existing.id)
    now = _clock().now()
    result = conn.execute(
        table.insert().values(
            key=key,
            kind=kind,
            topic=topic,
            recipient=(recipient or "")[:200] or None,
            sender_id=sender_id,
            payload=json.dumps(payload, sort_keys=True, default=str),
            status="pending",
            attempts=0,
            due_at=_clock().stored(due_at) if due_at is not None else now,
            created_at=now,
        )
    )
    return int(result.inserted_primary_key[0])


def _row(row: Any) -> Dict[str, Any]:
    found = dict(row._mapping)
    found["payload"] = json.loads(found["payload"])
    return found


def claim_due(conn: sa.engine.Connection, table: sa.Table, now: datetime, limit: int = 20) -> List[Dict[str, Any]]:
    """Rows due by ``now`` (and rows whose worker's lease ran out), claimed for this worker.

    Each claim is a conditional update, so of two workers (two instances) only one gets a row.
    """
    now = _clock().stored(now)
    due = sa.or_(
        sa.and_(table.c.status == "pending", table.c.due_at <= now),
        sa.and_(table.c.status == "sending", table.c.lease_until < now),
    )
    candidates = conn.execute(sa.select(table.c.id).where(due).order_by(table.c.due_at, table.c.id).limit(limit))
    claimed = []
    for (row_id,) in list(candidates):
        won = conn.execute(
            table.update().where(table.c.id == row_id, due).values(status="sending", lease_until=now + LEASE)
        )
        if won.rowcount == 1:
            claimed.append(row_id)
    if not claimed:
        return []
    rows = conn.execute(sa.select(table).where(table.c.id.in_(claimed)).order_by(table.c.id))
    return [_row(r) for r in rows]


def mark_delivered(conn: sa.engine.Connection, table: sa.Table, row_id: int, now: datetime) -> None:
    conn.execute(
        table.update()
        .where(table.c.id == row_id)
        .values(status="delivered", delivered_at=_clock().stored(now), lease_until=None, last_error=None)
    )


def mark_failed(conn: sa.engine.Connection, table: sa.Table, row_id: int, error: str, retry_at: datetime) -> None:
    """A try failed: count it, keep why, and make the row due again at ``retry_at``."""
    conn.execute(
        table.update()
        .where(table.c.id == row_id)
        .values(
            status="pending",
            attempts=table.c.attempts + 1,
            last_error=error[:2000],
            due_at=_clock().stored(retry_at),
            lease_until=None,
        )
    )


def cancel_pending(
    conn: sa.engine.Connection, table: sa.Table, key_prefix: str, reason: str = "cancelled", kind: str = "email"
) -> int:
    """Cancel the rows of ``kind`` whose key starts with ``key_prefix`` and that have not gone
    (``pending``: one being sent or delivered is left as it is); how many. Never claimed again."""
    cancelled = conn.execute(
        table.update()
        .where(table.c.key.startswith(key_prefix, autoescape=True), table.c.kind == kind, table.c.status == "pending")
        .values(status="cancelled", last_error=reason[:2000], lease_until=None)
    )
    return int(cancelled.rowcount or 0)


def rows(
    conn: sa.engine.Connection, table: sa.Table, *, topic: Optional[str] = None, sender_id: Optional[str] = None
) -> List[Dict[str, Any]]:
    """Every row (optionally of one topic or conversation), oldest first."""
    query = sa.select(table).order_by(table.c.id)
    if topic is not None:
        query = query.where(table.c.topic == topic)
    if sender_id is not None:
        query = query.where(table.c.sender_id == sender_id)
    return [_row(r) for r in conn.execute(query)]
