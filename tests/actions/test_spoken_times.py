"""Call times as people say them (issue #17 panel, c16: "please change the call time to 4.30pm" moved
the call to 4:00 pm and said done; "Could you move my call to half four?")."""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.schedule_callback
from actions.callback_time import parse_callback_time
from actions.schedule_callback import ActionScheduleCallback, ValidateCallbackForm, wanted_time_text
from gracious import stores
from tests.actions import WEDNESDAY_10AM, at, freeze_time, message, run_action, tracker_from


@pytest.mark.parametrize(
    "text, expected",
    [
        ("No, I meant please change the call time to 4.30pm", at(11, 16, 30)),
        ("Could you move my call to half four?", at(11, 16, 30)),
        ("Half past four, not four o'clock. 4:30pm please.", at(11, 16, 30)),
        ("4.30pm", at(11, 16, 30)),
        ("4.30", at(11, 16, 30)),
        ("4.30 please", at(11, 16, 30)),
        ("half four", at(11, 16, 30)),
        ("half past 4", at(11, 16, 30)),
        ("quarter to five", at(11, 16, 45)),
        ("quarter past 3", at(11, 15, 15)),
        ("4:30", at(11, 16, 30)),
        ("16.30", at(11, 16, 30)),
        ("four thirty", at(11, 16, 30)),
        ("call me tomorrow at 9.15am", at(12, 9, 15)),
        ("move it to 4.30 tomorrow", at(12, 16, 30)),
        ("half past four tomorrow", at(12, 16, 30)),
        ("make it 2.15", at(11, 14, 15)),
        ("10 past 4", at(11, 16, 10)),
        # Blind panel p36 16: "before 10" had been booked at 10:00.
        ("tomorrow morning, before 10", at(12, 9, 0)),
        ("before 12pm tomorrow", at(12, 11, 0)),
        ("call me before 5 today", at(11, 16, 0)),
        # Blind panel p43 06: "3 this afternoon" was read as 2pm ("th" of "this" taken for "3th").
        ("ok call me at 3 this afternoon", at(11, 15, 0)),
        ("at 7 this evening", at(11, 19, 0)),
    ],
)
def test_a_time_is_read_to_the_minute_said(text, expected):
    assert parse_callback_time(text, WEDNESDAY_10AM) == expected


@pytest.mark.parametrize("text", ["in half an hour", "the 7.60, that definitely went through?", "my bill is 45.30"])
def test_half_an_hour_and_amounts_are_not_clock_times(text):
    assert parse_callback_time(text, WEDNESDAY_10AM) in (None, at(11, 10, 30))


@pytest.mark.parametrize(
    "text",
    [
        # Blind panel p43 18: how late an order is booked a call a week ahead; a question about where it
        # is booked one for "right now".
        "a manager. and its about my coffee grinder thats like a week late",
        "its 3 days late already",
        "i ordered it two weeks ago",
        "ok. so where is my grinder right now",
        # Blind panel p45 13: a call booked for 10am from when the dress comes.
        "are you listening? NOT the office. fine whatever, and my replacement dress, is it actually coming tomorrow?",
        "will it arrive by friday",
    ],
)
def test_how_late_or_where_something_is_is_no_time(text):
    assert parse_callback_time(text, WEDNESDAY_10AM) is None


def test_a_day_for_the_call_is_still_a_time():
    assert parse_callback_time("call me tomorrow at 2pm, the dress is coming friday", WEDNESDAY_10AM) == at(12, 14, 0)
    # "here" is where to ring, not a delivery: never today instead of tomorrow.
    assert parse_callback_time("call me here tomorrow at 3pm", WEDNESDAY_10AM) == at(12, 15, 0)
    assert parse_callback_time("can someone come round or call tomorrow at 3pm", WEDNESDAY_10AM) == at(12, 15, 0)


def test_a_time_said_beside_the_ask_for_a_call_is_taken_without_asking():
    said = "Can someone call me about my headphones order? I'd like to talk to a person. Tomorrow morning, before 10."
    from actions.callback_time import said_with_the_ask

    assert said_with_the_ask(said, WEDNESDAY_10AM)
    assert parse_callback_time(said, WEDNESDAY_10AM) == at(12, 9, 0)


def test_a_dotted_time_is_one_time_not_two_sentences():
    said = "No, I meant please change the call time to 4.30pm"
    assert parse_callback_time(wanted_time_text(said), WEDNESDAY_10AM) == at(11, 16, 30)


def test_the_call_is_moved_to_the_time_said_and_said_so(domain, monkeypatch):
    """c16 in her words: the call at 2pm is moved to 4:30 pm, the time booked is the time said."""
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    said = "No, I meant please change the call time to 4.30pm"
    callback_id = asyncio.run(
        stores.records().book_callback("panel-c16", at(11, 14), "+1 555 0321", "callback requested", None)
    )
    slots = {"callback_id": str(callback_id), "callback_phone": "+1 555 0321"}
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            said, CollectingDispatcher(), tracker_from("callback_form", text=said, slots=slots), domain
        )
    )
    assert result == {"callback_time": at(11, 16, 30).isoformat(), "callback_attempts": None}
    tracker = tracker_from("callback_form", slots=dict(slots, callback_time=result["callback_time"]))
    dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)
    assert dispatcher.messages[0] == message(
        response="utter_callback_moved",
        old_when="today at 2:00 pm",
        callback_when="today at 4:30 pm",
        phone_tail="0321",
    )
    [row] = asyncio.run(stores.records().rows("callbacks"))
    assert row["scheduled_for"].astimezone(at(11, 16).tzinfo) == at(11, 16, 30)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("anytime from 2 to 4", at(11, 14)),  # was 3:58 pm
        ("tomorrow 9 to 11", at(12, 9)),  # was 10:51
        ("1 till 3", at(11, 13)),  # was 2:59
        ("between 2 to 4", at(11, 14)),
        ("ten to 4", at(11, 15, 50)),  # minutes in words still count down to the hour
        ("quarter till 5", at(11, 16, 45)),
    ],
)
def test_a_range_of_hours_is_read_as_its_start_not_an_odd_time(text, expected):
    assert parse_callback_time(text, WEDNESDAY_10AM) == expected


def test_todays_own_weekday_is_today():
    # Blind panel p46 04: "no i meant today, friday at 2pm" on a Friday was moved to the Friday after.
    friday_night = at(13, 0, 50)  # Friday 13 November 2026, 00:50
    assert parse_callback_time("no i meant today, friday at 2pm, not saturday", friday_night) == at(13, 14, 0)
    assert parse_callback_time("friday at 2pm", friday_night) == at(13, 14, 0)
    assert parse_callback_time("next friday at 2pm", friday_night) == at(20, 14, 0)
