"""The local mail sink, for real: a message sent over SMTP to the sink on loopback is kept on
disk once (even when sent again), parsed back with its parts, and its file is private."""

from __future__ import annotations

import smtplib
import stat
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from gracious.outbox import mailbox
from gracious.stores import clock
from launch.mail_sink import MailSink


def a_message(message_id: str = "<thank-you.case-7@gracious>", subject: str = "Thank you, Maya") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Gracious care team <care@localhost>"
    message["To"] = "Maya Okafor <maya.okafor@example.com>"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content("Hi Maya,\n\nThank you for your patience today.\n")
    message.add_alternative("<p>Hi Maya,</p><p>Thank you for your patience &lt;today&gt;.</p>", subtype="html")
    return message


def send(url: str, message: EmailMessage) -> None:
    host, port = url.removeprefix("smtp://").split(":")
    with smtplib.SMTP(host, int(port), timeout=10) as client:
        client.send_message(message)


def test_a_mail_sent_to_the_sink_over_smtp_is_kept_once_and_read_back_whole(tmp_path: Path):
    folder = tmp_path / "mail"
    with MailSink(folder) as sink:
        assert sink.url.startswith("smtp://127.0.0.1:")
        send(sink.url, a_message())
        send(sink.url, a_message())  # the outbox's retry of the same promise
        send(sink.url, a_message("<callback.3.booked@gracious>", "Your call is booked"))

    kept = mailbox.messages(folder)
    assert [m["subject"] for m in kept] == ["Your call is booked", "Thank you, Maya"]
    thanks = kept[1]
    assert thanks["to"] == "Maya Okafor <maya.okafor@example.com>"
    assert thanks["from"] == "Gracious care team <care@localhost>"
    assert thanks["message_id"] == "<thank-you.case-7@gracious>"
    assert thanks["text"] == "Hi Maya,\n\nThank you for your patience today.\n"
    assert "&lt;today&gt;" in thanks["html"]
    assert isinstance(thanks["received_at"], datetime)
    assert mailbox.message(folder, thanks["id"]) == thanks
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert not list(folder.glob(".*"))  # no half-written file left behind


def test_kept_messages_come_newest_first_with_the_time_they_came(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    start = datetime(2026, 3, 2, 9, 0, 0)
    for minutes, subject in ((0, "first"), (5, "second"), (9, "third")):
        monkeypatch.setattr(clock, "now", lambda m=minutes: start + timedelta(minutes=m))
        mailbox.keep(tmp_path, a_message(f"<{subject}@gracious>", subject).as_bytes())
    kept = mailbox.messages(tmp_path)
    assert [m["subject"] for m in kept] == ["third", "second", "first"]
    assert kept[0]["received_at"] == start + timedelta(minutes=9)
    assert [m["subject"] for m in mailbox.messages(tmp_path, limit=1)] == ["third"]


def test_a_plain_message_has_no_html_and_one_without_a_message_id_is_told_apart_by_its_bytes(tmp_path: Path):
    plain = EmailMessage()
    plain["To"] = "sam@example.com"
    plain["Subject"] = "Plain"
    plain.set_content("Just words.\n")
    first = mailbox.keep(tmp_path, plain.as_bytes())
    assert mailbox.keep(tmp_path, plain.as_bytes()) == first
    plain.replace_header("Subject", "Plain again")
    assert mailbox.keep(tmp_path, plain.as_bytes()) != first
    found = mailbox.message(tmp_path, first)
    assert found is not None and found["html"] is None and found["message_id"] is None
    assert found["text"] == "Just words.\n"


def test_an_id_that_is_not_a_kept_message_finds_nothing(tmp_path: Path):
    mailbox.keep(tmp_path, a_message().as_bytes())
    (tmp_path.parent / "secret.eml").write_text("Subject: not yours\n\nno\n")
    assert mailbox.message(tmp_path, "../secret") is None
    assert mailbox.message(tmp_path, "20260101T000000.000000Z-000000000000") is None
    assert mailbox.messages(tmp_path / "nothing-here") == []


def test_the_default_folder_is_var_mail(fresh_stores: Path):
    assert mailbox.default_folder() == fresh_stores / "mail"


def test_two_mails_whose_ids_the_email_package_cut_short_alike_are_both_kept(tmp_path: Path):
    # "<thank-you:case-7@gracious>" is written "<thank-you": the id alone would make them one mail.
    for case, to in ((7, "maya.okafor@example.com"), (8, "priya.n@example.com")):
        message = a_message(f"<thank-you:case-{case}@gracious>")
        message.replace_header("To", to)
        mailbox.keep(tmp_path, message.as_bytes())
        mailbox.keep(tmp_path, message.as_bytes())
    assert sorted(m["to"] for m in mailbox.messages(tmp_path)) == ["maya.okafor@example.com", "priya.n@example.com"]
