"""Mail over SMTP: the URL forms, and the worker sending a promised email to a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any, Dict, List

import pytest

from gracious import stores
from gracious.outbox import promises, smtp, table
from gracious.outbox.worker import OutboxWorker, backoff
from gracious.stores import clock
from gracious.stores.records import outbox
from tests.outbox.servers import Inbox, SmtpServer, raw_header

MAYA = "maya.okafor@example.com"


def promise_thank_you(key: str = "thank-you:case-7", summary: str = "We credited $12.40 to your bill.") -> int:
    def write(conn: Any) -> int:
        return promises.email(
            conn,
            outbox,
            key=key,
            topic="thank_you",
            template="thank_you",
            to=MAYA,
            name="Maya Okafor",
            variables={"summary": summary},
            sender_id="maya-chat",
        )

    return asyncio.run(stores.records().run(write))


def outbox_rows() -> List[Dict[str, Any]]:
    return asyncio.run(stores.records().run(table.rows, outbox))


class Clock:
    """The worker's time, moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def step(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "url, host, port, implicit_tls, username, password",
    [
        ("smtp://relay.example.com", "relay.example.com", 25, False, None, None),
        ("smtp://mailer:s3cret@relay.example.com:587", "relay.example.com", 587, False, "mailer", "s3cret"),
        ("smtps://relay.example.com", "relay.example.com", 465, True, None, None),
        (
            "SMTPS://care%40shop.example:p%40ss%3Aword@10.0.0.5:2465/",
            "10.0.0.5",
            2465,
            True,
            "care@shop.example",
            "p@ss:word",
        ),
    ],
)
def test_the_smtp_url_names_the_relay_and_its_credentials(
    url: str, host: str, port: int, implicit_tls: bool, username: Any, password: Any
) -> None:
    assert smtp.parse_url(url) == smtp.Relay(host, port, implicit_tls, username, password)


@pytest.mark.parametrize(
    "url", ["http://relay.example.com", "smtp://", "smtp://relay.example.com:port", "smtp://relay/inbox", "relay:25"]
)
def test_a_bad_smtp_url_is_refused_naming_the_variable(url: str) -> None:
    with pytest.raises(ValueError, match="GRACIOUS_SMTP_URL"):
        smtp.parse_url(url)


def test_a_password_goes_without_tls_only_to_a_relay_on_this_machine() -> None:
    assert smtp.parse_url("smtp://u:p@127.0.0.1:2525").local
    assert smtp.parse_url("smtp://u:p@localhost").local
    assert not smtp.parse_url("smtp://u:p@relay.example.com").local


def test_backoff_doubles_from_ten_seconds_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in range(5)] == [10, 20, 40, 80, 160]
    assert backoff(8).total_seconds() == 2560
    assert backoff(9).total_seconds() == backoff(500).total_seconds() == 3600


def test_the_worker_sends_a_promised_email_to_the_smtp_server(monkeypatch: pytest.MonkeyPatch) -> None:
    promise_thank_you(summary="We credited $12.40 to your bill <for the & late delivery>.")
    start = clock.now()
    with SmtpServer() as server:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", server.url)
        monkeypatch.setenv("GRACIOUS_MAIL_FROM", "Larkspur care <care@larkspur.example>")
        worker = OutboxWorker(now=Clock(start))
        assert asyncio.run(worker.run_once()) == 1
        assert asyncio.run(worker.run_once()) == 0  # delivered once, not again

    [message] = server.inbox.messages()
    [envelope] = server.inbox.envelopes
    assert envelope.rcpt_tos == [MAYA]
    assert envelope.mail_from == "care@larkspur.example"
    assert message["Subject"] == "Thank you for talking to us, Maya"
    assert message["To"] == f"Maya Okafor <{MAYA}>"
    assert message["From"] == "Larkspur care <care@larkspur.example>"
    assert raw_header(message, "Message-ID") == promises.message_id("thank-you:case-7")
    assert message["Date"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Maya," in plain and "<for the & late delivery>" in plain
    assert "&lt;for the &amp; late delivery&gt;" in html and "<for the" not in html

    [row] = outbox_rows()
    assert (row["status"], row["attempts"], row["last_error"], row["delivered_at"]) == ("delivered", 0, None, start)


def test_with_no_smtp_url_the_email_waits_in_the_outbox_and_goes_once_one_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    promise_thank_you()
    now = Clock(clock.now())
    worker = OutboxWorker(now=now)
    assert asyncio.run(worker.run_once()) == 0
    [row] = outbox_rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "no GRACIOUS_SMTP_URL set")
    assert row["due_at"] == now.moment + timedelta(seconds=10)

    with SmtpServer() as server:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", server.url)
        now.step(9)
        assert asyncio.run(worker.run_once()) == 0  # not due yet: no wall clock, no mail
        assert server.inbox.accepted == []
        now.step(1)
        assert asyncio.run(worker.run_once()) == 1
    assert len(server.inbox.accepted) == 1
    [row] = outbox_rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 1, None)


class Refusing(Inbox):
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        return "550 5.1.1 No such mailbox here"


def test_a_refused_email_keeps_its_attempts_and_the_relays_words_for_the_desk(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    promise_thank_you()
    now = Clock(clock.now())
    with SmtpServer(Refusing()) as server:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", server.url)
        worker = OutboxWorker(now=now)
        assert asyncio.run(worker.run_once()) == 0
        now.step(10)
        assert asyncio.run(worker.run_once()) == 0
    [row] = outbox_rows()
    assert row["status"] == "pending" and row["attempts"] == 2
    assert "550" in row["last_error"] and "No such mailbox" in row["last_error"]
    assert row["due_at"] == now.moment + timedelta(seconds=20)
    assert server.inbox.accepted == []
    # The log says why, never to whom.
    assert "550" in caplog.text and MAYA in row["last_error"] and MAYA not in caplog.text


def test_a_long_subject_with_a_time_in_it_reads_back_as_written() -> None:
    subject = "Your call with our care team: Tuesday 1 December at 1:45 am, New York time"
    payload = {"to": MAYA, "name": "Maya Okafor", "subject": subject, "text": "Hello.", "message_id": "<cb:1@gracious>"}
    raw = smtp.build_message(payload, "Care <care@localhost>").as_bytes()
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["Subject"] == subject and parsed["To"] == f"Maya Okafor <{MAYA}>"
