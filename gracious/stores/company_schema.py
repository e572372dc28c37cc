"""The company's tables, for SQLite and PostgreSQL alike (SQLAlchemy Core).

``company.py`` reads and writes them; ``grants.py`` keeps each grant to once per
record. A table added here is created by ``CompanyData.prepare``; an index
added to an existing table needs creating there too (``create_all`` skips
tables that exist, and their indexes with them).
"""

from __future__ import annotations

import sqlalchemy as sa

from gracious.outbox.table import outbox_table
from gracious.stores.base import record_table, required, serial_id

metadata = sa.MetaData()


def _reference_key() -> sa.Column:
    """The id a customer reads out: "C001", "LK-10421", "BL-30017"."""
    return sa.Column("id", sa.String(16), primary_key=True)


def _customer() -> sa.Column:
    return sa.Column("customer_id", sa.String(16), sa.ForeignKey("customers.id"))


customers = sa.Table(
    "customers",
    metadata,
    _reference_key(),
    required("name", sa.String(120)),
    sa.Column("email", sa.String(200)),
    sa.Column("phone", sa.String(40)),
)
products = sa.Table(
    "products",
    metadata,
    sa.Column("name", sa.String(80), primary_key=True),
    required("category", sa.String(40)),
)
orders = sa.Table(
    "orders",
    metadata,
    _reference_key(),
    _customer(),
    required("item", sa.String(80)),
    sa.Column("ordered", sa.String(120)),
    sa.Column("shipped", sa.String(120)),
    required("status", sa.String(40)),
    sa.Column("placed_on", sa.Date),
    sa.Column("promised_on", sa.Date),
    sa.Column("delivered_on", sa.Date),
    required("total", sa.Float),
    # The date first given, kept when the company moves ``promised_on`` (gracious/stores/notices.py):
    # an order past it is still late for the late-delivery policy. None: never moved.
    sa.Column("first_promised_on", sa.Date),
)
bills = sa.Table(
    "bills",
    metadata,
    _reference_key(),
    _customer(),
    sa.Column("period", sa.String(40)),
    required("discount_rate", sa.Float),
    required("discount_applied", sa.Float),
    required("complex", sa.Boolean, default=False),
)
call_lines = sa.Table(
    "call_lines",
    metadata,
    serial_id(),
    sa.Column("bill_id", sa.String(16), sa.ForeignKey("bills.id")),
    sa.Column("destination", sa.String(80)),
    required("international", sa.Boolean),
    sa.Column("minutes", sa.Integer),
    required("amount", sa.Float),
)
coupons = sa.Table(
    "coupons",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    required("percent_off", sa.Integer),
    required("expires_on", sa.Date),
    required("goodwill_honoured", sa.Boolean, default=False),
)
grants = record_table(
    "grants",
    metadata,
    required("kind", sa.String(40)),
    sa.Column("reference", sa.String(40)),
    sa.Column("customer_id", sa.String(16)),
    sa.Column("amount", sa.Float),
    sa.Column("note", sa.String(200)),
)
# A withdrawn grant's row is deleted: its id is never given to another grant (SQLite's AUTOINCREMENT;
# PostgreSQL's sequence never reuses one). Only a new database gets it: create_all alters no table.
grants.dialect_options["sqlite"]["autoincrement"] = True
# Each knowledge check a customer made ("the email on my account is ..."): whether it
# matched, from which address and conversation. Failures are counted per address.
account_checks = record_table(
    "account_checks",
    metadata,
    required("address", sa.String(64)),
    required("sender", sa.String(128)),
    required("matched", sa.Boolean),
)

# Kinds granted at most once per bill, order or coupon, whichever conversation asks.
# A follow-up email, or a valid coupon applied ("coupon_applied": codes like
# WELCOME10 are shared by everyone), can happen again and is left out.
ONCE_PER_RECORD = ("credit", "honour_coupon", "refund", "exchange", "replacement", "remake")
# What makes "once" hold when two conversations grant at the same moment. Its
# condition is part of its definition: to change ONCE_PER_RECORD, give the index
# a new name and drop the old one in ``grants.ensure_once_index``.
_once = sa.and_(grants.c.reference.isnot(None), grants.c.kind.in_(ONCE_PER_RECORD))
once_per_record = sa.Index(
    "uq_grants_once_per_record",
    grants.c.kind,
    grants.c.reference,
    unique=True,
    sqlite_where=_once,
    postgresql_where=_once,
)

# Promises made with a grant (the commitment to the company's systems, the emails that go
# with it), written in the grant's own transaction: gracious/outbox/.
outbox = outbox_table(metadata)

settings_table = sa.Table(
    "company_settings",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200)),
)

# The demo company's own side: each commitment its receiver (server/company/receiver.py) took
# from Gracious, one row per Idempotency-Key, so a commitment delivered twice is applied once.
# A credit, refund, replacement, exchange or remake applied here is what reading the bill or
# order then shows (gracious/stores/applied.py); ``outcome`` is "applied", "recorded" (a call,
# an agent's outcome) or "received" (an event the demo company does not act on).
applied_commitments = sa.Table(
    "applied_commitments",
    metadata,
    serial_id(),
    required("key", sa.String(200), unique=True),
    required("event", sa.String(60)),
    sa.Column("reference", sa.String(40), index=True),
    sa.Column("customer_id", sa.String(16)),
    sa.Column("amount", sa.Float),
    sa.Column("grant_id", sa.Integer),
    required("outcome", sa.String(20)),
    required("body", sa.Text),
    required("received_at", sa.DateTime),
    # When a withdrawn grant took this one back.
    sa.Column("withdrawn_at", sa.DateTime),
)
