"""A call booked in the real assistant is confirmed by a real email, and moving or cancelling it in
the chat ("move my call to 4pm", "cancel the call") moves or cancels the one call, each with its email.

The servers of this test send mail to an SMTP server (aiosmtpd) on loopback: GRACIOUS_SMTP_URL.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import datetime
from email.message import EmailMessage
from typing import Iterator, List, Tuple
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import Bot, buttons, choose, running_servers, texts
from tests.outbox.servers import SmtpServer

MAYA = "maya.okafor@example.com"  # the end-to-end customer is signed in as Maya (C001)
# Business clocks no more than five hours apart around the globe: one of them is always between 8 am and 2 pm.
ZONES = (
    "America/New_York",
    "Europe/London",
    "Asia/Dubai",
    "Asia/Singapore",
    "Australia/Sydney",
    "Pacific/Honolulu",
    "America/Los_Angeles",
)


def midday_zone() -> str:
    """A business timezone where it is late morning now, so the call booked, moved two hours on and cancelled all fall
    on today, whatever the hour the test runs at (CI runs near midnight New York time: stops 52 and 53)."""
    return next(z for z in ZONES if 8 <= datetime.now(ZoneInfo(z)).hour < 14)


def zone_named(zone: str) -> str:
    """ "Europe/London": "London time", as the emails name the business's clock."""
    return zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


@pytest.fixture(scope="module")
def mailed_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Bot, SmtpServer]]:
    with SmtpServer() as smtp:
        var = tmp_path_factory.mktemp("var")
        # The team in at every hour and the business's clock at late morning, so the soonest call and the one two hours
        # later are both today.
        extra = {
            "GRACIOUS_SMTP_URL": smtp.url,
            "GRACIOUS_OUTBOX_POLL_SECONDS": "0.2",
            "GRACIOUS_CARE_HOURS": "mon-sun 0-24",
            "GRACIOUS_TIMEZONE": midday_zone(),
        }
        with running_servers(var, **extra) as bot:
            yield bot, smtp


def to_maya_about_calls(smtp: SmtpServer) -> List[EmailMessage]:
    """The emails about calls sent to Maya (the servers send others too: a late order's notice to Priya)."""
    return [
        m for m in smtp.inbox.messages() if [a.addr_spec for a in m["To"].addresses] == [MAYA] and "call" in subject(m)
    ]


def wait_for_mail(smtp: SmtpServer, count: int, seconds: float = 10.0) -> List[EmailMessage]:
    deadline = time.monotonic() + seconds
    while len(to_maya_about_calls(smtp)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    messages = to_maya_about_calls(smtp)
    assert len(messages) == count, [subject(m) for m in smtp.inbox.messages()]
    return messages


def subject(message: EmailMessage) -> str:
    # (A long subject comes folded over SMTP; its first space is the fold's.)
    return str(message["Subject"]).strip()


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def calls(bot: Bot, sender: str) -> List[tuple]:
    path = bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, status, phone FROM callbacks WHERE sender_id = ?", (sender,)).fetchall()


def clock_in(text: str) -> str:
    """ "today at 3:15 pm" in a reply: "3:15 pm"."""
    found = re.search(r"\b(\d{1,2}:\d\d [ap]m)\b", text)
    assert found, text
    return found.group(1)


def test_a_call_booked_moved_and_cancelled_in_the_chat_is_emailed_each_time(mailed_bot, sender: str) -> None:
    bot, smtp = mailed_bot
    replies = bot.say(sender, "I was promised a call back yesterday and nobody called me")
    assert any("callback" in b["payload"] for b in buttons(replies)), texts(replies)
    replies = choose(bot, sender, replies, "callback")
    offered = texts(replies)
    assert "The soonest someone from our team can ring you is today at" in offered, offered
    zone = zone_named(bot.env["GRACIOUS_TIMEZONE"])

    replies = bot.say(sender, "yes please")
    said = texts(replies)
    when = clock_in(said)
    assert re.search(rf"we'll call you today at {when} on the number ending 0134", said), said
    assert f"in an email to {MAYA}" in said, said
    [booked] = wait_for_mail(smtp, 1)
    assert booked["To"] == f"Maya Okafor <{MAYA}>"
    assert subject(booked).startswith("Your call with us: ")
    assert f"at {when}, {zone}, on the number ending 0134" in body(booked)
    assert body(booked).startswith("Hello Maya,")

    # Two hours after the one booked: before 4 pm, still today.
    later = datetime.strptime(when, "%I:%M %p").hour + 2
    target = datetime(2000, 1, 1, later).strftime("%-I:00 %p").lower()
    replies = bot.say(sender, f"move my call to {target.replace(':00 ', '')}")
    said = texts(replies)
    assert "I've moved your call from" in said and target in said, said
    assert f"in an email to {MAYA}" in said, said
    moved = wait_for_mail(smtp, 2)[1]
    assert subject(moved).startswith("Your call has moved to ") and target in subject(moved)
    assert f"{when}, {zone}; now" in body(moved)
    [(call_id, status, _)] = calls(bot, sender)  # still the one call
    assert status == "booked"

    replies = bot.say(sender, "actually cancel the call, I don't need it any more")
    said = texts(replies)
    assert "I've cancelled the call we'd booked for" in said and target in said, said
    cancelled = wait_for_mail(smtp, 3)[2]
    assert subject(cancelled) == "Your call is cancelled"
    assert f"{target}, {zone}, so nobody will ring you then" in body(cancelled)
    assert calls(bot, sender) == [(call_id, "cancelled", "+1 555 0134")]
    # Each email once.
    time.sleep(1)
    assert [subject(m) for m in to_maya_about_calls(smtp)] == [subject(booked), subject(moved), subject(cancelled)]
