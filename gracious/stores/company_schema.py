"""The company's tables, for SQLite and PostgreSQL alike (SQLAlchemy Core).

``company.py`` reads and writes them; ``grants.py`` keeps each grant to once per
record. A table added here is created by ``CompanyData.ensure_ready``; an index
added to an existing table needs creating there too (``create_all`` skips
tables that exist, and their indexes with them).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("email", sa.String(200)),
    sa.Column("phone", sa.String(40)),
)
products = sa.Table(
    "products",
    metadata,
    sa.Column("name", sa.String(80), primary_key=True),
    sa.Column("category", sa.String(40), nullable=False),
)
orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("customer_id", sa.String(16), sa.ForeignKey("customers.id")),
    sa.Column("item", sa.String(80), nullable=False),
    sa.Column("ordered", sa.String(120)),
    sa.Column("shipped", sa.String(120)),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("placed_on", sa.Date),
    sa.Column("promised_on", sa.Date),
    sa.Column("delivered_on", sa.Date),
    sa.Column("total", sa.Float, nullable=False),
)
bills = sa.Table(
    "bills",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("customer_id", sa.String(16), sa.ForeignKey("customers.id")),
    sa.Column("period", sa.String(40)),
    sa.Column("discount_rate", sa.Float, nullable=False),
    sa.Column("discount_applied", sa.Float, nullable=False),
    sa.Column("complex", sa.Boolean, nullable=False, default=False),
)
call_lines = sa.Table(
    "call_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("bill_id", sa.String(16), sa.ForeignKey("bills.id")),
    sa.Column("destination", sa.String(80)),
    sa.Column("international", sa.Boolean, nullable=False),
    sa.Column("minutes", sa.Integer),
    sa.Column("amount", sa.Float, nullable=False),
)
coupons = sa.Table(
    "coupons",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("percent_off", sa.Integer, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("goodwill_honoured", sa.Boolean, nullable=False, default=False),
)
grants = sa.Table(
    "grants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("reference", sa.String(40)),
    sa.Column("customer_id", sa.String(16)),
    sa.Column("amount", sa.Float),
    sa.Column("note", sa.String(200)),
    sa.Column("created_at", sa.DateTime, nullable=False),
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

settings_table = sa.Table(
    "company_settings",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200)),
)
