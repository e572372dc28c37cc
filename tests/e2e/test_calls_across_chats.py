"""A customer's calls, booked in one chat and found from the next, held over REST with the real servers
(blind panel p39 17 to 19: a call booked an hour before was "not booked" in the next chat, and a second
chat could neither see, move nor cancel it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, List, Tuple

from tests.e2e.conftest import Bot, assert_gracious, texts


def calls(bot: Bot, sender: str) -> List[Tuple[Any, ...]]:
    """This test's calls (its chats are ``sender``-a, -b, -c), oldest first."""
    records = Path(bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(records) as conn:
        query = "SELECT sender_id, status, customer_id FROM callbacks WHERE sender_id LIKE ? ORDER BY id"
        return conn.execute(query, (f"{sender}-%",)).fetchall()


def test_a_call_booked_in_one_chat_is_seen_moved_and_cancelled_from_the_next(bot: Bot, sender: str) -> None:
    first, second, third = f"{sender}-a", f"{sender}-b", f"{sender}-c"
    for chat in (first, second, third):
        bot.sign_in(chat, "C002")
    assert_gracious(bot.say(first, "hi can someone ring me tomorrow at 11am about my lamp"))
    assert calls(bot, sender) == [(first, "booked", "C002")]
    assert_gracious(bot.say(first, "thanks thats all"))

    moved = bot.say(second, "can you move my 11am call to 2pm")
    assert_gracious(moved)
    assert "to tomorrow at 2:00 pm" in texts(moved) or "to Monday at 2:00 pm" in texts(moved)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]  # moved, never a second call

    asked = bot.say(third, "do i have any calls booked?")
    assert_gracious(asked)
    assert "2:00 pm" in texts(asked) and "from an earlier chat" in texts(asked)
    cancelled = bot.say(third, "cancel the 2pm one pls")
    assert_gracious(cancelled)
    assert "cancelled the call" in texts(cancelled)
    assert [row[1] for row in calls(bot, sender)] == ["cancelled"]


def test_a_stranger_never_hears_of_nor_cancels_a_customers_call(bot: Bot, sender: str) -> None:
    bot.sign_in(f"{sender}-a", "C002")
    assert_gracious(bot.say(f"{sender}-a", "hi can someone ring me tomorrow at 11am about my lamp"))
    bot.sign_in(f"{sender}-b", None)
    replies = bot.say(f"{sender}-b", "just cancel the 11am call please")
    assert_gracious(replies)
    assert "nothing to cancel" in texts(replies)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]


def test_a_call_said_to_be_booked_is_moved_earlier_and_counted_as_one(bot: Bot, sender: str) -> None:
    """Blind panel p50 18: "I have a callback booked..., could we do it earlier?" booked a second call, then
    "It's still just the one call" was untrue."""
    first, second, third = f"{sender}-a", f"{sender}-b", f"{sender}-c"
    for chat in (first, second, third):
        bot.sign_in(chat, "C003")
    assert_gracious(bot.say(first, "can someone call me tomorrow at 3pm about my roaming bill BL-30019"))
    moved = bot.say(second, "hi, I have a callback booked about my roaming bill, could we do it earlier? like 9am")
    assert_gracious(moved)
    assert "I've moved your call from" in texts(moved) and "9:00 am" in texts(moved)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]  # moved, never a second call
    asked = bot.say(second, "wait, so do I now have two calls booked? I only want one")
    assert_gracious(asked)
    assert "just the one" in texts(asked) and "from an earlier chat" not in texts(asked)

    assert_gracious(bot.say(third, "can you call me monday at 10am about my bill"))
    again = bot.say(second, "actually make it 11am")
    assert_gracious(again)
    # Said as "Monday ...", "tomorrow ..." or "today ...", whichever day the test runs on.
    assert "still just the one call" not in texts(again) and "still booked for" in texts(again)
    assert "10:00 am" in texts(again)
    counted = bot.say(second, "so how many calls do i have now? two?")
    assert_gracious(counted)
    assert "11:00 am" in texts(counted) and "10:00 am" in texts(counted)
    assert [row[1] for row in calls(bot, sender)] == ["booked", "booked"]
