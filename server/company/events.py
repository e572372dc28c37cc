"""Updates before they ask: ``POST /company/events`` and the scheduled check for late orders.

The company's systems POST an order event, signed like our own commitments
(``X-Gracious-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` with
``GRACIOUS_COMPANY_WEBHOOK_SECRET``, gracious/outbox/signing.py):

    {"id": "evt-981", "event": "delayed", "order_id": "LK-10423",
     "promised_on": "2026-12-04", "occurred_at": "2026-12-01T09:30:00Z"}

``event`` is ``status_changed`` (with ``status``), ``delayed`` (with the new
``promised_on`` and optionally ``status``) or ``delivered``. The order is updated
in the company's database and its customer told at once (server/company/notify.py),
in the same transaction as the event's id is kept. The event is named by the signed
body's ``id`` (up to 100 characters); an ``Idempotency-Key`` header, which nobody
signs, is only compared with it (400 when it differs). The same id again is answered
"already handled" and changes nothing. 401 for a missing or wrong signature, 400 for
a body we can't read (with what is wrong), 413 over 64 KB.

Every date is the business's (``GRACIOUS_TIMEZONE``): an order promised for the 4th
is late from midnight at the business on the 5th, not from midnight UTC.

The scheduled check (``check_late_orders``) runs in each Rasa server every
``GRACIOUS_LATE_CHECK_SECONDS`` (0 turns it off) and tells each customer whose
order is past its promised date, undelivered, and not yet told about it, once
per order and promised date (gracious/stores/notices.py). An event about an order
already told it is late says the news without apologising again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.outbox import signing
from gracious.settings import settings
from gracious.stores import clock, company, notices
from gracious.stores.base import Store
from gracious.stores.company_types import business_today
from gracious.stores.notices import OrderFacts
from server.channels.guards import GuardedBlueprint
from server.company import notify
from server.http import Site, secured

logger = logging.getLogger(__name__)

EVENTS = ("status_changed", "delayed", "delivered")
MAX_BODY_BYTES = 64 * 1024
# A status is shown to the customer: plain words only ("in transit", "out for delivery").
STATUS = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.'/&()-]{0,39}")
# Up to 100 characters, so the notice's outbox key (order-notice:<order>:event:<id>) stays within 200.
MAX_EVENT_ID = 100
EVENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,%d}" % (MAX_EVENT_ID - 1))
TRIES = 3
CSP = "default-src 'none'; frame-ancestors 'none'"


class Refused(ValueError):
    """A body we can't act on, and what is wrong with it (for the company's developers)."""


@dataclass(frozen=True)
class OrderEvent:
    id: Text
    event: Text
    order_id: Text
    status: Optional[Text] = None
    promised_on: Optional[date] = None
    occurred_on: Optional[date] = None


# The business's date at a moment (a naive UTC time as the clock gives it).
local_day = business_today


def _day(value: Any, name: Text) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Refused(f"{name} should be a date like 2026-12-04.") from None


def _occurred_on(value: Any) -> Optional[date]:
    """The business's date of ``occurred_at``: a date, or a time (UTC unless it gives its offset)."""
    text = str(value).strip() if value not in (None, "") else ""
    if len(text) <= 10:
        return _day(text, "occurred_at") if text else None
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
    except ValueError:
        raise Refused("occurred_at should be a time like 2026-12-01T09:30:00Z.") from None
    return local_day(clock.stored(moment))


def read_event(raw: bytes, headers: Mapping[Text, Text]) -> OrderEvent:
    """The event in a signed body, or ``Refused`` saying what is wrong."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise Refused("The body should be a JSON object.")
    # The signed body names the event: a header nobody signed could make a captured body new again.
    event_id = body.get("id")
    if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id.strip()):
        raise Refused(f"Give the event an id in 'id': up to {MAX_EVENT_ID} letters, digits, '-', '_', '.', ':'.")
    key = headers.get(signing.KEY_HEADER)
    if key is not None and key.strip() != event_id.strip():
        raise Refused(f"The {signing.KEY_HEADER} header, when given, should be the body's 'id'.")
    kind = body.get("event")
    if kind not in EVENTS:
        raise Refused(f"Unknown event {str(kind)[:40]!r}: it should be one of {', '.join(EVENTS)}.")
    order_id = body.get("order_id")
    if not isinstance(order_id, str) or not order_id.strip() or len(order_id) > 16:
        raise Refused("Give the order's id in 'order_id', like LK-10421.")
    status = body.get("status")
    if status is not None and (not isinstance(status, str) or not STATUS.fullmatch(status.strip())):
        raise Refused("'status' should be a few plain words (letters, digits, spaces), up to 40 characters.")
    if kind == "status_changed" and not status:
        raise Refused("A status_changed event needs the new 'status'.")
    return OrderEvent(
        id=event_id.strip(),
        event=kind,
        order_id=order_id.strip().upper(),
        status=status.strip() if status else None,
        promised_on=_day(body.get("promised_on"), "promised_on"),
        occurred_on=_occurred_on(body.get("occurred_at")),
    )


def changes(order: OrderFacts, event: OrderEvent, today: date) -> Dict[Text, Any]:
    """What the event changes on the order."""
    found: Dict[Text, Any] = {}
    if event.status:
        found["status"] = event.status
    if event.event == "delayed" and event.promised_on:
        found["promised_on"] = event.promised_on
        # The date first given stays (notices.update_order writes it once): late stays late.
        found["first_promised_on"] = order.first_promised_on or order.promised_on
    if event.event == "delivered" or (event.status or "").lower() == "delivered":
        found["status"] = "delivered"
        found["delivered_on"] = order.delivered_on or event.occurred_on or today
    return found


def _answer(code: int, **body: Any) -> Tuple[int, Dict[Text, Any]]:
    return code, body


async def handle(
    raw: bytes,
    headers: Mapping[Text, Text],
    app: Any = None,
    store: Optional[Store] = None,
    now: Optional[datetime] = None,
) -> Tuple[int, Dict[Text, Any]]:
    """One POST to /company/events: its HTTP status and JSON answer."""
    if len(raw) > MAX_BODY_BYTES:
        return _answer(413, error=f"The body is over {MAX_BODY_BYTES // 1024} KB.")
    if not signing.verify(raw, headers.get(signing.HEADER), signing.webhook_secret()):
        return _answer(401, error=f"The {signing.HEADER} header is missing or doesn't match the body.")
    try:
        event = read_event(raw, headers)
    except Refused as refused:
        return _answer(400, error=str(refused))
    data = store or company()
    notices.ensure_tables(data.engine)
    now = clock.stored(now or clock.now())
    for _ in range(TRIES):
        try:
            return await _handle_once(event, app, data, now)
        except sa.exc.IntegrityError:
            # The same event, handled by another instance at this moment; or a notice of the order
            # (its late notice) written by another at this moment, which rolled ours back: read again.
            if await data.run(notices.event_seen, event.id):
                return _answer(200, id=event.id, status="already handled")
    return _answer(503, error="The order's notices kept changing while we handled the event: send it again.")


async def _handle_once(event: OrderEvent, app: Any, data: Store, now: datetime) -> Tuple[int, Dict[Text, Any]]:
    today = local_day(now)

    def look(conn: sa.engine.Connection) -> Tuple[bool, Optional[OrderFacts]]:
        return notices.event_seen(conn, event.id), notices.order_facts(conn, event.order_id)

    seen, order = await data.run(look)
    if seen:
        return _answer(200, id=event.id, status="already handled")
    if order is None:
        return _answer(400, error=f"We have no order {event.order_id}.")
    changed = changes(order, event, today)
    after = replace(order, **changed)
    # The date it is late against: the one the event moved on from, when that had passed already.
    missed = order.missed_on(today) or after.missed_on(today)
    words = notify.words_for(after, event.event, today, missed=missed or order.promised_on)
    kinds = [f"event:{event.id}"]
    if missed is not None and after.late(today):  # told now, so the check won't tell it again
        kinds.append(notices.late_kind(missed))
    # Said instead when they were told it is late already: the news, without the apology again.
    plain = notify.words_for(after, event.event, today, missed=missed or order.promised_on, late_told=True)

    def first(conn: sa.engine.Connection) -> None:
        notices.remember_event(conn, event.id, event.event, order.id, now)
        notices.update_order(conn, order.id, changed)

    told = await notify.tell(app, data, after, kinds, words, now, first, otherwise=plain)
    return _answer(200, id=event.id, status="handled", told=told or "already")


async def check_late_orders(
    now: Optional[datetime] = None, app: Any = None, store: Optional[Store] = None
) -> List[Text]:
    """Tell each customer whose order is late and who hasn't heard, once; the orders told about."""
    data = store or company()
    notices.ensure_tables(data.engine)
    now = clock.stored(now or clock.now())
    today = local_day(now)
    told = []
    for order in await data.run(notices.untold_late_orders, today):
        words = notify.words_for(order, "late", today)
        try:
            how = await notify.tell(app, data, order, [notices.late_kind(order.promised_on)], words, now)
        except sa.exc.IntegrityError:  # another instance told them at this moment
            continue
        if how not in (None, "none"):
            told.append(order.id)
    return told


class CompanyEvents(Site):
    """``POST /company/events`` and, in the background, the scheduled check for late orders."""

    PATH = "company"

    def __init__(self) -> None:
        self.stop_event: Optional[asyncio.Event] = None
        self.task: Optional["asyncio.Task[None]"] = None

    async def _check_every(self, app: Any, period: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                told = await check_late_orders(app=app)
                if told:
                    logger.info("Told %d customers their order is late.", len(told))
            except Exception:  # noqa: BLE001 - the next check tries again
                logger.exception("The check for late orders failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=period)
            except asyncio.TimeoutError:
                pass

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        plugin: Blueprint = GuardedBlueprint("gracious_company_events", __name__)

        @plugin.route("/events", methods=["POST"])
        async def events(request: Request) -> HTTPResponse:
            status, body = await handle(request.body or b"", request.headers, request.app)
            return secured(response.json(body, status=status), CSP, cache=False)

        @plugin.listener("after_server_start")
        async def start_checks(app: Any, _: Any) -> None:
            period = settings().late_check_seconds
            if period > 0 and (self.task is None or self.task.done()):
                self.stop_event = asyncio.Event()
                self.task = asyncio.create_task(self._check_every(app, period, self.stop_event), name="late-orders")

        @plugin.listener("before_server_stop")
        async def stop_checks(app: Any, _: Any) -> None:
            if self.stop_event is not None:
                self.stop_event.set()
            if self.task is not None:
                self.task.cancel()
                self.task = None

        return plugin
