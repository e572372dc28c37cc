"""A call booked, moved or cancelled in the chat, with its promises in the same transaction.

Each change writes the ``callbacks`` row and, in the records' outbox, a commitment for
the company's systems (``callback_booked``, ``callback_moved``, ``callback_cancelled``)
and, when we have an address for the customer, an email saying so (catalog/emails.yml).
So "you'll get an email" is true the moment it is said, and a change that fails leaves
no promise behind.

The functions take ``conn`` and run inside one of the records store's transactions
(``Records.book_callback`` and the rest, gracious/stores/records.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gracious.outbox import promises
from gracious.settings import settings
from gracious.stores import clock
from gracious.stores.base import add_row
from gracious.stores.records import callbacks, outbox


@dataclass(frozen=True)
class Notice:
    """Who the call is for: the address to email (None: no email), their name, their account."""

    email: Optional[str] = None
    name: Optional[str] = None
    customer_id: Optional[str] = None


NOBODY = Notice()


def _utc(moment: datetime) -> datetime:
    """A stored (naive UTC) or aware time, as aware UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def local_time(moment: datetime) -> datetime:
    """``moment`` in the business's timezone."""
    return _utc(moment).astimezone(ZoneInfo(settings().timezone))


def written_time(moment: datetime) -> str:
    """The time of a call as an email says it, read later and elsewhere: no "tomorrow",
    always the day, and the business's timezone named ("Thursday 12 June at 3:00 pm, New York time")."""
    local = local_time(moment)
    place = settings().timezone.split("/")[-1].replace("_", " ")
    return f"{local.strftime('%A %-d %B')} at {local.strftime('%-I:%M %p').lower()}, {place} time"


def phone_tail(phone: str) -> str:
    """The last four digits of a number: all an email shows of it."""
    return re.sub(r"\D", "", phone or "")[-4:]


def will_email(notice: Notice, phone: str) -> bool:
    """Whether a change to a call on ``phone`` emails the customer: an address, and a number to name."""
    return bool(notice.email) and bool(phone_tail(phone))


def _facts(row: Any, notice: Notice) -> Dict[str, Any]:
    """What the company's systems are told about the call."""
    local = local_time(row.scheduled_for)
    return {
        "callback_id": row.id,
        "sender_id": row.sender_id,
        "handoff_id": row.handoff_id,
        "customer_id": notice.customer_id,
        "scheduled_for": _utc(row.scheduled_for).isoformat().replace("+00:00", "Z"),
        "local_time": local.isoformat(),
        "timezone": settings().timezone,
        "phone": row.phone,
        "reason": row.reason,
        "status": row.status,
    }


def _promise(
    conn: sa.engine.Connection,
    row: Any,
    notice: Notice,
    event: str,
    key: str,
    data: Optional[Dict[str, Any]] = None,
    words: Optional[Dict[str, Any]] = None,
) -> None:
    """The commitment for the company's systems, and the email when there is an address."""
    data, words = data or {}, words or {}
    promises.commitment(
        conn, outbox, key=key, event=event, data={**_facts(row, notice), **data}, sender_id=row.sender_id
    )
    if notice.email and will_email(notice, row.phone):
        shown = {"callback_when": written_time(row.scheduled_for), "phone_tail": phone_tail(row.phone), **words}
        promises.email(
            conn,
            outbox,
            key=f"{key}:email",
            topic=event,
            template=event,
            to=notice.email,
            name=notice.name,
            variables=shown,
            sender_id=row.sender_id,
        )


def stamp(moment: datetime) -> str:
    """A row's creation time in a promise's key (UTC, compact, to the microsecond)."""
    return f"{clock.stored(moment):%Y%m%dT%H%M%S%fZ}"


def callback_key(row: Any) -> str:
    """The start of each promise's key about a call: its id and when it was booked, so a call
    in a records database made again (ids from 1 once more) never repeats an old call's keys."""
    return f"callback:{row.id}:{stamp(row.created_at)}"


def _call(conn: sa.engine.Connection, callback_id: int) -> Any:
    return conn.execute(sa.select(callbacks).where(callbacks.c.id == callback_id)).first()


def book(
    conn: sa.engine.Connection,
    sender_id: str,
    when: datetime,
    phone: str,
    reason: str,
    handoff_id: Optional[int],
    notice: Notice = NOBODY,
    summary: Optional[Dict[str, Any]] = None,
    customer_id: Optional[str] = None,
) -> int:
    """Book a call; its id. The commitment ``callback:<id>:<booked at>:booked`` (and its email) with it.
    ``summary``: the case as an agent reads it (a handoff's summary), the desk's card for the call;
    ``customer_id``: the customer the chat knew (their other chats find the call)."""
    callback_id = add_row(
        conn,
        callbacks,
        sender_id=sender_id,
        scheduled_for=clock.stored(when),
        phone=phone,
        reason=reason[:200],
        handoff_id=handoff_id,
        status="booked",
        summary=json.dumps(summary, sort_keys=True, default=str) if summary else None,
        customer_id=customer_id,
    )
    row = _call(conn, callback_id)
    _promise(conn, row, notice, "callback_booked", f"{callback_key(row)}:booked")
    if handoff_id is not None:
        from gracious.stores import handoff_queue

        # A call instead of waiting: the case leaves the queue (a person holding it keeps it).
        handoff_queue.leave(conn, handoff_id, handoff_queue.CALLBACK_BOOKED)
    return callback_id


def move(conn: sa.engine.Connection, callback_id: int, when: datetime, phone: str, notice: Notice = NOBODY) -> bool:
    """Move a booked call to a new time (or number); False when it is no longer booked.

    Each move is its own promise: ``callback:<id>:<booked at>:moved:<n>``, n counting the moves.
    """
    before = _call(conn, callback_id)
    changed = conn.execute(
        callbacks.update()
        .where(callbacks.c.id == callback_id, callbacks.c.status == "booked")
        .values(scheduled_for=clock.stored(when), phone=phone)
    )
    if changed.rowcount != 1:
        return False
    prefix = f"{callback_key(before)}:moved:"
    moves = conn.execute(
        sa.select(sa.func.count())
        .select_from(outbox)
        .where(outbox.c.kind == "webhook", outbox.c.key.like(prefix + "%"))
    ).scalar()
    number = int(moves or 0) + 1
    data = {
        "move": number,
        "previous_scheduled_for": _utc(before.scheduled_for).isoformat().replace("+00:00", "Z"),
        "previous_phone": before.phone,
    }
    # A new number for the same time: the email says which number it was.
    same_number = phone_tail(before.phone) == phone_tail(phone)
    words = {
        "old_when": written_time(before.scheduled_for)
        + ("" if same_number else f", on the number ending {phone_tail(before.phone)}")
    }
    _promise(conn, _call(conn, callback_id), notice, "callback_moved", f"{prefix}{number}", data, words)
    return True


def cancel(conn: sa.engine.Connection, callback_id: int, notice: Notice = NOBODY) -> bool:
    """Cancel a booked call; False when it was not booked (already made or cancelled)."""
    changed = conn.execute(
        callbacks.update()
        .where(callbacks.c.id == callback_id, callbacks.c.status == "booked")
        .values(status="cancelled")
    )
    if changed.rowcount != 1:
        return False
    row = _call(conn, callback_id)
    _promise(conn, row, notice, "callback_cancelled", f"{callback_key(row)}:cancelled")
    return True


def address_told(conn: sa.engine.Connection, row: Any) -> Notice:
    """Who was emailed about this call (the booking's address, as its latest email has it: the
    callbacks row keeps none), or NOBODY when no email about it was ever queued."""
    found = conn.execute(
        sa.select(outbox.c.payload)
        .where(outbox.c.kind == "email", outbox.c.key.startswith(f"{callback_key(row)}:", autoescape=True))
        .order_by(outbox.c.id.desc())
        .limit(1)
    ).first()
    payload = json.loads(found.payload) if found else {}
    return Notice(email=payload.get("to"), name=payload.get("name")) if payload.get("to") else NOBODY


def email_moved(
    conn: sa.engine.Connection, row: Any, when: datetime, key: str, template: str = "callback_moved"
) -> bool:
    """An agent booked the call ``row`` again for ``when``: the email saying so (``template``:
    ``callback_moved`` for a new time agreed with the customer, ``callback_retry`` after no answer)
    to the address the booking used, in ``conn``'s transaction; False when there is nowhere to write."""
    notice = address_told(conn, row)
    if not notice.email or not will_email(notice, row.phone):
        return False
    promises.email(
        conn,
        outbox,
        key=f"{key}:email",
        topic=template,
        template=template,
        to=notice.email,
        name=notice.name,
        variables={
            "old_when": written_time(row.scheduled_for),
            "callback_when": written_time(when),
            "phone_tail": phone_tail(row.phone),
        },
        sender_id=row.sender_id,
    )
    return True
