"""The desk's tables: agents, their sessions, failed sign-ins and notes on handoffs.

They share the records store's MetaData (gracious/stores/records.py), so one
``ensure_schema`` makes the assistant's tables and the desk's, in one database:
importing this module is what adds them.
"""

from __future__ import annotations

import sqlalchemy as sa

from gracious.stores.base import record_table, required, serial_id
from gracious.stores.records import metadata

agents = record_table(
    "agents",
    metadata,
    required("name", sa.String(40), unique=True),
    required("display_name", sa.String(80)),
    required("password_hash", sa.String(255)),
    # "lead" for a lead, who sees every case; empty for an agent.
    sa.Column("role", sa.String(20)),
)
# Only the SHA-256 of a session token is kept.
desk_sessions = sa.Table(
    "desk_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    required("agent_id", sa.Integer, sa.ForeignKey("agents.id"), index=True),
    required("created_at", sa.DateTime),
    required("expires_at", sa.DateTime),
)
login_failures = sa.Table(
    "login_failures",
    metadata,
    serial_id(),
    required("name", sa.String(80), index=True),
    required("client", sa.String(255), index=True),
    required("at", sa.DateTime, index=True),
)
# Internal notes on a handoff, never shown to the customer.
handoff_notes = record_table(
    "handoff_notes",
    metadata,
    required("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id"), index=True),
    required("agent", sa.String(80)),
    required("text", sa.Text),
)
