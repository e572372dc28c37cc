"""callback_form and action_schedule_callback: a call at a time that suits the customer."""

import asyncio
import re
from datetime import datetime, timezone

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.schedule_callback
from actions.callback_time import parse_callback_time
from actions.schedule_callback import ActionScheduleCallback, ValidateCallbackForm
from gracious import stores
from tests.actions import WEDNESDAY_10AM, at, freeze_time, message, run_action, tracker_from

FORM_SLOTS = ["callback_time", "callback_phone", "followup_email"]  # as in domain.yml


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tomorrow at 3pm", at(12, 15)),
        ("tomorrow at 9am", at(12, 9)),
        ("could you call me tomorrow at 4:30pm please", at(12, 16, 30)),
        ("friday morning", at(13, 10)),
        ("friday", at(13, 10)),
        ("this afternoon", at(11, 14)),
        ("tomorrow afternoon", at(12, 14)),
        ("lunchtime tomorrow", at(12, 12)),
        ("this evening", at(11, 18)),
        ("today at 4pm", at(11, 16)),
        ("11am", at(11, 11)),
        ("saturday 11 is the BRUNCH, not the call. call me today at 4pm", at(11, 16)),
        ("call me tomorrow. at 3pm", at(12, 15)),
        ("Tomorrow, any time after 3.", at(12, 15)),
        ("eh no dont bother, not worth a phone call for 10%", None),
        ("TODAY at 1?? I said tomorrow after 3pm.", at(12, 15)),
        ("call me tonight, like 7", at(11, 19)),
        ("tomorrow at 11. actually no wait, make it 1130", at(12, 11, 30)),
        ("the 7.60, that definitely went through?", None),
        ("fine, keep the exchange but it's 8.5, i already told you the size", None),
        # Limits said with the ask (blind panels p66 T-01, T-10, p67 U-05): from that hour, never inside what's ruled out.
        ("can someone call me? not before 5pm though, im at work", at(11, 17)),
        ("no earlier than 3pm please", at(11, 15)),
        ("A call please, but not today or tomorrow, and only after 6pm.", at(13, 18)),
        ("not today, maybe 3pm", at(12, 15)),
        ("call me before 5pm", at(11, 16)),
    ],
)
def test_parse_callback_time_understands_the_customers_words(text, expected):
    assert parse_callback_time(text, WEDNESDAY_10AM) == expected


@pytest.mark.parametrize("text", ["asap", "as soon as possible", "right away please", "now"])
def test_asap_means_the_next_quarter_hour(text):
    assert parse_callback_time(text, WEDNESDAY_10AM) == at(11, 10, 15)
    assert parse_callback_time(text, at(11, 10, 7)) == at(11, 10, 15)


def test_a_time_of_day_already_gone_means_tomorrow():
    assert parse_callback_time("9am", WEDNESDAY_10AM) == at(12, 9)
    assert parse_callback_time("this morning", at(11, 15)) == at(12, 10)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tomorrow at 6am", at(12, 8)),  # before opening: when the team starts
        ("saturday at 8pm", at(16, 8)),  # long after Saturday's close: Monday morning
        ("saturday at 6pm", at(14, 16, 45)),  # just after it: the last call that Saturday
        ("sunday", at(16, 10)),  # closed all day: Monday, at the hour a day said alone has (10am)
        ("sunday at 2pm", at(16, 14)),  # the hour kept on the next day the team is in
        ("sunday at 7am", at(16, 8)),  # an hour they are not in on Monday either: Monday's opening
    ],
)
def test_time_outside_care_hours_moves_to_the_next_opening(text, expected):
    assert parse_callback_time(text, WEDNESDAY_10AM) == expected


def test_asap_while_the_team_is_out_is_when_they_are_back():
    assert parse_callback_time("asap", at(14, 17, 30)) == at(16, 8)


@pytest.mark.parametrize(
    "text",
    [
        "blorp zzz frobnicate",
        "no idea",
        "yes please",
        "",
        "my number is 555 0134",
        # A conversation of our own, 5 December: booked for the team's next opening, unasked.
        "its unplugged now. can i get a refund?",
    ],
)
def test_words_without_a_time_are_not_a_time(text):
    assert parse_callback_time(text, WEDNESDAY_10AM) is None


@pytest.mark.parametrize("text", ["whenever", "any time is fine", "anytime"])
def test_whenever_means_the_next_quarter_hour(text):
    assert parse_callback_time(text, WEDNESDAY_10AM) == at(11, 10, 15)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tomorrow after lunch, maybe 2ish", at(12, 14)),
        ("tomorrow after lunch", at(12, 13)),
        ("make it 4 instead", at(11, 16)),
        ("tomorrow at 9", at(12, 9)),
        ("no, I said 2pm", at(11, 14)),
        ("tmrw morning", at(12, 10)),
        ("3pm tomorrow, on 555 0144", at(12, 15)),  # the day from one phrase, the clock time from another
        ("call me in about 2 hours?", at(11, 12)),
        ("in half an hour", at(11, 10, 30)),
        ("2moro at 3", at(12, 15)),
    ],
)
def test_bare_and_rough_hours_are_read_as_people_mean_them(text, expected):
    assert parse_callback_time(text, WEDNESDAY_10AM) == expected


def test_validate_callback_time_stores_the_parsed_time(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher = CollectingDispatcher()

    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            "tomorrow at 3pm", dispatcher, tracker_from("callback_form", text="tomorrow at 3pm"), domain
        )
    )

    assert result == {"callback_time": "2025-06-12T15:00:00-04:00", "callback_attempts": None}
    assert dispatcher.messages == []


def test_a_time_when_nobody_is_in_is_said_not_moved_silently(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher = CollectingDispatcher()
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            "call me tonight at 9", dispatcher, tracker_from("callback_form", text="call me tonight at 9"), domain
        )
    )
    # Just after the team goes home (8pm): their last call that evening, not the next morning.
    # Another hour than the one asked: offered, booked on a yes (blind panel p54 B10), never booked unasked.
    assert result == {"callback_time": None}
    assert dispatcher.messages[0]["soonest_at"] == "2025-06-11T19:45:00-04:00"
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_outside_hours_earlier"]
    assert dispatcher.messages[0]["callback_when"] == "today at 7:45 pm"


def test_a_time_long_after_the_team_goes_home_is_the_next_morning(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher = CollectingDispatcher()
    said = "call me tonight at 11"
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            said, dispatcher, tracker_from("callback_form", text=said), domain
        )
    )
    # Another hour than the one asked: offered, booked on a yes (blind panel p54 B10), never booked unasked.
    assert result == {"callback_time": None}
    assert dispatcher.messages[0]["soonest_at"] == "2025-06-12T08:00:00-04:00"
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_outside_hours"]
    assert dispatcher.messages[0]["callback_when"] == "tomorrow at 8:00 am"


def validated_on_saturday(monkeypatch, domain, slot, said, events=None):
    """The callback form's ``slot`` validated on Saturday 14 June at 10 am: its result and what was said."""
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM.replace(day=14))
    dispatcher = CollectingDispatcher()
    changes = {"text": said, **({"events": events} if events else {})}
    validate = getattr(ValidateCallbackForm(), f"validate_{slot}")
    result = asyncio.run(validate(said, dispatcher, tracker_from("callback_form", **changes), domain))
    return result, dispatcher


@pytest.mark.parametrize(
    "said, booked, response",
    [
        ("please ring me tomorrow at 11am", "2025-06-16T11:00:00-04:00", "utter_callback_day_closed"),
        ("sunday", "2025-06-16T10:00:00-04:00", "utter_callback_day_closed_day"),  # no time said to keep
    ],
)
def test_a_day_nobody_is_in_keeps_the_hour_on_the_next_day_and_says_so(domain, monkeypatch, said, booked, response):
    # CI on Saturday 5 December 2026: "please ring me tomorrow at 11am" was booked for Monday at 8:00 am.
    result, dispatcher = validated_on_saturday(monkeypatch, domain, "callback_time", said)
    assert result == {"callback_time": booked, "callback_attempts": None}
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert dispatcher.messages[0]["closed_day"] == "Sunday"
    # The booking that follows names the time: said once (blind panel p55, "a moved call states its time twice").
    assert "{callback_when}" not in str(domain["responses"][response])


def test_a_new_hour_just_after_another_day_was_offered_is_on_that_day(domain, monkeypatch):
    # "tonight at 11" on a Saturday, offered Monday at 8 as the team is out then: "hmm make it 11am" changes the hour of
    # the offer, on its day.
    offer = {"utter_action": "utter_callback_offered_confirm", "soonest_at": "2025-06-16T08:00:00-04:00"}
    said = "hmm make it 11am"
    events = [
        {"event": "bot", "text": "...", "metadata": offer},
        {"event": "user", "text": said, "parse_data": {"text": said, "intent": {"name": "inform"}}},
    ]
    result, dispatcher = validated_on_saturday(monkeypatch, domain, "callback_time", said, events)
    assert result == {"callback_time": "2025-06-16T11:00:00-04:00", "callback_attempts": None}
    assert dispatcher.messages == []


def test_the_closed_day_said_once_already_is_said_shortly_the_second_time(domain, monkeypatch):
    # Blind panel p55 B05: "Our care team isn't in on Sunday, so the next day I can book is..." on every booking.
    said = "tomorrow at 4pm then"
    events = [
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_callback_day_closed_day"}},
        {"event": "user", "text": said, "parse_data": {"text": said, "intent": {"name": "inform"}}},
    ]
    result, dispatcher = validated_on_saturday(monkeypatch, domain, "callback_time", said, events)
    assert result == {"callback_time": "2025-06-16T16:00:00-04:00", "callback_attempts": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_day_closed_again"]


def test_an_hour_corrected_for_a_call_booked_on_an_open_day_keeps_that_day_and_names_no_closed_one(domain, monkeypatch):
    # Blind panel p55 C02, on a Sunday: "sorry no, 3:30 not 4:30" about a call booked for Monday at 4:30 was told "Our
    # care team isn't in on Sunday, so I've kept your time" and then "Done: I've moved your call": the time twice.
    said = "sorry no, 3:30 not 4:30"
    events = [
        {"event": "slot", "name": "callback_time", "value": "2025-06-16T16:30:00-04:00"},
        {"event": "user", "text": said, "parse_data": {"text": said, "intent": {"name": "deny"}}},
    ]
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM.replace(day=15))  # a Sunday
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text=said, events=events)
    result = asyncio.run(ValidateCallbackForm().validate_callback_time(said, dispatcher, tracker, domain))
    assert result == {"callback_time": "2025-06-16T15:30:00-04:00", "callback_attempts": None}
    assert dispatcher.messages == []


def test_a_new_hour_for_a_call_on_another_day_is_never_said_to_be_on_a_closed_day(domain, monkeypatch):
    # A conversation of our own, Saturday 5 December: "move my call to 5pm" about a call on Monday at 3pm was told "Our
    # care team isn't in on Saturday" (5pm is their closing on a Saturday), though the hour was for Monday.
    said = "actually can you move my call to 5pm instead"
    events = [
        {"event": "slot", "name": "callback_time", "value": "2025-06-16T15:00:00-04:00"},
        {"event": "user", "text": said, "parse_data": {"text": said, "intent": {"name": "inform"}}},
    ]
    result, dispatcher = validated_on_saturday(monkeypatch, domain, "callback_time", said, events)
    assert result == {"callback_time": "2025-06-16T17:00:00-04:00", "callback_attempts": None}
    assert dispatcher.messages == []


def test_validate_callback_time_rejects_unclear_text_and_asks_again(domain):
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text="blorp zzz frobnicate")

    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time("blorp zzz frobnicate", dispatcher, tracker, domain)
    )

    assert result == {"callback_time": None, "callback_attempts": 1.0}
    assert dispatcher.messages == [message(response="utter_callback_time_unclear")]


def test_a_second_unclear_time_is_not_asked_a_third_time(domain):
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text="blorp", slots={"callback_attempts": 1.0})

    result = asyncio.run(ValidateCallbackForm().validate_callback_time("blorp", dispatcher, tracker, domain))

    # The form ends (required_slots is empty with an escape); action_schedule_callback offers a way on.
    assert result == {"callback_time": None, "callback_attempts": 2.0, "callback_escape": "stuck"}
    assert dispatcher.messages == []
    escaped = tracker_from("callback_form", slots={"callback_escape": "stuck"})
    assert asyncio.run(ValidateCallbackForm().required_slots(FORM_SLOTS, dispatcher, escaped, domain)) == []


@pytest.mark.parametrize(
    "text, escape",
    [("i dont want a call. EMAIL.", "email"), ("can you email me instead", "email"), ("no calls please", "none")],
)
def test_asking_not_to_be_called_escapes_the_form(domain, text, escape):
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text=text)
    form = ValidateCallbackForm()

    assert asyncio.run(form.validate_callback_time(text, dispatcher, tracker, domain)) == {
        "callback_time": None,
        "callback_escape": escape,
    }
    assert asyncio.run(form.validate_callback_phone(text, dispatcher, tracker, domain)) == {
        "callback_phone": None,
        "callback_escape": escape,
    }
    assert dispatcher.messages == []


def test_a_time_given_when_asked_for_the_number_corrects_the_time(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text="no, I said 2pm")

    result = asyncio.run(ValidateCallbackForm().validate_callback_phone("no, I said 2pm", dispatcher, tracker, domain))

    assert result == {"callback_phone": None, "callback_time": "2025-06-11T14:00:00-04:00"}
    assert dispatcher.messages == [message(response="utter_callback_time_changed", callback_when="today at 2:00 pm")]


def test_validate_callback_phone_accepts_a_full_number_and_rejects_a_short_one(domain):
    form = ValidateCallbackForm()
    tracker = tracker_from("callback_form")
    dispatcher = CollectingDispatcher()

    assert asyncio.run(form.validate_callback_phone(" +1 555 0142 ", dispatcher, tracker, domain)) == {
        "callback_phone": "+1 555 0142"
    }
    assert dispatcher.messages == []
    assert asyncio.run(form.validate_callback_phone("0142", dispatcher, tracker, domain)) == {
        "callback_phone": None,
        "callback_attempts": 1.0,
    }
    assert dispatcher.messages == [message(response="utter_phone_unclear")]
    # A second number we can't read: not asked a third time, a way on instead.
    again = tracker_from("callback_form", slots={"callback_attempts": 1.0})
    assert asyncio.run(form.validate_callback_phone("01", dispatcher, again, domain)) == {
        "callback_phone": None,
        "callback_attempts": 2.0,
        "callback_escape": "stuck_phone",
    }


def test_required_slots_skip_the_phone_when_the_records_have_it(domain):
    slots = asyncio.run(
        ValidateCallbackForm().required_slots(FORM_SLOTS, CollectingDispatcher(), tracker_from("callback_form"), domain)
    )
    assert slots == ["callback_time"]


def test_required_slots_skip_the_phone_the_customer_already_gave(domain):
    tracker = tracker_from("callback_form", slots={"case_facts": None, "phone": "555 0142 111"})
    slots = asyncio.run(ValidateCallbackForm().required_slots(FORM_SLOTS, CollectingDispatcher(), tracker, domain))
    assert slots == ["callback_time"]


def test_required_slots_ask_for_the_phone_when_nobody_knows_it(domain):
    tracker = tracker_from("callback_form", slots={"case_facts": None})
    slots = asyncio.run(ValidateCallbackForm().required_slots(FORM_SLOTS, CollectingDispatcher(), tracker, domain))
    assert slots == ["callback_time", "callback_phone"]


def queued_and_signed_in(**slots):
    """A waiting customer signed in as Priya (C003, phone +1 555 0199), no case record open: "ring me in an hour"."""
    return tracker_from(
        "callback_form",
        slots={"case_facts": None, "in_queue": True, "verified_customers": ["C003"], "phone": None, **slots},
    )


def test_a_signed_in_customer_is_not_asked_for_the_number_the_account_has(domain):
    form = ValidateCallbackForm()
    slots = asyncio.run(form.required_slots(FORM_SLOTS, CollectingDispatcher(), queued_and_signed_in(), domain))
    assert slots == ["callback_time"]
    # Not verified for one account: asked, as before.
    stranger = queued_and_signed_in(verified_customers=None)
    slots = asyncio.run(form.required_slots(FORM_SLOTS, CollectingDispatcher(), stranger, domain))
    assert slots == ["callback_time", "callback_phone"]
    # Not waiting, as well (blind panel p34: "the one on my account obviously").
    not_queued = queued_and_signed_in(in_queue=None)
    slots = asyncio.run(form.required_slots(FORM_SLOTS, CollectingDispatcher(), not_queued, domain))
    assert slots == ["callback_time"]


def test_the_call_goes_to_the_accounts_number_said_by_its_last_digits(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = queued_and_signed_in(callback_time="2025-06-11T11:15:00-04:00")
    dispatcher, events = run_action(ActionScheduleCallback(), tracker, domain)
    assert dispatcher.messages[0] == message(
        response="utter_callback_booked_account", callback_when="today at 11:15 am", phone_tail="0199"
    )
    assert "another number" in domain["responses"]["utter_callback_booked_account"][0]["text"]
    assert SlotSet("callback_phone", "+1 555 0199") in events and SlotSet("in_queue", None) in events
    [call] = asyncio.run(stores.records().rows("callbacks"))
    assert call["phone"] == "+1 555 0199"


def test_schedule_callback_books_the_call_and_confirms_time_and_last_four_digits(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from("callback_form", slots={"callback_time": "2025-06-12T15:00:00-04:00"})

    dispatcher, events = run_action(ActionScheduleCallback(), tracker, domain)

    assert dispatcher.messages == [
        message(response="utter_callback_booked", callback_when="tomorrow at 3:00 pm", phone_tail="0199")
    ]
    assert events == [
        SlotSet("callback_escape", None),
        SlotSet("callback_attempts", None),
        SlotSet("callback_time", None),
        SlotSet("callback_id", "1"),
        SlotSet("callback_phone", "+1 555 0199"),
        SlotSet("alternative", None),
    ]
    [row] = asyncio.run(stores.records().rows("callbacks"))
    assert {k: v for k, v in row.items() if k != "created_at"} == {
        "id": 1,
        "sender_id": "priya-grinder",
        "handoff_id": 3,
        # Stored in UTC, like every other time in the records.
        "scheduled_for": datetime(2025, 6, 12, 19, 0),
        "phone": "+1 555 0199",
        "reason": "check_order_status",
        "status": "booked",
        # The desk's columns: nobody has claimed or called yet.
        "claimed_by": None,
        "attempts": None,
        "outcomes": None,
        "outcome": None,
        "updated_at": None,
        # A call booked with a handoff: the desk shows the handoff's case (callbacks.summary unused).
        "summary": None,
        "customer_id": None,  # the fixture's chat knows all three demo customers: none of them for sure
    }


def test_schedule_callback_uses_the_number_given_in_the_form_and_records_the_chosen_alternative(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from(
        "callback_form",
        slots={
            "callback_time": "2025-06-16T08:00:00-04:00",
            "callback_phone": "(555) 010-7788",
            "alternative": "callback",
            "handoff_id": None,
        },
    )

    dispatcher, events = run_action(ActionScheduleCallback(), tracker, domain)

    assert dispatcher.messages == [
        message(response="utter_callback_booked", callback_when="Monday 16 June at 8:00 am", phone_tail="7788")
    ]
    assert events == [
        SlotSet("callback_escape", None),
        SlotSet("callback_attempts", None),
        SlotSet("callback_time", None),
        SlotSet("callback_id", "1"),
        SlotSet("callback_phone", "(555) 010-7788"),
        SlotSet("alternative", None),
        SlotSet("accepted_alternative", "callback"),
    ]
    [row] = asyncio.run(stores.records().rows("callbacks", sender_id="priya-grinder"))
    assert (row["phone"], row["handoff_id"], row["scheduled_for"]) == (
        "(555) 010-7788",
        None,
        datetime(2025, 6, 16, 12, 0),
    )
    assert row["created_at"] <= datetime.now(timezone.utc).replace(tzinfo=None)


def test_the_number_on_my_account_is_told_honestly_we_cant_see_it(domain):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_phone(
            "the one on my account", dispatcher, tracker_from("callback_form"), domain
        )
    )
    assert result == {"callback_phone": None, "callback_attempts": 1.0}
    assert dispatcher.messages == [message(response="utter_phone_not_on_file")]


def test_no_number_to_give_is_another_way_on_at_once(domain):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_phone(
            "i dont have the number", dispatcher, tracker_from("callback_form"), domain
        )
    )
    assert result == {"callback_phone": None, "callback_escape": "no_phone"}
    assert dispatcher.messages == []


@pytest.mark.parametrize("typed", ["' OR 1=1 --", "1'; DROP TABLE users; --", "'; DROP TABLE callbacks", "x=1"])
def test_code_is_never_read_as_a_time_for_a_call(typed):
    from actions.callback_time import parse_callback_time

    assert parse_callback_time(typed, WEDNESDAY_10AM) is None


def test_a_time_today_already_gone_is_said_when_it_moves_to_tomorrow(domain, monkeypatch):
    # "later today 6pm" said at 7pm (p32 panel): tomorrow at 6, and the customer is told the day moved.
    evening = WEDNESDAY_10AM.replace(hour=19)
    freeze_time(monkeypatch, actions.schedule_callback, evening)
    dispatcher = CollectingDispatcher()
    said = "later today 6pm"
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            said, dispatcher, tracker_from("callback_form", text=said), domain
        )
    )
    assert result == {"callback_time": "2025-06-12T18:00:00-04:00", "callback_attempts": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_today_gone"]
    assert dispatcher.messages[0]["callback_when"] == "tomorrow at 6:00 pm"
    # The team's clock beside it, for a customer in another time zone (blind panel p43 06, 15, 20).
    assert dispatcher.messages[0]["our_clock"] == "7:00 pm New York time"


def test_a_time_later_today_stays_today_and_says_nothing(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher = CollectingDispatcher()
    said = "later today 6pm"
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            said, dispatcher, tracker_from("callback_form", text=said), domain
        )
    )
    assert result == {"callback_time": "2025-06-11T18:00:00-04:00", "callback_attempts": None}
    assert dispatcher.messages == []


def _time_said(domain, said: str, agreed_before: tuple = ()) -> tuple:
    """The form's validation of ``said``, after an earlier answer that agreed ``agreed_before`` (what was said, the
    ISO time), when given: (the result, the responses said)."""
    events = None
    if agreed_before:
        parse = {"intent": {"name": "inform"}, "entities": []}
        events = [
            {"event": "user", "text": agreed_before[0], "parse_data": parse},
            {"event": "slot", "name": "callback_time", "value": agreed_before[1]},
            {"event": "user", "text": said, "parse_data": parse},
        ]
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text=said, events=events)
    result = asyncio.run(ValidateCallbackForm().validate_callback_time(said, dispatcher, tracker, domain))
    return result, dispatcher.messages


def test_a_call_pushed_to_closing_time_is_that_days_last_call_never_the_next_open_day(domain, monkeypatch):
    # Blind panel p52 14: a Saturday call at 4pm pushed "to 5 instead of 4" went to Monday at 8:00 am. The team
    # finishes at 5 on Saturdays: 4:45 pm that day, said as the closest.
    freeze_time(monkeypatch, actions.schedule_callback, at(13, 21))  # Friday evening
    said = "can we push it to 5 instead of 4"
    result, messages = _time_said(domain, said, ("tomorrow at 4pm", "2025-06-14T16:00:00-04:00"))
    # Another hour than the one asked: offered, booked on a yes (blind panel p54 B10), never booked unasked.
    assert result == {"callback_time": None}
    assert messages[0]["soonest_at"] == "2025-06-14T16:45:00-04:00"
    assert [m["response"] for m in messages] == ["utter_callback_outside_hours_earlier"]
    assert messages[0]["callback_when"] == "tomorrow at 4:45 pm"


def test_same_time_on_another_day_keeps_the_hour_agreed(domain, monkeypatch):
    # Blind panel p52 11: "can we do wednesday instead, same time" about an 11am call was booked for 10am.
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    said = "can we do friday instead, same time"
    result, messages = _time_said(domain, said, ("tomorrow at 11am", "2025-06-12T11:00:00-04:00"))
    assert result == {"callback_time": "2025-06-13T11:00:00-04:00", "callback_attempts": None}
    assert messages == []


def test_as_soon_as_possible_today_after_hours_is_when_the_team_is_back(domain, monkeypatch):
    # Blind panel p52 05: "as soon as possible please, today if you can" at 9pm heard "that time has already gone by".
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM.replace(hour=21))
    result, messages = _time_said(domain, "as soon as possible please, today if you can")
    assert result["callback_time"].startswith("2025-06-12T08:00")  # as soon as they are in, never 10am
    assert [m["response"] for m in messages] == ["utter_callback_outside_hours"]


def test_today_asked_after_hours_without_soonest_says_the_day_is_over(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM.replace(hour=21))
    result, messages = _time_said(domain, "today please, if you can")
    assert result["callback_time"].startswith("2025-06-12")
    assert [m["response"] for m in messages] == ["utter_callback_today_over"]


def test_no_number_to_hand_while_the_time_is_asked_is_told_it_is_not_needed(domain, monkeypatch):
    # A conversation of our own, 5 December: "its about my order, i dont have the number on me" was "I didn't catch a
    # time in that".
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    said = "its about my order, i dont have the number on me"
    dispatcher = CollectingDispatcher()
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time(
            said, dispatcher, tracker_from("callback_form", text=said), domain
        )
    )
    assert result == {"callback_time": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_no_number_needed"]


def test_a_number_given_with_a_day_and_time_takes_both(domain, monkeypatch):
    # Blind panel p54 B10: "i just gave you the number. 555 340 1122. and i said weekdays, today is saturday. monday
    # 4:45 then i guess" kept the call today at 4:45 pm.
    said = "i just gave you the number. 555 340 1122. and i said weekdays, today is saturday. monday 4:45 then i guess"
    result, dispatcher = validated_on_saturday(monkeypatch, domain, "callback_phone", said)
    assert result["callback_time"] == "2025-06-16T16:45:00-04:00"
    assert re.sub(r"\D", "", result["callback_phone"]).endswith("5553401122")
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_time_changed"]


def test_a_number_given_with_what_day_it_is_keeps_the_time():
    assert actions.schedule_callback.said_to_be_today("today is saturday")
    assert not actions.schedule_callback.said_to_be_today("monday 4:45 then")


def test_today_turned_down_is_never_told_the_time_has_gone_by(domain, monkeypatch):
    # Blind panel p54 B10: "no i said MONDAY 4:45 not today" at 7:51 am heard "that time has already gone by today".
    said = "no i said MONDAY 4:45 not today"
    result, dispatcher = validated_on_saturday(monkeypatch, domain, "callback_time", said)
    assert result["callback_time"] == "2025-06-16T16:45:00-04:00"
    assert "utter_callback_today_gone" not in [m["response"] for m in dispatcher.messages]


def test_a_call_asked_for_at_the_time_of_one_booked_in_another_chat_joins_it(domain, monkeypatch):
    # Blind panel p54 A09: a second call was booked for 9:30, on the same number, beside the one booked earlier.
    earlier = asyncio.run(
        stores.records().book_callback(
            "priya-earlier", datetime(2025, 6, 12, 19, 0), "+1 555 0199", "callback", None, customer_id="C003"
        )
    )
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from(
        "callback_form",
        slots={"callback_time": "2025-06-12T15:00:00-04:00", "verified_customers": ["C003"]},
        text="tomorrow at 3pm",
    )

    dispatcher, events = run_action(ActionScheduleCallback(), tracker, domain)

    assert dispatcher.messages[0] == message(
        response="utter_callback_joined_call", callback_when="tomorrow at 3:00 pm", phone_tail="0199"
    )
    assert SlotSet("callback_id", str(earlier)) in events
    assert [r["status"] for r in asyncio.run(stores.records().rows("callbacks"))] == ["booked"]  # one call, not two
    [note] = asyncio.run(stores.records().rows("callback_notes"))
    assert note["callback_id"] == earlier and note["text"]


def test_a_call_at_another_time_than_the_one_booked_elsewhere_is_booked_as_its_own(domain, monkeypatch):
    asyncio.run(
        stores.records().book_callback(
            "priya-earlier", datetime(2025, 6, 12, 20, 0), "+1 555 0199", "callback", None, customer_id="C003"
        )
    )
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from(
        "callback_form", slots={"callback_time": "2025-06-12T15:00:00-04:00", "verified_customers": ["C003"]}
    )

    dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_callback_booked"
    assert len(asyncio.run(stores.records().rows("callbacks"))) == 2


def test_a_call_joined_while_waiting_in_the_queue_takes_the_case_out_of_it(domain, monkeypatch):
    asyncio.run(
        stores.records().book_callback(
            "priya-earlier", datetime(2025, 6, 12, 19, 0), "+1 555 0199", "callback", None, customer_id="C003"
        )
    )
    handoff = asyncio.run(stores.records().create_handoff("priya-grinder", "request_human", "care", {}))
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from(
        "callback_form",
        slots={"callback_time": "2025-06-12T15:00:00-04:00", "verified_customers": ["C003"], "in_queue": True},
    )

    dispatcher, events = run_action(ActionScheduleCallback(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages][:2] == [
        "utter_callback_joined_call",
        "utter_queue_left_for_call",
    ]
    assert SlotSet("in_queue", None) in events
    [row] = [r for r in asyncio.run(stores.records().rows("handoffs")) if r["id"] == handoff]
    assert (row["status"], row["left_reason"]) == ("left", "callback_booked")


@pytest.mark.parametrize(
    "said, told, heard",
    [
        ("my lamp keeps flickering, can someone phone me tmrw morning", {"entity": "item", "value": "lamp"}, True),
        # "grinder" alone is no item the model knows: the trouble is heard all the same.
        ("my grinder still hasnt come, can someone call me tomorrow at 11am", None, True),
        # A time that reads "late" is no lateness.
        (
            "could someone call me late afternoon",
            {"entity": "time", "value": "late afternoon", "start": 22, "end": 36},
            False,
        ),
        # Nothing told to be sorry for (tests/e2e/test_calls_across_chats.py).
        ("hi can someone ring me tomorrow at 11am about my lamp", {"entity": "item", "value": "lamp"}, False),
    ],
)
def test_trouble_told_with_the_ask_for_a_call_is_heard_once_before_the_booking(said, told, heard):
    events = [{"event": "user", "text": said, "parse_data": {"text": said, "entities": [told] if told else []}}]
    assert actions.schedule_callback._trouble_told_unheard(tracker_from("callback_form", events=events)) is heard
    empathised = events + [{"event": "action", "name": "action_empathize"}]
    assert actions.schedule_callback._trouble_told_unheard(tracker_from("callback_form", events=empathised)) is False


def test_a_call_moved_to_the_time_of_another_chats_call_on_that_number_becomes_that_one_call(domain, monkeypatch):
    """A conversation of our own, 6 December: "can you make it 2pm instead of 12? And then one call is plenty" with
    another chat's call at 2pm on the same number left two calls at 2pm."""
    records = stores.records()
    other = asyncio.run(
        records.book_callback(
            "priya-earlier", datetime(2025, 6, 12, 19, 0), "+1 555 0199", "callback", None, customer_id="C003"
        )
    )
    mine = asyncio.run(
        records.book_callback(
            "priya-bill", datetime(2025, 6, 12, 16, 0), "+1 555 0199", "billing", None, customer_id="C003"
        )
    )
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from(
        "callback_form",
        sender_id="priya-bill",
        slots={
            "callback_id": str(mine),
            "callback_phone": "+1 555 0199",
            "callback_time": "2025-06-12T15:00:00-04:00",
            "verified_customers": ["C003"],
        },
        text="can you make it 3pm instead of 12? and then one call is plenty",
    )

    dispatcher, events = run_action(ActionScheduleCallback(), tracker, domain)

    assert dispatcher.messages[0] == message(
        response="utter_callback_moved_onto_other",
        old_when="tomorrow at 12:00 pm",
        callback_when="tomorrow at 3:00 pm",
        phone_tail="0199",
    )
    rows = {r["id"]: r for r in asyncio.run(records.rows("callbacks"))}
    assert (rows[mine]["status"], rows[other]["status"]) == ("cancelled", "booked")
    assert SlotSet("callback_id", str(other)) in events


@pytest.mark.parametrize(
    "said, escaped",
    [
        ("i told you im on a plane tomorrow morning. email me then", True),
        # A call asked for in so many words, with an email too: still the call.
        ("email me the details and call me tomorrow at 10", False),
    ],
)
def test_a_time_said_as_the_reason_for_email_instead_never_books_a_call(domain, monkeypatch, said, escaped):
    """A conversation of our own, 6 December: "i told you im on a plane tomorrow morning. email me then" while the
    call's time was asked was booked for tomorrow at 10:00 am."""
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from("callback_form", text=said, slots={"requested_slot": "callback_time"})
    tracker.latest_message["repair"] = "switch_channel"  # as server/dialogue/form_readings.py reads it
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time("tomorrow morning", CollectingDispatcher(), tracker, domain)
    )
    assert (result.get("callback_escape") == "email") is escaped
    assert (result.get("callback_time") is None) is escaped
