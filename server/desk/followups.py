"""Follow-ups by email: "a member of our team will email you by the end of the next business day",
as a task the team sees on the Callbacks page.

The chat's promise is the company's ``followup`` grant (gracious/stores/grants.py), written with its
commitment (``grant:<id>:<created>``, whose data has the address to write to and the conversation)
and the customer's confirmation email, in one transaction. The desk reads those (``promised``, in the
company's database) and keeps its own side in the records' ``followup_tasks`` (server/desk/tables.py):
who is writing, and when it was done, with what. Each open follow-up is due by the end of the next
business day (the care team's hours, ``GRACIOUS_CARE_HOURS``, in ``GRACIOUS_TIMEZONE``) after it was
promised, and overdue after that. Done writes a ``followup_done`` commitment for the company's
systems in the same transaction (``<grant key>:followup_done``), once. The functions taking ``conn``
run in one transaction of the store they are given.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gracious.outbox import promises
from gracious.stores.base import add_row
from gracious.stores.company_schema import grants
from gracious.stores.company_schema import outbox as company_outbox
from gracious.stores.grants import Grant, grant_key
from gracious.stores.records import outbox as records_outbox
from server.desk import cases
from server.desk.callback_list import Refused, local, spoken
from server.desk.tables import followup_tasks

KIND = "followup"
# Without care hours set: Monday to Friday, to 5 pm.
WEEKDAYS = {day: (9, 17) for day in range(5)}


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def due_by(promised_at: datetime, zone: ZoneInfo, hours: Dict[int, Tuple[int, int]]) -> datetime:
    """The end of the next business day after ``promised_at`` (stored, naive UTC): the care team's
    closing time on the next day they work, in the business's timezone; stored (naive UTC)."""
    day: date = local(promised_at, zone).date()
    hours = hours or WEEKDAYS
    for step in range(1, 8):
        later = day + timedelta(days=step)
        span = hours.get(later.weekday())
        if span:
            end = datetime.combine(later, time(), tzinfo=zone) + timedelta(hours=span[1])
            return end.astimezone(timezone.utc).replace(tzinfo=None)
    return promised_at + timedelta(days=1)  # no day in the week has hours: a day, at least


# -- the company's side: what was promised -------------------------------------


def promised(conn: sa.engine.Connection, grant_id: Optional[int] = None) -> List[Dict[str, Any]]:
    """Each follow-up the chat promised (or the one of ``grant_id``), oldest first: its key, the
    address to write to, the conversation, the reference and when it was promised (stored UTC)."""
    query = sa.select(grants).where(grants.c.kind == KIND).order_by(grants.c.id)
    if grant_id is not None:
        query = query.where(grants.c.id == grant_id)
    found = [Grant.from_row(row) for row in conn.execute(query)]
    keys = [grant_key(grant) for grant in found]
    data: Dict[str, Dict[str, Any]] = {}
    if keys:
        rows = conn.execute(
            sa.select(company_outbox.c.key, company_outbox.c.payload).where(
                company_outbox.c.kind == "webhook", company_outbox.c.key.in_(keys)
            )
        )
        for key, payload in rows:
            message = cases.loaded(payload) or {}
            data[key] = message.get("data") if isinstance(message.get("data"), dict) else {}
    made = []
    for grant, key in zip(found, keys, strict=True):
        facts = data.get(key, {})
        made.append(
            {
                "key": key,
                "grant_id": grant.id,
                "email": facts.get("email"),
                "sender_id": facts.get("sender_id"),
                # In place of a call booked in another chat: that chat holds the case (actions/apply_alternative.py).
                "case_sender_id": facts.get("case_sender_id") or facts.get("sender_id"),
                "reference": grant.reference,
                "customer_id": grant.customer_id,
                "promised_at": grant.created_at.astimezone(timezone.utc).replace(tzinfo=None),
            }
        )
    return made


# -- the desk's side: the team's list and the work -------------------------------


def _tasks(conn: sa.engine.Connection, keys: List[str]) -> Dict[str, Any]:
    if not keys:
        return {}
    rows = conn.execute(sa.select(followup_tasks).where(followup_tasks.c.key.in_(keys)))
    return {row.key: row for row in rows}


def _entry(conn: sa.engine.Connection, item: Dict[str, Any], task: Any, now: datetime, zone: ZoneInfo, hours: Any):
    due = due_by(item["promised_at"], zone, hours)
    today = local(now, zone).date()
    case = cases.case_of(cases.loaded(task.summary) if task is not None else None)
    return {
        "id": item["grant_id"],
        "key": item["key"],
        "sender_id": item["sender_id"],
        "email": item["email"],
        "reference": item["reference"],
        "promised_at": _iso(item["promised_at"]),
        "promised": spoken(local(item["promised_at"], zone), today),
        "due_by": _iso(due),
        "due": spoken(local(due, zone), today),
        "overdue": due < now,
        "claimed_by": task.claimed_by if task is not None else None,
        "case": cases.conversation_case(conn, item.get("case_sender_id") or item["sender_id"]) or case,
    }


def listing(
    conn: sa.engine.Connection, items: List[Dict[str, Any]], now: datetime, zone: ZoneInfo, hours: Any
) -> List[Dict[str, Any]]:
    """The follow-ups not yet done, the soonest due first (the overdue at the top)."""
    tasks = _tasks(conn, [item["key"] for item in items])
    open_ = [item for item in items if tasks.get(item["key"]) is None or tasks[item["key"]].done_at is None]
    shown = [_entry(conn, item, tasks.get(item["key"]), now, zone, hours) for item in open_]
    return sorted(shown, key=lambda entry: (entry["due_by"], entry["id"]))


def overdue_count(conn: sa.engine.Connection, items: List[Dict[str, Any]], now: datetime, zone: ZoneInfo, hours: Any):
    """How many follow-ups are past their time and not done (for the alert on every desk page)."""
    tasks = _tasks(conn, [item["key"] for item in items])
    return sum(
        1
        for item in items
        if (tasks.get(item["key"]) is None or tasks[item["key"]].done_at is None)
        and due_by(item["promised_at"], zone, hours) < now
    )


def keep_summary(conn: sa.engine.Connection, item: Dict[str, Any], summary: Dict[str, Any], now: datetime) -> None:
    """Keep the case card the desk made from the conversation with the follow-up (once)."""
    task = _task(conn, item, now)
    if task.summary is None:
        text = json.dumps(summary, sort_keys=True, default=str)
        conn.execute(followup_tasks.update().where(followup_tasks.c.id == task.id).values(summary=text))


def _task(conn: sa.engine.Connection, item: Dict[str, Any], now: datetime) -> Any:
    """The desk's row of the follow-up, made on first use."""
    found = conn.execute(sa.select(followup_tasks).where(followup_tasks.c.key == item["key"])).first()
    if found is None:
        add_row(conn, followup_tasks, key=item["key"], sender_id=item["sender_id"], created_at=now, updated_at=now)
        found = conn.execute(sa.select(followup_tasks).where(followup_tasks.c.key == item["key"])).one()
    return found


def _open(conn: sa.engine.Connection, item: Optional[Dict[str, Any]], now: datetime) -> Any:
    if item is None:
        raise Refused(400, "There is no such follow-up.")
    task = _task(conn, item, now)
    if task.done_at is not None:
        raise Refused(409, f"{task.done_by or 'Someone'} has written to this customer already.")
    return task


def claim(conn: sa.engine.Connection, item: Optional[Dict[str, Any]], name: str, now: datetime) -> Dict[str, Any]:
    """Take a follow-up to write it; Refused(409) when another agent has it."""
    task = _open(conn, item, now)
    if task.claimed_by == name:
        return {"claimed": task.key}
    taken = conn.execute(
        followup_tasks.update()
        .where(
            followup_tasks.c.id == task.id, followup_tasks.c.claimed_by.is_(None), followup_tasks.c.done_at.is_(None)
        )
        .values(claimed_by=name, updated_at=now)
    )
    if taken.rowcount != 1:
        raise Refused(409, f"{task.claimed_by or 'Another agent'} is writing this one.")
    return {"claimed": task.key}


def release(
    conn: sa.engine.Connection, item: Optional[Dict[str, Any]], name: str, now: datetime, lead: bool = False
) -> Dict[str, Any]:
    """Give a claimed follow-up back to the team: its holder, or a lead."""
    task = _open(conn, item, now)
    if task.claimed_by is None or (task.claimed_by != name and not lead):
        raise Refused(409, "Only the agent writing this one, or a lead, can give it back.")
    conn.execute(followup_tasks.update().where(followup_tasks.c.id == task.id).values(claimed_by=None, updated_at=now))
    return {"released": task.key}


def done(
    conn: sa.engine.Connection,
    item: Optional[Dict[str, Any]],
    name: str,
    note: str,
    now: datetime,
    zone: ZoneInfo,
    hours: Any,
) -> Dict[str, Any]:
    """The agent who claimed it has written to the customer: done, with what they wrote, and the
    ``followup_done`` commitment for the company's systems in the same transaction."""
    task = _open(conn, item, now)
    assert item is not None  # _open refused otherwise
    if task.claimed_by != name:
        raise Refused(409, "Claim it first, so two of us never write to the same customer.")
    finished = conn.execute(
        followup_tasks.update()
        .where(followup_tasks.c.id == task.id, followup_tasks.c.claimed_by == name, followup_tasks.c.done_at.is_(None))
        .values(done_by=name, done_at=now, note=note, updated_at=now)
    )
    if finished.rowcount != 1:
        raise Refused(409, "This follow-up changed a moment ago. Have a look at it again.")
    due = due_by(item["promised_at"], zone, hours)
    promises.commitment(
        conn,
        records_outbox,
        key=f"{item['key']}:followup_done",
        event="followup_done",
        data={
            "grant_id": item["grant_id"],
            "followup": item["key"],
            "reference": item["reference"],
            "customer_id": item["customer_id"],
            "email": item["email"],
            "agent": name,
            "note": note,
            "promised_at": _iso(item["promised_at"]),
            "due_by": _iso(due),
            "done_at": _iso(now),
            "on_time": now <= due,
        },
        sender_id=item["sender_id"],
    )
    return {"done": task.key, "on_time": now <= due}
