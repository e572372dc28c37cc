"""The emails the chat promises arrive for real: a verified customer's refund brings the prepaid return
label to the address on her account, and closing the case brings the thank-you note, once.

The real servers send mail to an SMTP server (aiosmtpd) on loopback (GRACIOUS_SMTP_URL), delivered by
the outbox worker the Rasa server runs; the thank-you note is due one second after the close.
"""

from __future__ import annotations

import sqlite3
import time
from email.message import EmailMessage
from typing import Iterator, List, Tuple

import pytest

from tests.e2e.conftest import Bot, assert_gracious, buttons, choose, running_servers, texts
from tests.outbox.servers import SmtpServer

PRIYA = "priya.n@example.com"  # LK-10426's owner, signed in on the website (tests/e2e/conftest.py)


@pytest.fixture(scope="module")
def mailed_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Bot, SmtpServer]]:
    with SmtpServer() as smtp:
        extra = {
            "GRACIOUS_SMTP_URL": smtp.url,
            "GRACIOUS_OUTBOX_POLL_SECONDS": "0.2",
            "GRACIOUS_THANK_YOU_DELAY_SECONDS": "1",
        }
        with running_servers(tmp_path_factory.mktemp("var"), **extra) as bot:
            yield bot, smtp


def to_priya(smtp: SmtpServer) -> List[EmailMessage]:
    """What reached Priya (the servers may send others too, such as a late order's notice)."""
    return [m for m in smtp.inbox.messages() if [a.addr_spec for a in m["To"].addresses] == [PRIYA]]


def wait_for(smtp: SmtpServer, subject_start: str, seconds: float = 15.0) -> EmailMessage:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in to_priya(smtp) if subject(m).startswith(subject_start)]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no email {subject_start!r} to {PRIYA}: {[subject(m) for m in smtp.inbox.messages()]}")


def subject(message: EmailMessage) -> str:
    return str(message["Subject"]).strip()


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def grant_id(bot: Bot, reference: str) -> int:
    path = bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        [(found,)] = db.execute(
            "SELECT id FROM grants WHERE kind = 'refund' AND reference = ?", (reference,)
        ).fetchall()
    return int(found)


def test_a_refund_brings_its_label_and_the_close_its_thank_you_note(mailed_bot, sender: str) -> None:
    bot, smtp = mailed_bot
    replies = bot.say(sender, "I'd like to send back my headphones from order LK-10426 for a refund")
    assert_gracious(replies)
    assert any('"refund"' in b["payload"] for b in buttons(replies)), texts(replies)

    replies = choose(bot, sender, replies, "refund")
    said = texts(replies)
    assert "your refund for LK-10426 is under way" in said and "on its way to your email" in said, said

    label = wait_for(smtp, "Your prepaid return label for LK-10426")
    assert label["To"] == f"Priya Natarajan <{PRIYA}>"
    text = body(label)
    assert text.startswith("Hello Priya,")
    code = f"RT-{grant_id(bot, 'LK-10426'):06d}"
    assert f"here is your prepaid return label: return code {code}" in text
    assert "Pack the headphones in any box or bag" in text
    html = label.get_body(preferencelist=("html",))
    assert html is not None and code in html.get_content()

    replies = bot.say(sender, "no that's everything, thanks")
    assert "action_close_conversation" in bot.actions(sender)
    note = wait_for(smtp, "Thank you for talking to us, Priya")
    assert "Thank you for taking the time to tell us what went wrong." in body(note)
    assert "The refund for LK-10426 is under way" in body(note)

    # Each once, however often the worker polls (Priya may also hear that her LK-10423 is late).
    time.sleep(1.5)
    ours = [subject(m) for m in to_priya(smtp) if "LK-10423" not in subject(m)]
    assert sorted(ours) == sorted([subject(label), subject(note)])


def test_a_guest_is_asked_where_to_write_and_the_teams_note_goes_there(mailed_bot, sender: str) -> None:
    bot, smtp = mailed_bot
    bot.sign_in(sender, None)  # a guest: no account, no address on file
    replies = bot.say(sender, "I was promised a call back yesterday and nobody called me")
    assert any('"email_followup"' in b["payload"] for b in buttons(replies)), texts(replies)

    replies = choose(bot, sender, replies, "email_followup")
    said = texts(replies)
    assert "Which email address should our team write to?" in said, said
    assert "will email you" not in said  # nothing promised before there is somewhere to send it

    replies = bot.say(sender, "sam.guest@example.org")
    said = texts(replies)
    assert "A member of our team will email you at sam.guest@example.org by the end of the next business day" in said

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        notes = [
            m for m in smtp.inbox.messages() if [a.addr_spec for a in m["To"].addresses] == ["sam.guest@example.org"]
        ]
        if notes:
            break
        time.sleep(0.1)
    [note] = notes
    assert subject(note) == "We'll be in touch by the end of the next business day"
    assert body(note).startswith("Hello there,")  # nothing of anyone's account in it


def test_a_label_email_asked_for_again_is_sent_again_for_real(mailed_bot, sender: str) -> None:
    """Blind panel p50 24: "can you just resend the return label email please" was read as a refund, and the label
    never came. Now the email itself goes out again, with its own Message-ID, and a third ask brings a person."""
    bot, smtp = mailed_bot
    maya = "maya.okafor@example.com"
    bot.sign_in(sender, "C001")
    replies = bot.say(sender, "the dress LK-10421 came in red, i ordered navy")
    replies = choose(bot, sender, replies, "replacement_overnight")
    assert "on its way to your email" in texts(replies), texts(replies)

    def to_maya() -> List[EmailMessage]:
        return [m for m in smtp.inbox.messages() if [a.addr_spec for a in m["To"].addresses] == [maya]]

    def labels(count: int) -> List[EmailMessage]:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = [m for m in to_maya() if subject(m).startswith("The right dress is on its way")]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"fewer than {count} label emails to {maya}: {[subject(m) for m in to_maya()]}")

    [first] = labels(1)
    again = bot.say(sender, "i never got it. can you just resend the return label email please")
    assert_gracious(again)
    said = texts(again)
    assert f"again to {maya}" in said and "refund" not in said, said
    second = labels(2)[-1]
    assert body(second) == body(first) and second["Message-ID"] != first["Message-ID"]

    bot.say(sender, "resend the label again please")
    labels(3)
    enough = texts(bot.say(sender, "resend the label email one more time"))
    assert "again twice" in enough, enough
    time.sleep(1.0)
    assert len([m for m in to_maya() if subject(m).startswith("The right dress is on its way")]) == 3


def test_an_email_instead_of_a_call_booked_in_another_chat_cancels_that_call(mailed_bot, sender: str) -> None:
    """Blind panel p51 14 and 23: "can they just email me instead" in a new chat said "Done" for the email while
    the call booked in the first chat stayed booked, and "is it cancelled?" then heard "Yes: ... it still stands"."""
    bot, smtp = mailed_bot
    first, second = f"{sender}-a", f"{sender}-b"
    for chat in (first, second):
        bot.sign_in(chat, "C003")
    assert_gracious(bot.say(first, "can someone call me tomorrow at 3pm about my roaming bill BL-30019"))
    wait_for(smtp, "Your call with us")

    switched = bot.say(
        second, "hi me again. what time was that call? I cant pick up tomorrow, can they just email me instead"
    )
    assert_gracious(switched)
    said = texts(switched)
    assert "I've cancelled your call for" in said and "3:00 pm" in said and f"email you at {PRIYA}" in said, said
    records = bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(records) as db:
        rows = db.execute("SELECT status FROM callbacks WHERE sender_id = ?", (first,)).fetchall()
    assert rows == [("cancelled",)]
    wait_for(smtp, "Your call is cancelled")
    # The team's note reads as a case told (the first chat's), never "to ask how they can help".
    note = wait_for(smtp, "We'll be in touch")
    assert "looking into what you told us" in body(note), body(note)
    company = bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(company) as db:
        [(grant_note,)] = db.execute(
            "SELECT note FROM grants WHERE kind = 'followup' AND note LIKE ?", (f"%{first}%",)
        ).fetchall()
    assert "in place of the call" in grant_note

    asked = texts(bot.say(second, "so the 3pm call is cancelled right?"))
    assert "Yes: the call we'd booked for" in asked and "still stands" not in asked, asked
