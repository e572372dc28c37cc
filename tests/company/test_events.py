"""POST /company/events, as the handler sees it: the signature, the body, the order updated, the customer
told by email (real SQLite company database, real signing, a real SMTP server on loopback for the mail).

The widget side, with the real Rasa server and a real socket.io widget, is tests/e2e/test_order_events.py.
"""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any, Dict, List, Optional, Tuple

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import identity
from gracious.outbox import signing
from gracious.outbox.table import rows
from gracious.outbox.worker import OutboxWorker
from gracious.stores import company, company_schema, notices
from server.company import events, notify
from tests.company.times import DEMO_DAY, business

# The demo's dates are days from DEMO_DAY (demo/company.yml): "now" is 9:30 am at the business that day,
# given as the naive UTC the stores keep.
NOW = business(DEMO_DAY, 9, 30)


def signed(body: Any, secret: Optional[bytes] = None, **headers: str) -> Tuple[bytes, Dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {signing.HEADER: signing.sign(raw, secret or signing.webhook_secret()), **headers}


def post(body: Any, now: datetime = NOW, **headers: str) -> Tuple[int, Dict[str, Any]]:
    raw, sent = signed(body, **headers)
    return asyncio.run(events.handle(raw, sent, now=now))


def order(order_id: str) -> Dict[str, Any]:
    with company().engine.connect() as conn:
        return dict(
            conn.execute(sa.select(company_schema.orders).where(company_schema.orders.c.id == order_id)).one()._mapping
        )


def outbox() -> List[Dict[str, Any]]:
    with company().engine.connect() as conn:
        return rows(conn, company_schema.outbox)


def told(order_id: str) -> List[Dict[str, Any]]:
    with company().engine.connect() as conn:
        return notices.notices(conn, order_id)


def customer_email(customer_id: str) -> str:
    return str(asyncio.run(company().customer(customer_id)).email)  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def prepared() -> None:
    company().ensure_ready()


def test_a_missing_or_wrong_signature_is_refused_and_changes_nothing():
    body = {"id": "evt-1", "event": "status_changed", "order_id": "LK-10424", "status": "shipped"}
    raw = json.dumps(body).encode()
    before = order("LK-10424")
    for headers in ({}, {signing.HEADER: "sha256=" + "0" * 64}, signed(body, b"not-our-secret")[1]):
        status, answer = asyncio.run(events.handle(raw, headers, now=NOW))
        assert status == 401
        assert signing.HEADER in answer["error"]
    # Signed, then one byte changed after signing.
    raw2, headers = signed(body)
    status, _ = asyncio.run(events.handle(raw2.replace(b"shipped", b"shipper"), headers, now=NOW))
    assert status == 401
    assert order("LK-10424") == before
    assert outbox() == [] and told("LK-10424") == []


def test_a_signed_status_change_updates_the_order_and_emails_a_customer_who_is_not_in_the_chat():
    status, answer = post({"id": "evt-2", "event": "status_changed", "order_id": "LK-10424", "status": "shipped"})
    assert (status, answer["status"], answer["told"]) == (200, "handled", "email")
    assert order("LK-10424")["status"] == "shipped"
    [mail] = outbox()
    assert mail["kind"] == "email" and mail["topic"] == "order_update"
    assert mail["recipient"] == customer_email("C001") == mail["payload"]["to"]
    assert mail["payload"]["subject"] == "News about your order LK-10424"
    assert "your order LK-10424 (jacket): it's now shipped" in mail["payload"]["text"]
    assert mail["payload"]["text"].startswith("Hello Maya,")
    [notice] = told("LK-10424")
    assert (notice["kind"], notice["channel"], notice["customer_id"]) == ("event:evt-2", "email", "C001")


def test_the_same_event_again_is_already_handled_and_tells_nobody_twice():
    body = {"id": "evt-3", "event": "delivered", "order_id": "LK-10424", "occurred_at": "2026-12-01T08:00:00Z"}
    assert post(body)[1]["status"] == "handled"
    assert order("LK-10424")["delivered_on"] == date(2026, 12, 1)
    status, answer = post(body)
    assert (status, answer["status"]) == (200, "already handled")
    # The header may repeat the body's id; one that differs is refused (only the body is signed).
    status, answer = post(body, **{signing.KEY_HEADER: "evt-3"})
    assert (status, answer["status"]) == (200, "already handled")
    status, answer = post({**body, "id": "evt-other"}, **{signing.KEY_HEADER: "evt-3"})
    assert status == 400 and signing.KEY_HEADER in answer["error"]
    assert len(outbox()) == 1 and len(told("LK-10424")) == 1


def test_one_signed_body_posted_under_three_new_keys_is_handled_once():
    # A captured request: the body and its signature, replayed with fresh Idempotency-Key values.
    body = {"id": "evt-captured", "event": "status_changed", "order_id": "LK-10424", "status": "shipped"}
    answers = [post(body, **{signing.KEY_HEADER: key}) for key in ("evt-captured", "replay-1", "replay-2")]
    assert answers[0] == (200, {"id": "evt-captured", "status": "handled", "told": "email"})
    assert [status for status, _ in answers[1:]] == [400, 400]
    assert post(body)[1]["status"] == "already handled"  # and without the header: the same event
    assert len(outbox()) == 1 and [n["kind"] for n in told("LK-10424")] == ["event:evt-captured"]
    with company().engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(notices.company_events)).scalar() == 1


def test_an_event_id_over_100_characters_is_refused_and_one_of_100_makes_a_key_that_fits():
    long_id = "e" * 200
    status, answer = post({"id": long_id, "event": "status_changed", "order_id": "LK-10424", "status": "shipped"})
    assert status == 400 and "up to 100" in answer["error"]
    assert outbox() == [] and told("LK-10424") == []
    longest = "e" * 100
    body = {"id": longest, "event": "status_changed", "order_id": "LK-10424", "status": "shipped"}
    assert post(body)[1]["status"] == "handled"
    [mail] = outbox()
    assert len(mail["key"]) <= 200 and mail["key"] == f"order-notice:LK-10424:event:{longest}"
    # A key that would be too long anyway ends in its hash, within the column's 200 characters.
    key = notify.notice_key("LK-10424", "event:" + long_id)
    assert len(key) == 200 and key != notify.notice_key("LK-10424", "event:" + long_id[:-1] + "f")


@pytest.mark.parametrize(
    "body, words",
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        ({"event": "delayed", "order_id": "LK-10423"}, "id"),
        ({"event": "delayed", "order_id": "LK-10423", "promised_on": "2026-12-04"}, "'id'"),
        ({"id": "", "event": "delivered", "order_id": "LK-10423"}, "'id'"),
        ({"id": "e-3b", "event": "delivered", "order_id": "LK-10423", "occurred_at": "yesterday noon"}, "a time"),
        ({"id": "e-4", "event": "teleported", "order_id": "LK-10423"}, "Unknown event 'teleported'"),
        ({"id": "e-5", "event": "delayed", "order_id": "LK-99999"}, "We have no order LK-99999"),
        ({"id": "e-6", "event": "status_changed", "order_id": "LK-10423"}, "needs the new 'status'"),
        ({"id": "e-7", "event": "status_changed", "order_id": "LK-10423", "status": "<b>x</b>"}, "plain words"),
        ({"id": "e-8", "event": "delayed", "order_id": "LK-10423", "promised_on": "soon"}, "a date like"),
    ],
)
def test_a_body_we_cannot_act_on_gets_a_400_saying_what_is_wrong(body: Any, words: str):
    status, answer = post(body)
    assert status == 400
    assert words in answer["error"]
    assert outbox() == []


def test_a_header_key_does_not_stand_in_for_the_bodys_id():
    status, answer = post({"event": "delivered", "order_id": "LK-10424"}, **{signing.KEY_HEADER: "evt-h"})
    assert status == 400 and "'id'" in answer["error"]
    assert order("LK-10424")["delivered_on"] is None and outbox() == []


def test_a_body_over_64_kb_is_refused():
    status, answer = post({"id": "e-9", "event": "delivered", "order_id": "LK-10424", "pad": "x" * 70_000})
    assert status == 413 and "64 KB" in answer["error"]


def test_a_delay_moves_the_date_and_the_email_says_sorry_with_the_new_date():
    new_date = NOW.date() + timedelta(days=4)
    body = {"id": "e-10", "event": "delayed", "order_id": "LK-10424", "promised_on": new_date.isoformat()}
    assert post(body)[0] == 200
    assert order("LK-10424")["promised_on"] == new_date
    [mail] = outbox()
    assert mail["topic"] == "late_order" and mail["recipient"] == customer_email("C001")
    assert mail["payload"]["template"] == "order_delayed"
    assert mail["payload"]["subject"] == "We're sorry: your order LK-10424 is running late"
    assert f"we now expect it to reach you by {notify.day_name(new_date)}" in mail["payload"]["text"]
    # Not late by the records yet (its case would offer no credit), so none is promised.
    assert "credit" not in mail["payload"]["text"]
    # If the new date is missed too, the check apologises then, with the goodwill.
    assert "LK-10424" not in asyncio.run(events.check_late_orders(NOW + timedelta(days=4)))
    assert "LK-10424" in asyncio.run(events.check_late_orders(NOW + timedelta(days=5)))
    assert outbox()[-1]["payload"]["template"] == "order_late"


def test_a_delay_past_the_date_offers_the_catalogs_goodwill_for_a_late_order():
    body = {"id": "e-10b", "event": "delayed", "order_id": "LK-10423", "status": "held at customs"}
    assert post(body)[0] == 200
    [mail] = outbox()
    goodwill = notify.late_goodwill()
    assert goodwill is not None  # catalog/policies.yml: late_delivery_goodwill offers a credit
    assert mail["payload"]["template"] == "order_late" and mail["recipient"] == customer_email("C003")
    assert "and it's still held at customs" in mail["payload"]["text"]
    assert f"goodwill credit of {notify.money(goodwill)}" in mail["payload"]["text"]
    assert notify.money(goodwill) in mail["payload"]["html"]


def test_a_button_in_an_update_is_about_the_order():
    buttons = notify.about_the_order([{"title": "Yes", "payload": "/check_order_status"}], "LK-10423")
    assert buttons == [{"title": "Yes", "payload": '/check_order_status{"order_id":"LK-10423"}'}]


def test_a_status_change_on_an_order_past_its_date_is_a_late_notice_too():
    # LK-10423 was promised three days before today (demo/company.yml); told now, the check won't tell again.
    assert post({"id": "e-11", "event": "status_changed", "order_id": "LK-10423", "status": "at the depot"})[0] == 200
    kinds = {n["kind"] for n in told("LK-10423")}
    assert kinds == {"event:e-11", notices.late_kind(order("LK-10423")["promised_on"])}
    assert outbox()[0]["payload"]["template"] == "order_late"
    assert asyncio.run(events.check_late_orders(NOW)) == []


class Inbox:
    def __init__(self) -> None:
        self.accepted: List[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_email_reaches_a_real_smtp_server_with_its_subject_and_recipient(monkeypatch: pytest.MonkeyPatch):
    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", f"smtp://127.0.0.1:{port}")
        post({"id": "e-12", "event": "status_changed", "order_id": "LK-10424", "status": "out for delivery"})
        worker = OutboxWorker([(company(), company_schema.outbox)])
        assert asyncio.run(worker.run_once(datetime.utcnow() + timedelta(seconds=1))) == 1
    finally:
        smtp.stop()
    [envelope] = inbox.accepted
    assert envelope.rcpt_tos == [customer_email("C001")]
    message = BytesParser(policy=policy.default).parsebytes(envelope.content)
    assert message["Subject"] == "News about your order LK-10424"
    assert "it's now out for delivery" in message.get_body(("plain",)).get_content()
    assert outbox()[0]["status"] == "delivered"


def test_only_a_conversation_verified_for_the_customer_counts_as_theirs():
    from rasa.shared.core.slots import AnySlot

    def made(*events_: Any) -> DialogueStateTracker:
        return DialogueStateTracker.from_events("s1", list(events_), slots=[AnySlot("verified_customers", [])])

    assert not notify.verified_for(made(UserUttered("hi")), "C001")
    signed_in = made(UserUttered("hi", metadata={"identity": identity.sign("C001")}))
    assert notify.verified_for(signed_in, "C001") and not notify.verified_for(signed_in, "C002")
    forged = made(UserUttered("hi", metadata={"identity": identity.sign("C001", secret=b"someone-else")}))
    assert not notify.verified_for(forged, "C001")
    checked = made(UserUttered("hi"), SlotSet("verified_customers", ["C003"]))
    assert notify.verified_for(checked, "C003") and not notify.verified_for(checked, "C001")


def test_a_customer_signed_up_for_updates_gets_the_email_too_while_in_the_chat(monkeypatch: pytest.MonkeyPatch):
    """'You'll get an email at every step': with the widget open, the step is said there and emailed as well.
    (The widget is stood in for: the real one is tests/e2e/test_order_events.py.)"""
    said: List[str] = []

    async def open_widget(app: Any, customer_id: str) -> List[str]:
        return ["maya-widget"] if customer_id == "C001" else []

    async def say(app: Any, session: str, words: Any) -> None:
        said.append(session)

    monkeypatch.setattr(notify, "verified_sessions", open_widget)
    monkeypatch.setattr(notify, "say_in_widget", say)
    event = {"id": "e-up-1", "event": "status_changed", "order_id": "LK-10424", "status": "out for delivery"}
    raw, sent = signed(event)
    assert asyncio.run(events.handle(raw, sent, app=object(), now=NOW))[1]["told"] == "widget"
    assert said == ["maya-widget"] and outbox() == []  # not signed up: the widget alone

    with company().engine.begin() as conn:
        conn.execute(
            company_schema.outbox.insert().values(
                key=notices.updates_key("LK-10424", "maya-chat"),
                kind="email",
                topic="delivery_updates",
                recipient=customer_email("C001"),
                payload="{}",
                status="delivered",
                attempts=1,
                due_at=NOW,
                created_at=NOW,
            )
        )
    with company().engine.connect() as conn:
        assert notices.updates_state(conn, "LK-10424") == (False, True)  # signed up, never stopped
    event = {"id": "e-up-2", "event": "status_changed", "order_id": "LK-10424", "status": "delivered to a neighbour"}
    raw, sent = signed(event)
    assert asyncio.run(events.handle(raw, sent, app=object(), now=NOW))[1]["told"] == "widget"
    emails = [row for row in outbox() if row["topic"] != "delivery_updates"]
    assert [row["recipient"] for row in emails] == [customer_email("C001")]
