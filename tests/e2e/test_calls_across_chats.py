"""A customer's calls, booked in one chat and found from the next, held over REST with the real servers
(blind panel p39 17 to 19: a call booked an hour before was "not booked" in the next chat, and a second
chat could neither see, move nor cancel it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, List, Tuple

from tests.e2e.conftest import Bot, assert_gracious, texts
from tests.e2e.panel import tomorrow_said


def calls(bot: Bot, sender: str) -> List[Tuple[Any, ...]]:
    """This test's calls (its chats are ``sender``-a, -b, -c), oldest first."""
    records = Path(bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(records) as conn:
        query = "SELECT sender_id, status, customer_id FROM callbacks WHERE sender_id LIKE ? ORDER BY id"
        return conn.execute(query, (f"{sender}-%",)).fetchall()


def test_a_call_booked_in_one_chat_is_seen_moved_and_cancelled_from_the_next(bot: Bot, sender: str) -> None:
    first, second, third = bot.chats(sender, "C002", 3)
    assert_gracious(bot.say(first, "hi can someone ring me tomorrow at 11am about my lamp"))
    assert calls(bot, sender) == [(first, "booked", "C002")]
    assert_gracious(bot.say(first, "thanks thats all"))

    moved = bot.say(second, "can you move my 11am call to 2pm")
    assert_gracious(moved)
    assert f"to {tomorrow_said()} at 2:00 pm" in texts(moved)
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
    first, second, third = bot.chats(sender, "C003", 3)
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


def test_another_case_asked_to_be_sorted_on_the_call_booked_is_noted_on_it_never_booked_twice(
    bot: Bot, sender: str
) -> None:
    """Blind panel p52 20: "i already have a call with you tomorrow at 4:45, can they just sort the jacket on that same
    call?" booked a second call at 4:45 (and once read the time as 4:45 am)."""
    first, second = bot.chats(sender, "C001")
    assert_gracious(bot.say(first, "please call me monday at 4:45pm about my phone plan"))
    assert [row[1] for row in calls(bot, sender)] == ["booked"]
    assert_gracious(
        bot.say(second, "i ordered the jacket LK-10424 in S but i need an M, can you change it before it ships?")
    )
    noted = bot.say(
        second, "i already have a call with you monday at 4:45, can they just sort the jacket on that same call?"
    )
    assert_gracious(noted)
    assert "added that to the notes for your call" in texts(noted) and "4:45 pm" in texts(noted)
    assert "You're booked" not in texts(noted) and "Shall I cancel" not in texts(noted)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]  # the one call, never a second
    records = Path(bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(records) as conn:
        notes = conn.execute(
            "SELECT n.text FROM callback_notes n JOIN callbacks c ON c.id = n.callback_id WHERE c.sender_id = ?",
            (first,),
        ).fetchall()
    # What the call is now also about, in the customer's words: the jacket's size and the ask.
    assert len(notes) == 1 and "jacket LK-10424 in S but i need an M" in notes[0][0] and "same call" in notes[0][0]
    counted = bot.say(second, "how many calls do i have booked")
    assert_gracious(counted)
    assert "Just the one" in texts(counted)


def test_the_call_and_an_email_asked_after_in_a_new_chat_are_told_never_apologised_for(bot: Bot, sender: str) -> None:
    """Blind panel p52 15: "is the lamp call still tomorrow 10am, and has anyone emailed me about the discount setting
    yet?" an hour after booking both heard "We should have got back to you, and I'm sorry nobody did"."""
    first, second = bot.chats(sender, "C002")
    assert_gracious(bot.say(first, "can someone call me monday at 10am about my lamp"))
    both = bot.say(first, "also can someone email me about turning on the discount setting")
    assert_gracious(both)
    assert "will email you" in texts(both) and "cancelled the call" not in texts(both)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]  # the email beside the call, never instead of it
    asked = bot.say(
        second, "is the lamp call still monday 10am, and has anyone emailed me about the discount setting yet?"
    )
    assert_gracious(asked)
    assert "10:00 am" in texts(asked) and "still stands" in texts(asked)
    assert "We'll be in touch by the end of the next business day" in texts(asked)
    assert "sorry nobody did" not in texts(asked) and "got back to you" not in texts(asked)


def test_an_email_asked_for_about_another_case_leaves_a_call_booked_elsewhere_standing(bot: Bot, sender: str) -> None:
    """A conversation of our own, 5 December (and blind panel p53 A12): "can you just email me about it instead of
    calling" about a wrong dress cancelled the call booked in another chat about the bill."""
    first, second = bot.chats(sender, "C001")
    assert_gracious(bot.say(first, "please call me monday at 2pm about my bill BL-30017"))
    assert [row[1] for row in calls(bot, sender)] == ["booked"]
    assert_gracious(bot.say(second, "hi again, my dress LK-10421 came in the wrong colour"))
    email = bot.say(second, "can you just email me about it instead of calling")
    assert_gracious(email)
    assert "will email you" in texts(email) and "still stands" in texts(email), texts(email)
    assert "cancelled" not in texts(email), texts(email)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]  # the bill's call kept


def test_the_call_booked_is_named_while_a_new_calls_time_is_asked_and_takes_this_case_too(
    bot: Bot, sender: str
) -> None:
    """Blind panel p54 A09: "i already have a call booked at 9:30 today about my jacket. can they just cover this on the
    same call?", said while a person's call was being arranged, booked a second 9:30 call."""
    first, second = bot.chats(sender, "C001")
    assert_gracious(bot.say(first, "please call me monday at 9:30am about my jacket LK-10424"))
    asked = bot.say(second, "i want to talk to a person about my bill BL-30017")
    assert_gracious(asked)
    assert "What time suits you" in texts(asked)  # nobody on duty in the tests: a call is arranged
    noted = bot.say(
        second,
        "i already have a call booked at 9:30 monday about my jacket. can they just cover this on the same call?",
    )
    assert_gracious(noted)
    assert "added that to the notes for your call" in texts(noted) and "9:30 am" in texts(noted)
    assert "You're booked" not in texts(noted) and "What time suits you" not in texts(noted)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]  # the one call, never a second at 9:30


def test_a_call_asked_for_at_the_time_of_one_booked_before_joins_it(bot: Bot, sender: str) -> None:
    first, second = bot.chats(sender, "C001")
    assert_gracious(bot.say(first, "please call me monday at 9:30am about my jacket LK-10424"))
    joined = bot.say(second, "please call me monday at 9:30am about my bill BL-30017")
    assert_gracious(joined)
    assert "one call covers both" in texts(joined) and "You're booked" not in texts(joined)
    assert [row[1] for row in calls(bot, sender)] == ["booked"]


def test_everything_but_the_call_named_is_cancelled_and_a_moved_call_asked_after_is_gone(bot: Bot, sender: str) -> None:
    """Blind panel p54 A10: "can we move it to 2" beside two 9:30 calls booked a third; "so the 930 one is cancelled
    right?" heard "No, it isn't cancelled"; "cancel everything except the 2pm one" cancelled the 2pm call."""
    first, second, third = bot.chats(sender, "C001", 3)
    assert_gracious(bot.say(first, "please call me monday at 9:30am about my jacket LK-10424"))
    moved = bot.say(second, "hey i have a call booked for 9:30 monday, something came up can we move it to 2")
    assert_gracious(moved)
    assert "I've moved your call from" in texts(moved) and "2:00 pm" in texts(moved)
    gone = bot.say(second, "so the 930 one is cancelled right? i dont want my phone ringing in a meeting")
    assert_gracious(gone)
    assert "nothing is booked at 9:30am any more" in texts(gone) and "isn't cancelled" not in texts(gone)
    assert_gracious(bot.say(third, "please call me monday at 11am about my dress LK-10421"))
    kept = bot.say(third, "omg. cancel everything except the 2pm one")
    assert_gracious(kept)
    assert "Still booked" in texts(kept) and "2:00 pm" in texts(kept).split("Still booked")[1]
    assert [row[1] for row in calls(bot, sender)] == ["booked", "cancelled"]  # the 2pm call kept, the 11am one gone


def test_a_second_call_booked_in_another_chat_names_the_first_and_how_to_keep_one(bot: Bot, sender: str) -> None:
    """Blind panel p55 B05: calls piled up across chats, the customer never told that one already stood."""
    first, second = bot.chats(sender, "C002", 2)
    assert_gracious(bot.say(first, "hi can someone ring me tomorrow at 11am about my lamp"))
    assert_gracious(bot.say(second, "my shoes LK-10422 came scuffed. can you ring me"))
    booked = bot.say(second, "tomorrow at 4pm")
    assert_gracious(booked)
    assert "You're booked" in texts(booked)
    assert "You also have a call with us from an earlier chat" in texts(booked) and "11:00 am" in texts(booked)
    assert [row[1] for row in calls(bot, sender)] == ["booked", "booked"]
    kept = bot.say(second, "cancel the 11am one")
    assert_gracious(kept)
    assert "cancelled the call" in texts(kept) and "4:00 pm" in texts(kept)
    assert [row[1] for row in calls(bot, sender)] == ["cancelled", "booked"]


def test_a_call_moved_in_the_same_breath_as_another_is_cancelled_is_moved_too(bot: Bot, sender: str) -> None:
    """Blind panel p69 Y-06: "wait no, make it 2pm not 12. and cancel the 8am one, i only need one call" cancelled the
    8am call and kept (and emailed) 12pm."""
    first, second = bot.chats(sender, "C002", 2)
    assert_gracious(bot.say(first, "hi can someone ring me tomorrow at 11am about my lamp"))
    assert_gracious(bot.say(second, "my shoes LK-10422 came scuffed. can you ring me"))
    assert_gracious(bot.say(second, "tomorrow at 4pm"))
    records = Path(bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))

    def when_booked() -> Any:
        with sqlite3.connect(records) as conn:
            query = "SELECT scheduled_for FROM callbacks WHERE sender_id = ? AND status = 'booked'"
            return conn.execute(query, (second,)).fetchone()[0]

    at_four = when_booked()
    both = bot.say(second, "wait no, make it 5pm not 4. and cancel the 11am one, i only need one call")
    assert_gracious(both)
    assert "cancelled the call" in texts(both) and "11:00 am" in texts(both)
    assert f"to {tomorrow_said()} at 5:00 pm" in texts(both)
    assert [row[1] for row in calls(bot, sender)] == ["cancelled", "booked"]
    assert when_booked() != at_four  # the one call left moved, never kept at 4pm


def test_no_calls_at_all_cancels_every_call_of_theirs_with_the_updates_and_everything_after(
    bot: Bot, sender: str
) -> None:
    """Blind panel p62 K03: "dont call at all ... just email me tracking updates" left the call standing, and "cancel
    everything, no calls" heard there was none while another chat's 7pm call stood."""
    first, second, third = bot.chats(sender, "C003", 3)
    assert_gracious(bot.say(first, "can someone call me tomorrow at 7pm about my bill"))
    assert_gracious(bot.say(second, "where is my coffee grinder?? it was supposed to be here 3 days ago"))
    assert_gracious(bot.say(second, "can someone call me tomorrow morning like 9"))
    assert [status for _, status, _ in calls(bot, sender)] == ["booked", "booked"]
    updates = bot.say(
        second, "actually you know what, dont call at all, im in meetings all day. just email me tracking updates"
    )
    assert_gracious(updates)
    said = texts(updates)
    assert "email at every step" in said and "cancelled the calls" in said and "Nobody will ring you" in said, said
    assert [status for _, status, _ in calls(bot, sender)] == ["cancelled", "cancelled"]

    assert_gracious(bot.say(third, "can someone call me tomorrow at 7pm about my bill"))
    assert_gracious(bot.say(first, "can someone call me on monday at 10am"))
    every = bot.say(third, "what 7pm call?? i never booked that. cancel everything, no calls")
    assert_gracious(every)
    assert "Nobody will ring you" in texts(every) and "no call booked" not in texts(every), texts(every)
    assert [status for _, status, _ in calls(bot, sender)] == ["cancelled"] * 4


def test_an_email_in_place_of_this_chats_call_says_the_call_from_another_chat_stands(bot: Bot, sender: str) -> None:
    """Blind panel p63 M10: "Nobody will ring you" with a 10am call booked in another chat still standing."""
    first, second = bot.chats(sender, "C003")
    assert_gracious(bot.say(first, "can someone call me tomorrow at 10am about my grinder"))
    assert_gracious(bot.say(second, "call me back tomorrow at 3pm please"))
    email = bot.say(
        second, "hmm actually I am in meetings all day tomorrow. can you cancel the 3pm and just email me instead?"
    )
    assert_gracious(email)
    said = texts(email)
    assert "3:00 pm" in said and "Still booked" in said and "10:00 am" in said, said
    assert "Nobody will ring you" not in said, said
    assert [status for _, status, _ in calls(bot, sender)] == ["booked", "cancelled"]
