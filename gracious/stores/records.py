"""Gracious's own records: handoffs, callbacks, concerns, thank-you notes, feedback, ratings.

SQLite by default (``var/gracious.db``); any SQLAlchemy URL (PostgreSQL included)
through ``GRACIOUS_RECORDS_DB_URL``. The agent desk reads and writes the same
tables, so a handoff written here is what an agent sees.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import sqlalchemy as sa

from gracious.outbox.table import outbox_table
from gracious.stores import base, thank_you
from gracious.stores.base import Store, record_table, required

if TYPE_CHECKING:
    from gracious.stores.callback_changes import Notice

metadata = sa.MetaData()


def _conversation_table(name: str, *columns: sa.Column) -> sa.Table:
    """A table of things that happened in a conversation: id, the conversation, ``columns``, the time."""
    return record_table(name, metadata, required("sender_id", sa.String(255), index=True), *columns)


handoffs = _conversation_table(
    "handoffs",
    required("reason", sa.String(60)),
    required("team", sa.String(60)),
    required("status", sa.String(30)),
    required("summary", sa.Text),
    base.created_at(),
    # Written by the agent desk: who holds the case, and how it ended.
    sa.Column("agent", sa.String(80)),
    sa.Column("outcome", sa.String(40)),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("updated_at", sa.DateTime),
    # Where the customer wrote from, for the limit on handoffs per address (handoff_queue.py).
    sa.Column("client_address", sa.String(255)),
    # Left the queue (status "left"): callback_booked, cancelled, went_away or email_instead (handoff_queue.py).
    sa.Column("left_reason", sa.String(30)),
    # The waiting customer's widget last seen open, told their place, offered a call or an email (server/desk/waiting.py).
    sa.Column("seen_at", sa.DateTime),
    sa.Column("told_at", sa.DateTime),
    sa.Column("offered_at", sa.DateTime),
    # True: the customer was told their place and waits here; False: offered a call or an email instead
    # (nobody on duty, or out of hours); None: written before this column (server/desk/upgrade.py settles it).
    sa.Column("queued", sa.Boolean),
)
callbacks = _conversation_table(
    "callbacks",
    sa.Column("handoff_id", sa.Integer),
    required("scheduled_for", sa.DateTime),
    required("phone", sa.String(60)),
    sa.Column("reason", sa.String(200)),
    required("status", sa.String(30)),
    # Worked at the desk (server/desk/callback_list.py): who is making the call, the calls tried,
    # the outcomes recorded (each one a commitment in the outbox), the last of them and when.
    sa.Column("claimed_by", sa.String(80)),
    sa.Column("attempts", sa.Integer),
    sa.Column("outcomes", sa.Integer),
    sa.Column("outcome", sa.String(30)),
    sa.Column("updated_at", sa.DateTime),
    # The case as it stood when the call was booked (JSON, as a handoff's ``summary``), for the desk's
    # card when the call has no handoff: given at booking, or made by the desk from the conversation.
    sa.Column("summary", sa.Text),
    # The customer the chat knew when the call was booked (signed in or checked), so another chat of
    # theirs finds it whatever number it is on (blind panel p39 17 to 19).
    sa.Column("customer_id", sa.String(16), index=True),
)
# Who wrote a note the customer added in the chat (records.note_on_call), as the desk shows it.
CUSTOMER_NOTE = "The customer, in the chat"
# Agents' notes on a callback, shown at the desk only (and the customer's own, under CUSTOMER_NOTE).
callback_notes = record_table(
    "callback_notes",
    metadata,
    required("callback_id", sa.Integer, index=True),
    required("agent", sa.String(80)),
    required("text", sa.Text),
)
concerns = _conversation_table(
    "concerns",
    required("category", sa.String(60)),
    sa.Column("policy_id", sa.String(60)),
    required("outcome", sa.String(60)),
    required("frustration", sa.Integer, default=0),
)
# One per case closed with a verified address (queue_thank_you): the note itself is the outbox
# row ``outbox_key``, which says whether it went ("in_outbox" here; thank_you_notes() reads its state).
thank_you_notes = _conversation_table(
    "thank_you_notes",
    sa.Column("customer_id", sa.String(16)),
    # The email template (catalog/emails.yml); older rows hold a response name.
    required("response", sa.String(80)),
    required("variables", sa.Text),
    required("status", sa.String(30)),
    sa.Column("outbox_key", sa.String(200), unique=True),
    sa.Column("due_at", sa.DateTime),
)
feedback = _conversation_table("feedback", required("text", sa.Text))
# The one-question satisfaction rating after an agent closed the conversation.
ratings = _conversation_table("ratings", required("rating", sa.Integer), sa.Column("handoff_id", sa.Integer))
# Written by the agent desk while an agent is signed in and on duty.
agent_presence = sa.Table(
    "agent_presence",
    metadata,
    sa.Column("agent", sa.String(80), primary_key=True),
    required("last_seen", sa.DateTime),
    # "available" or "away" (POST /desk/api/availability); only available agents are on duty.
    sa.Column("status", sa.String(20)),
)

# Promises made from the records (callbacks, thank-you notes, agents' outcomes): gracious/outbox/.
outbox = outbox_table(metadata)

# A desk polls every two seconds: an agent whose desk stopped asking is off duty this soon.
PRESENCE_TIMEOUT = timedelta(seconds=30)


def ensure_schema(engine: sa.engine.Engine) -> None:
    """Create the records' tables (and the desk's, once imported), adding columns newer code expects."""
    base.ensure_schema(engine, metadata)


class Records(Store):
    """Async access to Gracious's own tables. One instance per process."""

    metadata = metadata

    async def _insert(self, table: sa.Table, **values: Any) -> int:
        return await self.run(base.add_row, table, **values)

    async def note_on_call(self, callback_id: int, text: str) -> int:
        """The customer's own words added to their booked call ("just make sure they know its about moving the brunch
        inside"), shown at the desk with the agents' notes, marked as theirs."""
        return await self._insert(callback_notes, callback_id=callback_id, agent=CUSTOMER_NOTE, text=text[:2000])

    async def create_handoff(self, sender_id: str, reason: str, team: str, summary: Dict[str, Any]) -> int:
        return await self._insert(
            handoffs,
            sender_id=sender_id,
            reason=reason,
            team=team,
            status="waiting",
            summary=json.dumps(summary, sort_keys=True, default=str),
        )

    async def handoff(self, handoff_id: int) -> Optional[Dict[str, Any]]:
        def read(conn):
            row = conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
            if not row:
                return None
            data = dict(row._mapping)
            data["summary"] = json.loads(data["summary"])
            return data

        return await self.run(read)

    async def waiting_ahead(self, handoff_id: int) -> int:
        """How many live handoffs (waiting, not left or finished) were opened before this one."""
        from gracious.stores import handoff_queue

        return int(await self.run(handoff_queue.live_ahead, handoff_id))

    async def agents_on_duty(self) -> int:
        """Agents who are available and whose desk reported in within the presence timeout."""
        from gracious.stores import handoff_queue

        return int(await self.run(handoff_queue.on_duty))

    async def book_callback(
        self,
        sender_id: str,
        when: datetime,
        phone: str,
        reason: str,
        handoff_id: Optional[int],
        notice: Optional["Notice"] = None,
        summary: Optional[Dict[str, Any]] = None,
        customer_id: Optional[str] = None,
    ) -> int:
        """Book a call, with its commitment and (``notice`` with an address) its confirmation
        email in the same transaction (gracious/stores/callback_changes.py). ``summary``: the
        case as an agent reads it (actions/handoff.py's ``case_summary``), kept with the call;
        ``customer_id``: the customer the chat knew, whose other chats find the call."""
        from gracious.stores import callback_changes

        return int(
            await self.run(
                callback_changes.book,
                sender_id,
                when,
                phone,
                reason,
                handoff_id,
                notice or callback_changes.NOBODY,
                summary,
                customer_id,
            )
        )

    async def booked_for(self, customer_id: Optional[str], phone: str, besides: str = "") -> List[Dict[str, Any]]:
        """The calls still booked for this customer, or on their number, in any conversation but
        ``besides``, soonest first ("no call tomorrow?" in a new chat from a customer who booked one
        in another, on whatever number)."""
        digits = re.sub(r"\D", "", phone or "")[-7:]
        if not customer_id and len(digits) < 7:
            return []

        def read(conn):
            mine = callbacks.c.customer_id == customer_id if customer_id else sa.false()
            # The number's last seven digits, matched in Python (numbers are stored as typed).
            tail = callbacks.c.phone.like(f"%{digits[-4:]}") if len(digits) == 7 else sa.false()
            query = (
                sa.select(callbacks)
                .where(callbacks.c.status == "booked", callbacks.c.sender_id != besides, sa.or_(mine, tail))
                .order_by(callbacks.c.scheduled_for)
            )
            return [dict(r._mapping) for r in conn.execute(query)]

        return [
            r
            for r in await self.run(read)
            if (customer_id and r.get("customer_id") == customer_id)
            or (len(digits) == 7 and re.sub(r"\D", "", str(r.get("phone") or ""))[-7:] == digits)
        ]

    async def callback(self, callback_id: int) -> Optional[Dict[str, Any]]:
        """One booked call, its time back in UTC (timezone-aware)."""

        def read(conn):
            row = conn.execute(sa.select(callbacks).where(callbacks.c.id == callback_id)).first()
            if row is None:
                return None
            found = dict(row._mapping)
            found["scheduled_for"] = found["scheduled_for"].replace(tzinfo=timezone.utc)
            return found

        return await self.run(read)

    async def move_callback(
        self, callback_id: int, when: datetime, phone: str, notice: Optional["Notice"] = None
    ) -> bool:
        """Move a booked call to a new time (and number), its promises with it; False when it is no longer booked."""
        from gracious.stores import callback_changes

        return bool(await self.run(callback_changes.move, callback_id, when, phone, notice or callback_changes.NOBODY))

    async def cancel_callback(self, callback_id: int, notice: Optional["Notice"] = None) -> bool:
        """Cancel a booked call, its promises with it; False when it was not booked (already made or cancelled)."""
        from gracious.stores import callback_changes

        return bool(await self.run(callback_changes.cancel, callback_id, notice or callback_changes.NOBODY))

    async def log_concern(
        self, sender_id: str, category: str, policy_id: Optional[str], outcome: str, frustration: int
    ) -> int:
        return await self._insert(
            concerns,
            sender_id=sender_id,
            category=category,
            policy_id=policy_id,
            outcome=outcome,
            frustration=frustration,
        )

    async def queue_thank_you(
        self,
        sender_id: str,
        customer_id: Optional[str],
        case: str,
        to: str,
        name: Optional[str],
        variables: Dict[str, Any],
        delay: timedelta,
    ) -> int:
        """The thank-you note for a case: an email due ``delay`` from now, once per case (thank_you.py)."""
        return int(
            await self.run(
                thank_you.queue, thank_you_notes, outbox, sender_id, customer_id, case, to, name, variables, delay
            )
        )

    async def thank_you_notes(self, sender_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The thank-you notes, each with its email's state in the outbox (``status``: pending,
        sending or delivered; ``delivered_at``, ``attempts`` and ``last_error`` beside it)."""
        return await self.run(thank_you.notes, thank_you_notes, outbox, sender_id)

    async def record_feedback(self, sender_id: str, text: str) -> int:
        return await self._insert(feedback, sender_id=sender_id, text=text)

    async def record_rating(self, sender_id: str, rating: int, handoff_id: Optional[int] = None) -> int:
        """Keep a satisfaction rating (1 to 5); ValueError for anything else."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValueError(f"A rating is a whole number from 1 to 5, not {rating!r}.")
        return await self._insert(ratings, sender_id=sender_id, rating=rating, handoff_id=handoff_id)

    async def record_rating_once(self, sender_id: str, rating: int, handoff_id: Optional[int]) -> bool:
        """Keep the case's rating unless it has one already (one per handoff; without a handoff, one
        per conversation); False when it had. ValueError for a rating outside 1 to 5."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValueError(f"A rating is a whole number from 1 to 5, not {rating!r}.")
        case = ratings.c.handoff_id == handoff_id if handoff_id is not None else ratings.c.sender_id == sender_id

        def write(conn):
            if conn.execute(sa.select(ratings.c.id).where(case).limit(1)).first() is not None:
                return False
            base.add_row(conn, ratings, sender_id=sender_id, rating=rating, handoff_id=handoff_id)
            return True

        return bool(await self.run(write))

    async def rows(self, table_name: str, sender_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every row of a table (optionally one conversation's), oldest first."""
        table = metadata.tables[table_name]

        def read(conn):
            query = sa.select(table).order_by(table.c[list(table.primary_key.columns)[0].name])
            if sender_id is not None and "sender_id" in table.c:
                query = query.where(table.c.sender_id == sender_id)
            return [dict(r._mapping) for r in conn.execute(query)]

        return await self.run(read)
