"""Telling a customer about their order before they ask: in their widget if they are there, else by email.

The words: a response in domain.yml for the widget (``utter_order_update_*``),
an email template in catalog/emails.yml for the mail (``order_update``,
``order_late``, ``order_delayed``). A late order's words (past its promised date,
undelivered) carry the catalog's goodwill for late orders (the credit the
late-delivery policy offers), offered, never granted: a button opens the order's
case, where the policy offers it with the rest. An order moved to a later date
before its date has passed is not late by the records, and the case would not
offer the credit, so its words apologise, give the new date and offer what the
case does (updates by email); if the new date is missed, the check's late
notice follows, with the goodwill. The apology and the goodwill are said once per
order and promised date (the ``late:<date>`` notice): a later event about an order
already told it is late gives the news in the plain words.

Who is there: a conversation open in a widget on this instance (the socket.io
channel's sessions) that is verified for the order's customer, by the website's
signed identity on its latest message or by the account check
(``verified_customers``). Nobody else hears anything about the order.

How it is said in the widget: the way the desk speaks (server/desk/conversation.py),
not Rasa's external events: the assistant's words, rendered from the domain by
Rasa's own NLG, are added to the conversation's tracker under its lock and sent
to the session's room. No action runs and no prediction is disturbed, so a
customer in the middle of a form carries on where they were.

The notice row (gracious/stores/notices.py) is written in the same transaction
as the email, or just before the words go to the widget; a widget that cannot be
reached after all gets the email instead.

In a cluster only the widgets on the instance that handles the event are looked
for: a customer whose widget is connected to another instance is not told there,
and gets the email (when the account has an address).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.shared.core.events import BotUttered

from gracious.catalog import current_catalog
from gracious.identity import verified_customer
from gracious.outbox import promises
from gracious.stores import notices
from gracious.stores.base import Store
from gracious.stores.company_schema import outbox
from gracious.stores.notices import OrderFacts

logger = logging.getLogger(__name__)

VERIFIED_SLOT = "verified_customers"  # actions/verification.py
LATE_CASE = "check_order_status"
STATUS = ("utter_order_update_status", "order_update", "order_update")
LATE = ("utter_order_update_late", "order_late", "late_order")
DELAYED = ("utter_order_update_delayed", "order_delayed", "late_order")
# Late already, and moved to a later date: the apology, the goodwill and the new date (the widget's
# words are the late update's, its status naming the new date).
LATE_MOVED = ("utter_order_update_late", "order_late_moved", "late_order")
MAX_KEY = 200  # the outbox's key column


class NotTold(RuntimeError):
    """The widget could not be given the words."""


def money(amount: float) -> Text:
    return f"${amount:,.2f}"


def day_name(value: Optional[date]) -> Text:
    return "" if value is None else value.strftime("%A %-d %B")


def late_goodwill() -> Optional[float]:
    """The goodwill credit the catalog offers for a late order (within the assistant's own limit), or None."""
    catalog = current_catalog()
    facts = {"reference_kind": "order", "reference_found": True, "order_late": True, "order_delivered": False}
    policy = catalog.select(LATE_CASE, facts)
    if policy is None:
        return None
    credit = next((o for o in policy.alternatives if o.alternative.kind == "credit" and o.amount), None)
    if credit is None or credit.amount is None:
        return None
    return min(float(credit.amount), catalog.max_credit)


@dataclass(frozen=True)
class Words:
    """What to tell: the widget's response, the email's template, the outbox topic, and the values."""

    response: Text
    template: Text
    topic: Text
    values: Dict[Text, Text] = field(default_factory=dict)


def words_for(
    order: OrderFacts, event: Text, today: date, missed: Optional[date] = None, late_told: bool = False
) -> Words:
    """The words for ``order`` after ``event``: late (with the goodwill), delayed to a new date, or news.

    ``missed`` is the promised date a ``delayed`` event moved on from; ``late_told``: the customer
    was told already that the order is late (its ``late:<date>`` notice), so no apology again.
    """
    values = {"reference": order.id, "item": order.item, "order_status": order.status}
    goodwill = late_goodwill()
    if goodwill is not None:
        values["amount"] = money(goodwill)
    if event == "delayed" and order.promised_on is not None and order.promised_on >= today:
        first_missed = order.missed_on(today)
        if first_missed is not None and not late_told and goodwill is not None:
            # A date we gave has passed already: still late for the policy, so the goodwill too.
            new_date = day_name(order.promised_on)
            moved = {"promised_on": day_name(missed or first_missed), "new_date": new_date}
            status = f"{order.status}, and we now expect it by {new_date}"
            return Words(*LATE_MOVED, values={**values, **moved, "order_status": status})
        return Words(*DELAYED, values={**values, "promised_on": day_name(order.promised_on)})
    if (event == "delayed" or order.late(today)) and not late_told:
        promised = order.missed_on(today) or missed or order.promised_on
        return Words(*LATE, values={**values, "promised_on": day_name(promised)})
    return Words(*STATUS, values=values)


def email_words(words: Words) -> Words:
    """A late order's email needs its goodwill amount; without one the plain update goes."""
    if words.template not in (LATE[1], LATE_MOVED[1]) or "amount" in words.values:
        return words
    return Words(STATUS[0], STATUS[1], STATUS[2], words.values)


# -- who is there -----------------------------------------------------------


def _socket(app: Any) -> Any:
    from server.channels.socketio import GraciousSocketIOInput

    channels = getattr(app.ctx, "input_channels", None) or []
    return next((c for c in channels if isinstance(c, GraciousSocketIOInput)), None)


def verified_for(tracker: Any, customer_id: Text) -> bool:
    """Whether the conversation is verified for ``customer_id`` (signed identity, or the account check)."""
    checked = {str(i) for i in tracker.get_slot(VERIFIED_SLOT) or [] if i}
    latest = tracker.latest_message
    metadata = getattr(latest, "metadata", None) or {}
    signed_in = verified_customer(metadata.get("identity")) if isinstance(metadata, dict) else None
    return customer_id in checked or customer_id == signed_in


async def verified_sessions(app: Any, customer_id: Text) -> List[Text]:
    """The customer's conversations open in a widget on this instance, verified for them."""
    socket = _socket(app)
    agent = getattr(app.ctx, "agent", None)
    if socket is None or agent is None or getattr(socket, "sio", None) is None:
        return []
    # The channel's confirmed sessions (socket id -> session id) on this instance.
    connected = sorted(set(getattr(socket, "_sessions", {}).values()))
    found = []
    for session in connected:
        tracker = await agent.tracker_store.retrieve(session)
        if tracker is not None and verified_for(tracker, customer_id):
            found.append(session)
    return found


def about_the_order(buttons: List[Dict[Text, Any]], reference: Text) -> List[Dict[Text, Any]]:
    """A button's payload names the intent ("/check_order_status"); the order it is about is added here
    (Rasa fills no values into a payload's JSON)."""
    made = []
    for button in buttons:
        payload = str(button.get("payload") or "")
        if re.fullmatch(r"/\w+", payload):
            payload += json.dumps({"order_id": reference}, separators=(",", ":"))
        made.append({**button, "payload": payload})
    return made


async def say_in_widget(app: Any, session: Text, words: Words) -> None:
    """The assistant's words into the conversation and, at once, to every tab of the widget."""
    agent = app.ctx.agent
    socket = _socket(app)
    async with agent.lock_store.lock(session):
        tracker = await agent.tracker_store.get_or_create_tracker(session)
        message = await agent.nlg.generate(words.response, tracker, socket.name(), **words.values)
        text = (message or {}).get("text")
        if not text:
            raise NotTold(f"{words.response} gave no words")
        buttons = about_the_order((message or {}).get("buttons") or [], words.values["reference"])
        data = {"buttons": buttons} if buttons else {}
        metadata = {"utter_action": words.response, "gracious_notice": words.topic}
        tracker.update(BotUttered(text, data=data, metadata=metadata))
        await agent.tracker_store.save(tracker)
    output = socket.output_for()
    if output is None:
        raise NotTold("the widget's channel is not running")
    await output.send_response(session, {"text": text, **data})


# -- telling ----------------------------------------------------------------


def notice_key(order_id: Text, kind: Text) -> Text:
    """The notice's outbox key, within the key column's 200 characters (a long one ends in its hash)."""
    key = f"order-notice:{order_id}:{kind}"
    if len(key) <= MAX_KEY:
        return key
    return f"{key[: MAX_KEY - 65]}~{hashlib.sha256(key.encode()).hexdigest()}"


def queue_email(conn: sa.engine.Connection, order: OrderFacts, kind: Text, words: Words) -> None:
    said = email_words(words)
    promises.email(
        conn,
        outbox,
        key=notice_key(order.id, kind),
        topic=said.topic,
        template=said.template,
        to=order.email or "",
        name=order.name,
        variables=said.values,
    )


async def tell(
    app: Any,
    store: Store,
    order: OrderFacts,
    kinds: List[Text],
    words: Words,
    now: datetime,
    first: Optional[Callable[[sa.engine.Connection], None]] = None,
    otherwise: Optional[Words] = None,
) -> Optional[Text]:
    """Tell the customer ``words`` about ``order`` once; how they were told, or None if they had been already.

    ``kinds[0]`` is the notice; the others are noted too when not yet told (a late
    order's update is also its late notice), and when one of them was told already
    ``otherwise`` is said instead (the news without the apology). ``first(conn)``
    runs in the same transaction (the event's own writes). Raises
    ``sa.exc.IntegrityError`` when another instance wrote one of the notices at the
    same moment.
    """
    sessions = await verified_sessions(app, order.customer_id) if app is not None else []
    channel = "widget" if sessions else ("email" if order.email else "none")

    def write(conn: sa.engine.Connection) -> Tuple[List[Text], Words]:
        if first is not None:
            first(conn)
        if channel == "none":
            return [], words  # nobody could be told: not noted, so the next check tries again
        if channel == "email" and notices.updates_stopped(conn, order.id):
            # "stop the tracking emails" (blind panel p54 B12): never emailed; noted as told, so never tried again.
            for kind in [k for k in kinds if not notices.told(conn, order.id, k)]:
                notices.note(conn, order, kind, "none", now)
            return [], words
        if notices.told(conn, order.id, kinds[0]):
            return [], words
        earlier = [kind for kind in kinds[1:] if notices.told(conn, order.id, kind)]
        said = otherwise if earlier and otherwise is not None else words
        noted = [kind for kind in kinds if kind not in earlier]
        for kind in noted:
            notices.note(conn, order, kind, channel, now, sessions[0] if sessions else None)
        if channel == "email" or (
            channel == "widget" and order.email and notices.signed_up_for_updates(conn, order.id)
        ):
            # Signed up for updates by email: the email goes too, whoever is in the chat.
            queue_email(conn, order, kinds[0], said)
        return noted, said

    notices.ensure_tables(store.engine)
    noted, said = await store.run(write)
    if not noted:
        return "none" if channel == "none" else None
    if channel != "widget":
        return channel
    reached = False
    for session in sessions:
        try:
            await say_in_widget(app, session, said)
            reached = True
        except Exception:  # noqa: BLE001 - a widget we can't reach gets the email instead
            logger.exception("Could not give an order update to a widget")
    if reached:
        return "widget"
    return await store.run(_instead_by_email, order, noted, said)


def _instead_by_email(conn: sa.engine.Connection, order: OrderFacts, kinds: List[Text], words: Words) -> Text:
    channel = "email" if order.email else "none"
    for kind in kinds:
        notices.change_channel(conn, order.id, kind, channel)
    if order.email:
        queue_email(conn, order, kinds[0], words)
    return channel
