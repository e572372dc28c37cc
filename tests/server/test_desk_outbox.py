"""The desk's Outbox page over real parts: promises in both databases' outboxes, delivered by the
real worker to a real mail sink (aiosmtpd on loopback) and to a company receiver on loopback that
answers 500; the page lists each with its state and error, and the mail the sink kept, its text as
text and its HTML only from a route no script or request can run from."""

from __future__ import annotations

import asyncio
import http.server
import threading
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest

import gracious.stores
from gracious.outbox import promises, table
from gracious.outbox.worker import OutboxWorker
from gracious.stores import company_schema
from gracious.stores.records import outbox as records_outbox
from launch.mail_sink import MailSink
from server.desk.outbox import MAIL_CSP
from tests.helpers.desk_app import DeskApp, free_port

SCRIPT = '<script>alert("gotcha")</script>'


class Down(http.server.BaseHTTPRequestHandler):
    """The company's receiver on a bad day: every commitment answered 500."""

    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"receiver down for maintenance"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Down)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/commitments"
    server.shutdown()
    server.server_close()


@pytest.fixture
def desk(fresh_stores: Path, receiver: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[DeskApp]:
    with MailSink(fresh_stores / "mail") as sink:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", sink.url)
        monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_URL", receiver)
        monkeypatch.setenv("GRACIOUS_COMPANY_WEBHOOK_SECRET", "s" * 40)
        app = DeskApp().start()
        app.add_agent("sam", "Sam Lee")
        yield app
        app.stop()


def promise_and_deliver() -> None:
    """A thank-you note in the records' outbox, a credit for the company's systems in the company's;
    one pass of the real worker."""

    def thank(conn):
        promises.email(
            conn,
            records_outbox,
            key="thank-you:case-7",
            topic="thank_you",
            template="thank_you",
            to="maya.okafor@example.com",
            name="Maya Okafor",
            variables={"summary": f"You told us {SCRIPT} about bill BL-30017."},
            sender_id="maya",
        )

    def credit(conn):
        promises.commitment(
            conn, company_schema.outbox, key="grant:41", event="credit", data={"amount": 12.5}, sender_id="maya"
        )

    asyncio.run(gracious.stores.records().run(thank))
    asyncio.run(gracious.stores.company().run(credit))
    asyncio.run(OutboxWorker(deadline_seconds=5).run_once())


def test_the_outbox_shows_both_databases_promises_and_a_failed_delivery_with_its_error(desk):
    promise_and_deliver()

    status, page = desk.client("sam").call("/desk/api/outbox")

    assert status == 200
    by_key = {row["key"]: row for row in page["rows"]}
    note, credit = by_key["thank-you:case-7"], by_key["grant:41"]
    assert note["database"] == "records" and note["kind"] == "email" and note["topic"] == "thank_you"
    assert note["recipient"] == "maya.okafor@example.com" and note["subject"] == "Thank you for talking to us, Maya"
    assert note["state"] == "delivered" and note["delivered_at"] and note["attempts"] == 0
    assert credit["database"] == "company" and credit["kind"] == "webhook" and credit["topic"] == "credit"
    assert credit["state"] == "retrying" and credit["attempts"] == 1 and credit["delivered_at"] is None
    assert "500" in credit["last_error"] and credit["due_at"]
    assert page["retrying"] == 1


def test_the_mail_the_sink_kept_is_listed_and_read_as_text_its_html_only_in_a_locked_down_page(desk):
    promise_and_deliver()
    sam = desk.client("sam")

    [mail] = sam.call("/desk/api/outbox")[1]["mail"]
    assert mail["to"].endswith("maya.okafor@example.com>") or mail["to"] == "maya.okafor@example.com"
    assert mail["subject"] == "Thank you for talking to us, Maya" and mail["received_at"] and mail["has_html"]

    status, one = sam.call(f"/desk/api/outbox/mail/{mail['id']}")
    assert status == 200 and SCRIPT in one["text"]  # the customer's words, as text, for the page to show as text
    assert "html" not in one  # never handed to the desk's page to insert

    status, headers, body = sam.raw(f"/desk/api/outbox/mail/{mail['id']}/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers["content-security-policy"] == MAIL_CSP and "sandbox" in MAIL_CSP and "default-src 'none'" in MAIL_CSP
    assert SCRIPT.encode() not in body and b"&lt;script&gt;" in body

    page = sam.raw("/desk/outbox")[2].decode()
    assert '<iframe id="reading-html" sandbox=""' in page and "allow-scripts" not in page


def test_no_such_mail_is_a_404_and_nothing_answers_a_stranger(desk):
    promise_and_deliver()
    sam, stranger = desk.client("sam"), desk.client()
    mail_id = sam.call("/desk/api/outbox")[1]["mail"][0]["id"]
    for missing in ("nope", "20240514T140000.000000Z-000000000000", "..%2F..%2Fgracious.db"):
        assert sam.call(f"/desk/api/outbox/mail/{missing}")[0] == 404, missing
        assert sam.raw(f"/desk/api/outbox/mail/{missing}/html")[0] == 404, missing
    for path in ("/desk/api/outbox", f"/desk/api/outbox/mail/{mail_id}", f"/desk/api/outbox/mail/{mail_id}/html"):
        status, _, body = stranger.raw(path)
        assert status == 401 and b"Thank you" not in body, path
    assert b"Sign in" in stranger.raw("/desk/outbox")[2]


def test_a_cancelled_email_shows_as_not_sent_with_its_reason_and_no_due_time(desk):
    def promise_then_cancel(conn):
        promises.email(
            conn,
            company_schema.outbox,
            key="grant:42:20240514T140000000000Z:return_label_refund",
            topic="return_label_refund",
            template="return_label_refund",
            to="maya.okafor@example.com",
            name="Maya Okafor",
            variables={"reference": "LK-10421", "item": "kettle", "return_code": "RT-000042"},
            sender_id="maya",
        )
        table.cancel_pending(conn, company_schema.outbox, "grant:42:", reason="not sent: the grant was withdrawn")

    asyncio.run(gracious.stores.company().run(promise_then_cancel))

    [row] = desk.client("sam").call("/desk/api/outbox")[1]["rows"]
    assert (row["state"], row["state_words"], row["reason"]) == (
        "cancelled",
        "Not sent (cancelled)",
        "the grant was withdrawn",
    )
    assert row["due_at"] is None and row["last_error"] is None and row["delivered_at"] is None
    script = desk.client("sam").raw("/desk/static/outbox.js")[2].decode()
    assert 'cancelled: "Not sent (cancelled)"' in script and 'row.state === "cancelled" ? ""' in script


def test_an_email_waiting_to_go_can_be_read_at_the_outbox_before_it_is_sent(desk):
    """The thank-you note waits an hour after a close: a newcomer reads it at the Outbox meanwhile."""

    def promise_later(conn):
        promises.email(
            conn,
            company_schema.outbox,
            key="thank-you:maya:case-9",
            topic="thank_you",
            template="thank_you",
            to="maya.okafor@example.com",
            name="Maya Okafor",
            variables={"summary": "We credited <$10.00> to BL-30017."},
            sender_id="maya",
            due_at=datetime(2099, 1, 1, 12, 0),
        )

    asyncio.run(gracious.stores.company().run(promise_later))

    [row] = desk.client("sam").call("/desk/api/outbox")[1]["rows"]
    assert row["state"] == "waiting" and row["due_at"].startswith("2099-01-01T12:00")
    assert row["text"].startswith("Hello Maya,") and "We credited <$10.00> to BL-30017." in row["text"]
    script = desk.client("sam").raw("/desk/static/outbox.js")[2].decode()
    assert 'el("pre", row.text, "mail-text")' in script  # shown as text (textContent), never as HTML
