"""What the customer has been told about their orders without asking, in the company's database.

Two tables, on the company schema's metadata (so ``CompanyData.prepare`` makes them):

- ``company_events``: every order event the company's systems sent to
  ``POST /company/events``, by its id (the signed body's ``id``; an
  ``Idempotency-Key`` header must equal it), so a repeat is recognised and
  changes nothing.
- ``order_notices``: one row per thing the customer was told about an order,
  unique on ``(order_id, kind)``: ``kind`` is ``event:<event id>`` for an event,
  ``late:<promised date>`` for a missed promise. The unique index makes "told
  once" hold across threads, processes and instances: the second writer fails.

The row is written in the same transaction as the email that tells the customer
(the company database's outbox), or just before the words go to their widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Dict, List, Optional, Set, Tuple

import sqlalchemy as sa

from gracious.stores.base import created_at, required, serial_id
from gracious.stores.company_schema import customers, metadata, orders, outbox
from gracious.stores.company_types import missed_date

# How a customer was told: in their widget, by email, or not at all (no widget, no address on file).
CHANNELS = ("widget", "email", "none")

company_events = sa.Table(
    "company_events",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    required("event", sa.String(40)),
    required("order_id", sa.String(16)),
    required("received_at", sa.DateTime),
)

order_notices = sa.Table(
    "order_notices",
    metadata,
    serial_id(),
    required("order_id", sa.String(16), index=True),
    required("kind", sa.String(220)),
    required("customer_id", sa.String(16)),
    required("channel", sa.String(10)),
    # The conversation told, for a widget.
    sa.Column("sender_id", sa.String(255)),
    created_at(),
    sa.UniqueConstraint("order_id", "kind", name="uq_order_notices_once"),
)

_made: Set[int] = set()


def ensure_tables(engine: sa.engine.Engine) -> None:
    """Make the two tables on ``engine`` if this process has not yet (a database made before them)."""
    if id(engine) in _made:
        return
    metadata.create_all(engine, tables=[company_events, order_notices])
    _made.add(id(engine))


@dataclass(frozen=True)
class OrderFacts:
    """An order and its customer, as a notice needs them."""

    id: str
    item: str
    status: str
    promised_on: Optional[date]
    delivered_on: Optional[date]
    customer_id: str
    name: str
    email: Optional[str]
    # The date first given, once the company has moved ``promised_on`` (None: never moved).
    first_promised_on: Optional[date] = None

    def missed_on(self, today: date) -> Optional[date]:
        """The date we gave and missed: the promised date once passed, or the date first given
        once passed (an order moved later after it was late stays late); None when on time."""
        return missed_date(self.promised_on, self.first_promised_on, self.delivered_on, self.status, today)

    def late(self, today: date) -> bool:
        """Past a date we gave (``today`` is the business's date) and not delivered."""
        return self.missed_on(today) is not None


def order_facts(conn: sa.engine.Connection, order_id: str) -> Optional[OrderFacts]:
    """The order ``order_id`` (exactly) with its customer, or None."""
    query = (
        sa.select(
            orders.c.id,
            orders.c.item,
            orders.c.status,
            orders.c.promised_on,
            orders.c.delivered_on,
            orders.c.first_promised_on,
            customers.c.id.label("customer_id"),
            customers.c.name,
            customers.c.email,
        )
        .select_from(orders.join(customers, orders.c.customer_id == customers.c.id))
        .where(orders.c.id == order_id)
    )
    row = conn.execute(query).first()
    return OrderFacts(**row._mapping) if row else None


def event_seen(conn: sa.engine.Connection, event_id: str) -> bool:
    return conn.execute(sa.select(company_events.c.id).where(company_events.c.id == event_id)).first() is not None


def remember_event(conn: sa.engine.Connection, event_id: str, event: str, order_id: str, now: datetime) -> None:
    """Keep the event's id (a second writer of the same id fails on the primary key)."""
    conn.execute(company_events.insert().values(id=event_id, event=event, order_id=order_id, received_at=now))


def update_order(conn: sa.engine.Connection, order_id: str, values: Dict[str, Any]) -> None:
    """Change the order's status, promised or delivered date. A new promised date keeps the one
    first given (``first_promised_on``, set once, from the row as it is in this same statement)."""
    values = {k: v for k, v in values.items() if k != "first_promised_on"}
    if "promised_on" in values:
        values["first_promised_on"] = sa.func.coalesce(orders.c.first_promised_on, orders.c.promised_on)
    if values:
        conn.execute(orders.update().where(orders.c.id == order_id).values(**values))


def told(conn: sa.engine.Connection, order_id: str, kind: str) -> bool:
    query = sa.select(order_notices.c.id).where(order_notices.c.order_id == order_id, order_notices.c.kind == kind)
    return conn.execute(query).first() is not None


def note(
    conn: sa.engine.Connection,
    order: OrderFacts,
    kind: str,
    channel: str,
    now: datetime,
    sender_id: Optional[str] = None,
) -> None:
    """Write that the customer was told ``kind`` about ``order`` (fails if they were already)."""
    _insert(conn, order.id, order.customer_id, kind, channel, now, sender_id)


def _insert(
    conn: sa.engine.Connection,
    order_id: str,
    customer_id: str,
    kind: str,
    channel: str,
    now: datetime,
    sender_id: Optional[str],
) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"A notice goes by one of {CHANNELS}, not {channel!r}.")
    conn.execute(
        order_notices.insert().values(
            order_id=order_id,
            kind=kind,
            customer_id=customer_id,
            channel=channel,
            sender_id=sender_id,
            created_at=now,
        )
    )


def change_channel(conn: sa.engine.Connection, order_id: str, kind: str, channel: str) -> None:
    """The widget could not be reached after all: the notice went another way."""
    conn.execute(
        order_notices.update()
        .where(order_notices.c.order_id == order_id, order_notices.c.kind == kind)
        .values(channel=channel, sender_id=None)
    )


def notices(conn: sa.engine.Connection, order_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every notice (of one order), oldest first."""
    query = sa.select(order_notices).order_by(order_notices.c.id)
    if order_id is not None:
        query = query.where(order_notices.c.order_id == order_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def late_kind(promised_on: Optional[date]) -> str:
    """The notice of a missed promise: once per order and promised date."""
    return f"late:{promised_on.isoformat() if promised_on else 'unknown'}"


def untold_late_orders(conn: sa.engine.Connection, today: date) -> List[OrderFacts]:
    """Orders past their promised date, not delivered, whose customer nobody told about it.

    ``today`` is the business's date (``GRACIOUS_TIMEZONE``), not UTC's."""
    query = (
        sa.select(orders.c.id)
        .where(
            orders.c.delivered_on.is_(None),
            orders.c.promised_on.is_not(None),
            orders.c.promised_on < today,
            sa.func.lower(orders.c.status) != "delivered",
        )
        .order_by(orders.c.promised_on, orders.c.id)
    )
    found = []
    for (order_id,) in list(conn.execute(query)):
        order = order_facts(conn, order_id)
        if order is not None and order.late(today) and not told(conn, order.id, late_kind(order.promised_on)):
            found.append(order)
    return found


def updates_key(reference: str, sender_id: str) -> str:
    """The key of a sign-up for an order's updates by email (actions/promised.py writes it)."""
    return f"delivery-updates:{reference}:{sender_id}"


# "please STOP the tracking update emails for the grinder" (blind panel p54 B12): kept as a notice of its own kind, once
# per order; no update about the order is emailed after it (server/company/notify.py).
UPDATES_STOPPED = "updates-stopped"


def stop_updates(
    conn: sa.engine.Connection, order_id: str, customer_id: str, sender_id: Optional[str], now: datetime
) -> bool:
    """No more update emails about ``order_id``; False when they were stopped already."""
    if told(conn, order_id, UPDATES_STOPPED):
        return False
    _insert(conn, order_id, customer_id, UPDATES_STOPPED, "none", now, sender_id)
    return True


def updates_stopped(conn: sa.engine.Connection, order_id: str) -> bool:
    """Whether the customer asked for no more update emails about this order."""
    return told(conn, order_id, UPDATES_STOPPED)


def signed_up_for_updates(conn: sa.engine.Connection, order_id: str) -> bool:
    """Whether someone asked for this order's updates by email (their sign-up is in the outbox), and has not asked
    since for them to stop."""
    return updates_state(conn, order_id) == (False, True)


def updates_state(conn: sa.engine.Connection, order_id: str) -> Tuple[bool, bool]:
    """Whether the order's update emails were stopped, and whether they were ever asked for, in one read each."""
    if updates_stopped(conn, order_id):
        return True, False
    prefix = updates_key(order_id, "")
    found = conn.execute(
        sa.select(outbox.c.id).where(outbox.c.topic == "delivery_updates", outbox.c.key.like(f"{prefix}%")).limit(1)
    ).first()
    return False, found is not None
