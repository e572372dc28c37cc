"""Where things stand, from the records beyond this chat: the emails in the outbox, and what
another conversation granted the customer.

"did you actually send that email? nothing in my inbox yet": the answer is the outbox row
itself (both databases' outboxes: gracious.stores.records and gracious.stores.company_schema),
its subject, the address it went to, when, and whether it went, is on its way or is being
tried again. Only emails to an address this customer is verified for, or gave in this chat,
are named, and an email that exists is never denied.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Set, Text, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import promised
from actions.callback_escape import known_email
from actions.hours import spoken_time
from gracious import repair
from gracious.outbox.promises import message_id
from gracious.outbox.table import enqueue
from gracious.outbox.worker import default_outboxes
from gracious.settings import settings
from gracious.stores import company
from gracious.stores.company_schema import grants

ABOUT_MAIL = repair.ABOUT_MAIL  # the words the dialogue routes here on (server/dialogue/in_hand.py)
LABEL = re.compile(r"\blabel\b", re.I)
# The most emails named in one answer, newest first.
MOST = 3


# "and the email will be about my roaming bill?", "will they email me": the email still to come (blind
# panel p51 14), answered by the follow-up's line, never a list of the emails sent.
TO_COME = re.compile(
    r"\be-?mail\s+(?:will|would|is\s+going\s+to)\b|\bwill\s+(?:they|you|someone|the\s+team)\s+e-?mail\b", re.I
)


def asks_about_mail(text: Text) -> bool:
    return bool(ABOUT_MAIL.search(text or "")) and not TO_COME.search(text or "")


def _rows(table: sa.Table, sender_id: Text, verified: Set[Text], typed: Optional[Text]) -> Any:
    """The emails a customer may hear about: to a verified address (from any conversation), or to
    an address typed here, sent from this conversation only (never another's mail to it)."""

    def read(conn: Any) -> List[Dict[Text, Any]]:
        to_verified = table.c.recipient.in_(sorted(verified)) if verified else sa.false()
        here = sa.and_(table.c.sender_id == sender_id, table.c.recipient == typed) if typed else sa.false()
        query = (
            sa.select(table)
            .where(table.c.kind == "email", sa.or_(to_verified, here))
            .order_by(table.c.id.desc())
            .limit(MOST * 10)
        )
        return [dict(r._mapping) for r in conn.execute(query)]

    return read


def _utc(moment: Optional[datetime]) -> Optional[datetime]:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


async def _addresses(tracker: Tracker) -> Tuple[Set[Text], Optional[Text]]:
    """The verified address(es) on file, and an address typed in this chat (for this chat's mail only)."""
    verified = {await promised.verified_address(tracker), await promised.account_address(tracker)}
    return {a for a in verified if a}, known_email(tracker)


async def sent_here_to(tracker: Tracker) -> Optional[Tuple[Text, Text]]:
    """The address this conversation's newest email went (or is going) to, and its topic ("return_label_refund"), as
    the outbox holds them; None without one."""

    def newest(table: sa.Table) -> Any:
        def read(conn: Any) -> Optional[Tuple[Text, Text]]:
            query = (
                sa.select(table.c.recipient, table.c.topic)
                .where(table.c.kind == "email", table.c.sender_id == tracker.sender_id, table.c.status != "cancelled")
                .order_by(table.c.id.desc())
                .limit(1)
            )
            row = conn.execute(query).first()
            return (str(row[0]), str(row[1])) if row else None

        return read

    for store, outbox in default_outboxes():
        found = await store.run(newest(outbox))
        if found:
            return found
    return None


async def email_lines(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text, reference: Text) -> bool:
    """The emails of this chat, or to the customer's verified address, as the outbox holds them."""
    verified, typed = await _addresses(tracker)
    if not verified and not typed:
        return False
    found: List[Dict[Text, Any]] = []
    for store, outbox in default_outboxes():  # each database once, even when both settings name one
        found += await store.run(_rows(outbox, tracker.sender_id, verified, typed))
    if reference:
        # The record's emails first ("the label for LK-10426"), when there are any.
        about = [r for r in found if reference in str(r.get("payload") or "")]
        found = about or found
    if LABEL.search(text):
        found = [r for r in found if "label" in str(r.get("topic") or "")] or found
    found.sort(key=lambda r: _utc(r.get("created_at")) or datetime.min.replace(tzinfo=timezone.utc))
    if not found:
        return False
    zone = ZoneInfo(settings().timezone)
    now = datetime.now(zone)
    for row in found[-MOST:]:
        subject = str(json.loads(row.get("payload") or "{}").get("subject") or "from us")
        status = row.get("status")
        at = _utc(row.get("delivered_at") if status == "delivered" else row.get("created_at"))
        when = spoken_time(at.astimezone(zone), now) if at else "earlier"
        response = {
            "delivered": "utter_status_email_sent",
            "cancelled": "utter_status_email_cancelled",
        }.get(str(status), "utter_status_email_retrying" if row.get("attempts") else "utter_status_email_on_its_way")
        dispatcher.utter_message(response=response, subject=subject, email=row.get("recipient"), when=when)
    if any(r.get("status") != "cancelled" for r in found[-MOST:]):
        dispatcher.utter_message(response="utter_status_email_spam")
    return True


# The most times one email is sent again: the same address each time, so more would only fill the inbox.
MOST_RESENDS = 2
AGAIN = ":again:"


async def resend(tracker: Tracker, text: Text, reference: Text) -> Tuple[Text, Dict[Text, Any]]:
    """ "can you just resend the return label email" (blind panel p50 24): the newest email of ours the customer
    may hear about (the record's first, the label's when a label is named) put in the outbox again, to the same
    address, with its own Message-ID; the response that says so once it is there, and its values ("utter_resend_none"
    when there is none to send)."""
    verified, typed = await _addresses(tracker)
    if not verified and not typed:
        return "utter_resend_none", {}
    found: List[Tuple[Any, sa.Table, Dict[Text, Any]]] = []
    for store, outbox in default_outboxes():
        found += [(store, outbox, row) for row in await store.run(_rows(outbox, tracker.sender_id, verified, typed))]
    originals = [f for f in found if AGAIN not in str(f[2].get("key") or "") and f[2].get("status") != "cancelled"]
    if reference:
        originals = [f for f in originals if reference in str(f[2].get("payload") or "")] or originals
    if LABEL.search(text):
        originals = [f for f in originals if "label" in str(f[2].get("topic") or "")]
    if not originals:
        return "utter_resend_none", {}
    store, outbox, row = max(
        originals, key=lambda f: _utc(f[2].get("created_at")) or datetime.min.replace(tzinfo=timezone.utc)
    )
    payload = json.loads(row.get("payload") or "{}")
    subject, email = str(payload.get("subject") or "from us"), row.get("recipient")
    sent_again = sum(1 for f in found if str(f[2].get("key") or "").startswith(f"{row['key']}{AGAIN}"))
    if sent_again >= MOST_RESENDS:
        return "utter_resend_enough", {"subject": subject, "email": email}
    key = f"{row['key']}{AGAIN}{sent_again + 1}"
    payload["message_id"] = message_id(key)

    def queue(conn: Any) -> int:
        return enqueue(
            conn,
            outbox,
            kind="email",
            key=key,
            topic=str(row.get("topic") or "email"),
            payload=payload,
            recipient=email,
            sender_id=tracker.sender_id,
        )

    await store.run(queue)
    return "utter_resend_done", {"subject": subject, "email": email}


# What a customer may name, and the kinds of grant the records keep it as.
GRANT_KINDS = {
    "credit": ("credit",),
    "refund": ("refund",),
    "exchange": ("exchange",),
    "replacement": ("replacement",),
    "coupon": ("honour_coupon", "coupon_applied"),
    "remake": ("remake",),
}


async def account_grant_lines(dispatcher: CollectingDispatcher, tracker: Tracker, named: Set[Text]) -> Set[Text]:
    """ "did the credit go through?" in a new chat: what the records hold for the customer this
    chat is verified for (granted, and applied, and when). Returns the kinds answered."""
    from actions.apply_alternative import granted_on  # (it imports actions.status)
    from actions.verification import known_customer

    customer_id = known_customer(tracker)
    kinds = {k: GRANT_KINDS[k] for k in named if k in GRANT_KINDS}
    if not customer_id or not kinds:
        return set()

    def read(conn: Any) -> List[Dict[Text, Any]]:
        wanted = [kind for group in kinds.values() for kind in group]
        query = sa.select(grants).where(grants.c.customer_id == customer_id, grants.c.kind.in_(wanted))
        return [dict(r._mapping) for r in conn.execute(query.order_by(grants.c.id))]

    said: Set[Text] = set()
    for row in (await company().run(read))[-MOST:]:
        what = next(k for k, group in kinds.items() if row["kind"] in group)
        reference = row.get("reference") or ""
        record = None
        if reference:
            record = await (company().bill if reference.upper().startswith("BL-") else company().order)(reference)
        applied = [a for a in (record.applied if record else ()) if a.event == row["kind"]]
        if applied:
            money = f"{what} of ${applied[-1].amount:,.2f}" if applied[-1].amount else what
            dispatcher.utter_message(
                response="utter_status_applied",
                reference=reference,
                what=money,
                granted_on=granted_on(applied[-1].applied_at),
            )
        else:
            dispatcher.utter_message(
                response="utter_status_arranged_before",
                what=what,
                reference=reference,
                granted_on=granted_on(_utc(row["created_at"]) or datetime.now(timezone.utc)),
            )
        said.add(what)
    return said
