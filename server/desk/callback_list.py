"""The callbacks agents work: the team's list in four groups, claim, how the call went, notes.

Every booked call is on the list for every agent (calling back is the team's job,
not one person's), grouped by its time against now in the business's timezone:
due now (within DUE_WINDOW either side), overdue (later than that and still
booked), later today, upcoming. One agent claims a call while making it; the
outcome (reached, no answer, rescheduled, cancelled) is written with a
commitment for the company's systems in the same transaction
(gracious/outbox/promises.py), once per outcome. The functions taking ``conn``
run inside one of the desk store's transactions (server/desk/store.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gracious.outbox import promises
from gracious.stores.base import add_row
from gracious.stores.callback_changes import callback_key, email_moved
from gracious.stores.records import callback_notes, callbacks
from gracious.stores.records import outbox as records_outbox
from server.desk import cases, cleaning

DUE_WINDOW = timedelta(minutes=15)
GROUPS = ("overdue", "due_now", "later_today", "upcoming")
OUTCOMES = ("reached", "no_answer", "rescheduled", "cancelled")
# The outcomes that book the call again, at the time the agent gives.
NEEDS_TIME = ("no_answer", "rescheduled")
MAX_NOTE_LENGTH = 2000


class Refused(Exception):
    """Nothing was changed: ``status`` 400 for a request that can never work, 409 for one that
    does not fit the call as it is now; the message says why, in plain words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _utc_iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored (naive UTC) time in the business's timezone."""
    return moment.replace(tzinfo=timezone.utc).astimezone(zone)


def spoken(moment: datetime, today: date) -> str:
    """'Today, 9:05 AM', 'Tomorrow, 10:00 AM' or 'Fri 17 May, 2:30 PM' (already local)."""
    hour = moment.strftime("%I:%M %p").lstrip("0")
    if moment.date() == today:
        day = "Today"
    elif moment.date() == today + timedelta(days=1):
        day = "Tomorrow"
    elif moment.date() == today - timedelta(days=1):
        day = "Yesterday"
    else:
        day = f"{moment:%a} {moment.day} {moment:%b}"
    return f"{day}, {hour}"


def group(scheduled: datetime, now: datetime, zone: ZoneInfo) -> str:
    """Which group a booked call is in, both times stored (naive UTC)."""
    if scheduled < now - DUE_WINDOW:
        return "overdue"
    if scheduled <= now + DUE_WINDOW:
        return "due_now"
    if local(scheduled, zone).date() == local(now, zone).date():
        return "later_today"
    return "upcoming"


def parse_time(value: Any, now: datetime, zone: ZoneInfo) -> datetime:
    """The agent's time for the next call (ISO, as a datetime-local field sends it: in the
    business's timezone unless it carries an offset), stored (naive UTC); Refused(400) for
    anything unreadable or not in the future."""
    if not isinstance(value, str) or not value.strip():
        raise Refused(400, "Give the time of the next call, like 2024-05-17T14:30.")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Refused(
            400, f"That time can't be read: {value[:40]!r}. Use a date and time like 2024-05-17T14:30."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    stored = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if stored <= now:
        raise Refused(400, "That time has already passed. Choose a time later than now.")
    return stored


def _notes(conn: sa.engine.Connection, callback_id: int) -> List[Dict[str, Any]]:
    rows = conn.execute(
        sa.select(callback_notes).where(callback_notes.c.callback_id == callback_id).order_by(callback_notes.c.id)
    )
    return [{"agent": n.agent, "text": n.text, "created_at": _utc_iso(n.created_at)} for n in rows]


def entry(conn: sa.engine.Connection, row: Any, now: datetime, zone: ZoneInfo) -> Dict[str, Any]:
    """One call as the desk shows it."""
    when = local(row.scheduled_for, zone)
    return {
        "id": row.id,
        "sender_id": row.sender_id,
        "group": group(row.scheduled_for, now, zone),
        "scheduled_for": _utc_iso(row.scheduled_for),
        "local_time": when.strftime("%Y-%m-%dT%H:%M"),
        "time": spoken(when, local(now, zone).date()),
        "minutes_late": max(0, int((now - row.scheduled_for).total_seconds() // 60)),
        "phone": row.phone,
        "reason": row.reason,
        "status": row.status,
        "claimed_by": row.claimed_by,
        "attempts": row.attempts or 0,
        "outcome": row.outcome,
        "notes": _notes(conn, row.id),
        "booked_at": _utc_iso(row.created_at),
        "case": cases.for_call(conn, row),
    }


def listing(conn: sa.engine.Connection, now: datetime, zone: ZoneInfo) -> Dict[str, Any]:
    """Every booked call in its group, soonest first, with the count of each group."""
    rows = conn.execute(
        sa.select(callbacks).where(callbacks.c.status == "booked").order_by(callbacks.c.scheduled_for, callbacks.c.id)
    )
    groups: Dict[str, List[Dict[str, Any]]] = {name: [] for name in GROUPS}
    for row in list(rows):
        item = entry(conn, row, now, zone)
        groups[item["group"]].append(item)
    return {
        "timezone": zone.key,
        "now": _utc_iso(now),
        "today": local(now, zone).strftime("%A %d %B %Y"),
        "counts": {name: len(items) for name, items in groups.items()},
        "groups": groups,
    }


def overdue_count(conn: sa.engine.Connection, now: datetime) -> int:
    """How many booked calls are overdue (for the alert on every desk page)."""
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(callbacks)
            .where(callbacks.c.status == "booked", callbacks.c.scheduled_for < now - DUE_WINDOW)
        ).scalar()
        or 0
    )


def _booked(conn: sa.engine.Connection, callback_id: int) -> Any:
    row = conn.execute(sa.select(callbacks).where(callbacks.c.id == callback_id)).first()
    if row is None:
        raise Refused(400, f"There is no callback {callback_id}.")
    if row.status != "booked":
        raise Refused(409, f"This call is {'done' if row.status == 'done' else row.status} already.")
    return row


def claim(conn: sa.engine.Connection, callback_id: int, name: str, now: datetime) -> Dict[str, Any]:
    """Take a booked call to make it; Refused(409) when another agent has it."""
    row = _booked(conn, callback_id)
    if row.claimed_by == name:
        return {"claimed": callback_id}
    taken = conn.execute(
        callbacks.update()
        .where(callbacks.c.id == callback_id, callbacks.c.status == "booked", callbacks.c.claimed_by.is_(None))
        .values(claimed_by=name, updated_at=now)
    )
    if taken.rowcount != 1:
        raise Refused(409, f"{row.claimed_by or 'Another agent'} is making this call.")
    return {"claimed": callback_id}


def release(
    conn: sa.engine.Connection, callback_id: int, name: str, now: datetime, lead: bool = False
) -> Dict[str, Any]:
    """Give a claimed call back to the team's list: its holder, or a lead (for a call whose
    holder has gone home)."""
    _booked(conn, callback_id)
    holder = callbacks.c.claimed_by.isnot(None) if lead else callbacks.c.claimed_by == name
    given = conn.execute(
        callbacks.update().where(callbacks.c.id == callback_id, holder).values(claimed_by=None, updated_at=now)
    )
    if given.rowcount != 1:
        raise Refused(409, "Only the agent making this call, or a lead, can give it back.")
    return {"released": callback_id}


def record_outcome(
    conn: sa.engine.Connection, callback_id: int, name: str, outcome: str, when: Optional[datetime], now: datetime
) -> Dict[str, Any]:
    """How the call went, by the agent who claimed it, with its commitment for the company's
    systems (``callback:<id>:<booked at>:outcome:<n>``); the call as it is now. ``when`` (stored UTC) is the
    next call's time for ``no_answer`` and ``rescheduled``, which also email the customer the new
    time (``callback_retry`` after no answer, ``callback_moved`` for a time agreed; to the address
    the booking used) in the same transaction."""
    if outcome not in OUTCOMES:
        raise Refused(400, f"Unknown outcome {str(outcome)[:40]!r}; use one of: {', '.join(OUTCOMES)}.")
    if outcome in NEEDS_TIME and when is None:
        raise Refused(400, "Give the time of the next call.")
    row = _booked(conn, callback_id)
    if row.claimed_by != name:
        raise Refused(409, "Claim the call first, so nobody else rings the customer at the same moment.")
    number = (row.outcomes or 0) + 1
    attempts = (row.attempts or 0) + (1 if outcome in ("reached", "no_answer") else 0)
    values: Dict[str, Any] = {"outcome": outcome, "outcomes": number, "attempts": attempts, "updated_at": now}
    if outcome == "reached":
        values["status"] = "done"
    elif outcome == "cancelled":
        values["status"] = "cancelled"
    else:  # booked again at the new time, back on the team's list
        values.update(scheduled_for=when, claimed_by=None)
    changed = conn.execute(
        callbacks.update()
        .where(
            callbacks.c.id == callback_id,
            callbacks.c.status == "booked",
            callbacks.c.claimed_by == name,
            sa.func.coalesce(callbacks.c.outcomes, 0) == number - 1,
        )
        .values(**values)
    )
    if changed.rowcount != 1:  # someone else recorded an outcome between our read and our write
        raise Refused(409, "This call changed a moment ago. Have a look at it again.")
    key = f"{callback_key(row)}:outcome:{number}"
    if outcome in NEEDS_TIME and when is not None:
        # The customer hears of the new time: "we couldn't reach you" after no answer, else "moved".
        email_moved(conn, row, when, key, "callback_retry" if outcome == "no_answer" else "callback_moved")
    promises.commitment(
        conn,
        records_outbox,
        key=key,
        event="callback_outcome",
        data={
            "callback_id": callback_id,
            "handoff_id": row.handoff_id,
            "outcome": outcome,
            "agent": name,
            "attempts": attempts,
            "phone": row.phone,
            "was_scheduled_for": _utc_iso(row.scheduled_for),
            "next_call_at": _utc_iso(when) if outcome in NEEDS_TIME else None,
        },
        sender_id=row.sender_id,
    )
    return {"id": callback_id, "status": values.get("status", "booked"), "outcome": outcome, "attempts": attempts}


def valid_note(text: Any) -> str:
    """The note as kept: cleaned like an agent's reply (cleaning.py); Refused(400) when empty or too long."""
    cleaned = cleaning.plain(text) if isinstance(text, str) and len(text) <= 2 * MAX_NOTE_LENGTH else ""
    if not 1 <= len(cleaned) <= MAX_NOTE_LENGTH:
        raise Refused(400, f"A note is 1 to {MAX_NOTE_LENGTH} characters.")
    return cleaned


def add_note(conn: sa.engine.Connection, callback_id: int, name: str, text: str) -> Dict[str, Any]:
    """A note on any call, done or not, by any agent (the customer never sees it)."""
    if conn.execute(sa.select(callbacks.c.id).where(callbacks.c.id == callback_id)).first() is None:
        raise Refused(400, f"There is no callback {callback_id}.")
    return {"noted": add_row(conn, callback_notes, callback_id=callback_id, agent=name, text=text)}
