"""The desk's tables: agents, their sessions, failed sign-ins, notes on handoffs, follow-ups by email,
canned replies and first replies.

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
# The desk's side of each follow-up by email the chat promised (server/desk/followups.py): the promise
# itself is the company's ``followup`` grant and its commitment, by its key (``grant:<id>:<created>``);
# here, who is writing to the customer, when it was done and what they wrote, and the case card
# made from the conversation when it has no handoff.
followup_tasks = record_table(
    "followup_tasks",
    metadata,
    required("key", sa.String(200), unique=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("claimed_by", sa.String(80)),
    sa.Column("done_by", sa.String(80)),
    sa.Column("done_at", sa.DateTime),
    sa.Column("note", sa.Text),
    sa.Column("summary", sa.Text),
    sa.Column("updated_at", sa.DateTime),
)
# The team's canned replies (server/desk/replies.py): seeded once from the playbook's suggested replies
# (``seed_key`` names the domain response each came from, so each is seeded once, also when deleted since);
# a deleted reply keeps its row with ``deleted_at``.
canned_replies = record_table(
    "canned_replies",
    metadata,
    required("title", sa.String(80)),
    required("text", sa.Text),
    sa.Column("seed_key", sa.String(80), unique=True),
    sa.Column("created_by", sa.String(80)),
    sa.Column("updated_by", sa.String(80)),
    sa.Column("updated_at", sa.DateTime),
    sa.Column("deleted_at", sa.DateTime),
)
# When an agent first replied to the customer of a handoff: the desk's first-reply timer stops there
# (server/desk/shift.py). One row per handoff, never moved by later replies.
handoff_first_replies = record_table(
    "handoff_first_replies",
    metadata,
    required("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id"), unique=True),
    required("agent", sa.String(80)),
)
