"""A booked call cancelled in the customer's words (panel #17: "cancel the 3pm call please" was
refused as "already booked ... nothing to change"), and times said from now ("ring me instead, in
an hour?" was asked for a time again)."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.callback_cancel
import actions.schedule_callback
from actions.callback_cancel import ASKED, CANCEL_BOOKED
from actions.callback_time import WITHOUT_COLON, parse_callback_time
from actions.repair import ActionCancel
from actions.schedule_callback import ActionScheduleCallback, ValidateCallbackForm
from gracious import repair, stores
from gracious.dropped_call import CANCEL_ANSWER, answer_to_cancel, clock_named, drops_the_call
from tests.actions import WEDNESDAY_10AM, at, freeze_time, message, run_action, tracker_from, tracker_state, variations

SENDER = "priya-grinder"  # the callback_form fixture's conversation
PRIYA = {"customer_id": "C003", "customer_email": "priya.n@example.com", "verified": True}


def book(when, sender=SENDER):
    return asyncio.run(stores.records().book_callback(sender, when, "+1 555 0199", "callback", None))


def statuses():
    return [r["status"] for r in asyncio.run(stores.records().rows("callbacks"))]


def validated(text, monkeypatch, domain, **slots):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from("callback_form", text=text, slots=slots)
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCallbackForm().validate_callback_time(text, dispatcher, tracker, domain))
    return result, dispatcher


def cancelled_by(text, monkeypatch, domain, sender_id=None, events=None, **slots):
    """What action_schedule_callback says and does when the form heard ``text`` as dropping the call."""
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    tracker = tracker_from(
        "callback_form",
        text=text,
        slots={"callback_escape": CANCEL_BOOKED, **slots},
        sender_id=sender_id,
        events=events,
    )
    return run_action(ActionScheduleCallback(), tracker, domain)


@pytest.mark.parametrize(
    "text",
    [
        "cancel the 3pm call please",
        "scrap the phone call",
        "dont call me after all",
        "cancel my callback",
        "please drop the call",
        "forget about the call",
        "call it off",
        "cancel the 2pm one pls",  # blind panel p39 17: a call named by its hour
        "cancel tomorrows 5pm one",
    ],
)
def test_words_that_drop_a_call(text):
    assert drops_the_call(text)


@pytest.mark.parametrize(
    "text",
    [
        "call me at 3pm",
        "cancel my order and call me at 3",
        "i dont want to wait, call me in an hour",
        "/cancel",
        "dont forget the call at 3",
        "please don't forget the callback",
    ],
)
def test_words_that_ask_for_a_call_do_not_drop_one(text):
    assert not drops_the_call(text)


@pytest.mark.parametrize(
    "text",
    [
        "don't cancel the call",
        "please do not cancel my callback",
        "why did you cancel my call?",
        "did you cancel the phone call?",
        "No, don't cancel the 3pm one!",
    ],
)
def test_words_that_keep_or_ask_about_a_call_do_not_drop_it(text):
    assert not drops_the_call(text)


def test_a_cancel_beside_a_question_about_one_still_drops_the_call():
    assert drops_the_call("why did you book two? cancel the 3pm call please")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cancel the 3pm call please", (15, 0)),
        ("the 3 o'clock one", (15, 0)),
        ("the 15:30 call", (15, 30)),
        ("cancel the call at 10", (10, 0)),
        ("cancel my callback", None),
    ],
)
def test_the_time_a_cancel_names(text, expected):
    assert clock_named(text) == expected


def test_cancel_the_3pm_call_typed_at_the_calls_button_cancels_it_not_books_it(domain, monkeypatch):
    book(at(11, 15))
    result, dispatcher = validated("cancel the 3pm call please", monkeypatch, domain, callback_id="1")
    assert result == {"callback_time": None, "callback_escape": CANCEL_BOOKED}
    assert dispatcher.messages == []


def test_dont_call_me_with_no_call_booked_books_none(domain, monkeypatch):
    # "after all" read as the time; the whole message refuses the call.
    tracker = tracker_from("callback_form", text="dont call me after all")
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time("after all", CollectingDispatcher(), tracker, domain)
    )
    assert result == {"callback_time": None, "callback_escape": "none"}


@pytest.mark.parametrize("text", ["scrap the call", "drop the callback", "drop my call"])
def test_scrap_and_drop_are_words_for_cancelling_a_booked_call(text):
    assert repair.cancels_booked_call(text)  # catalog/repair.yml cancel_booked


@pytest.mark.parametrize(
    "text, answer",
    [
        ("yes", "yes"),
        ("Yes please", "yes"),
        ("ok", "yes"),
        ("go ahead", "yes"),
        ("the 3pm one", "time"),
        ("no", "no"),
        ("no, keep it", "no"),
        ("keep the 3pm one", "no"),
        ("No, don't cancel the 3pm one!", "no"),
        ("no, I don't want to cancel the call at 3", "no"),
        ("please don't cancel it", "no"),
        ("please", None),
        ("please cancel it", "yes"),
        ("what time is it booked for?", None),
        ("my order is still late", None),
    ],
)
def test_answers_to_shall_i_cancel_that_one(text, answer):
    assert answer_to_cancel(text) == answer


def test_the_call_named_is_cancelled_with_its_email_and_commitment(domain, monkeypatch):
    book(at(11, 15))
    dispatcher, events = cancelled_by(
        "cancel the 3pm call please", monkeypatch, domain, callback_id="1", case_facts=PRIYA
    )
    assert dispatcher.messages == [
        message(response="utter_callback_call_cancelled", callback_when="today at 3:00 pm"),
        message(response="utter_callback_email_on_its_way", email="priya.n@example.com"),
    ]
    assert statuses() == ["cancelled"]
    assert SlotSet("callback_id", None) in events
    outbox = asyncio.run(stores.records().rows("outbox"))
    assert [r["topic"] for r in outbox][-2:] == ["callback_cancelled", "callback_cancelled"]


def test_a_time_that_names_no_booked_call_asks_about_the_one_there_is_and_cancels_nothing(domain, monkeypatch):
    book(at(11, 15))
    dispatcher, events = cancelled_by("cancel the 4pm call", monkeypatch, domain, callback_id="1")
    assert dispatcher.messages == [
        message(response="utter_callback_cancel_which_time", named_time="4pm", callback_when="today at 3:00 pm")
    ]
    assert variations(domain, "utter_callback_cancel_which_time") == [
        "I can't see a call at {named_time}: the one booked is {callback_when}. Shall I cancel that one?"
    ]
    assert statuses() == ["booked"] and all(e.get("name") != "callback_id" for e in events)
    assert SlotSet(ASKED, "1") in events and FollowupAction("action_listen") in events  # no "anything else?" on top


def answered(text, monkeypatch, domain, asked="1", **slots):
    """action_cancel with ``text`` read as the reply to "Shall I cancel that one?" (server/dialogue/cancel_answer.py)."""
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    state = tracker_state("empty_tracker", text=text, intent="cancel", slots={ASKED: asked, **slots}, sender_id=SENDER)
    state["latest_message"]["repair"] = CANCEL_ANSWER
    return run_action(ActionCancel(), Tracker.from_dict(state), domain)


@pytest.mark.parametrize("text", ["yes", "yes please", "ok cancel it", "the 3pm one", "yeah, that one"])
def test_a_yes_or_the_calls_time_cancels_the_call_asked_about(text, domain, monkeypatch):
    book(at(11, 15))
    cancelled_by("cancel the 4pm call", monkeypatch, domain, callback_id="1")
    dispatcher, events = answered(text, monkeypatch, domain, callback_id="1")
    assert dispatcher.messages[0] == message(response="utter_callback_call_cancelled", callback_when="today at 3:00 pm")
    assert statuses() == ["cancelled"]
    assert SlotSet("callback_id", None) in events and SlotSet(ASKED, None) in events


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "no, keep it",
        "nope leave it",
        "keep the 3pm one",
        "No, don't cancel the 3pm one!",  # review: these three were told "Done: I've cancelled the call"
        "no, I don't want to cancel the call at 3",
        "please don't cancel it",
    ],
)
def test_a_no_keeps_the_call_and_says_so(text, domain, monkeypatch):
    book(at(11, 15))
    dispatcher, events = answered(text, monkeypatch, domain, callback_id="1")
    assert dispatcher.messages == [
        message(response="utter_callback_kept", callback_when="today at 3:00 pm", phone_end="0199")
    ]
    assert statuses() == ["booked"] and SlotSet(ASKED, None) in events


def test_with_two_calls_and_no_time_it_asks_which_and_the_time_answers(domain, monkeypatch):
    book(at(11, 15))
    book(at(12, 10))
    dispatcher, events = cancelled_by("scrap the phone call", monkeypatch, domain, callback_id="2")
    assert dispatcher.messages == [
        message(response="utter_callback_cancel_which", count=2, calls="today at 3:00 pm and tomorrow at 10:00 am")
    ]
    assert statuses() == ["booked", "booked"] and SlotSet(ASKED, "1,2") in events
    # "yes" to two calls is no answer: asked again, nothing cancelled.
    dispatcher, events = answered("yes", monkeypatch, domain, asked="1,2", callback_id="2")
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_cancel_which_not_clear"]
    assert statuses() == ["booked", "booked"]
    # Asked again, so the next reply is read as its answer (server/dialogue/cancel_answer.asked_just_now).
    assert SlotSet(ASKED, "1,2") in events and FollowupAction("action_listen") in events
    dispatcher, events = answered("the 10am one", monkeypatch, domain, asked="1,2", callback_id="2")
    # The call that stands is said, never "Nobody will ring you" (blind panel p49 19).
    assert dispatcher.messages[0] == message(
        response="utter_callback_call_cancelled_others_stand",
        callback_when="tomorrow at 10:00 am",
        calls="today at 3:00 pm",
    )
    assert statuses() == ["booked", "cancelled"] and SlotSet("callback_id", "1") in events


def test_with_two_calls_the_time_named_cancels_that_one_and_the_other_stays(domain, monkeypatch):
    book(at(11, 15))
    book(at(12, 10))
    dispatcher, events = cancelled_by("cancel the 10am call", monkeypatch, domain, callback_id="2")
    # The call that stands is said, never "Nobody will ring you" (blind panel p49 19).
    assert dispatcher.messages[0] == message(
        response="utter_callback_call_cancelled_others_stand",
        callback_when="tomorrow at 10:00 am",
        calls="today at 3:00 pm",
    )
    assert statuses() == ["booked", "cancelled"]
    assert SlotSet("callback_id", "1") in events  # the call still booked


@pytest.mark.parametrize(
    "text", ["cancel the 3pm call please", "scrap the call", "drop the callback", "forget the phone call"]
)
def test_action_cancel_cancels_the_call_by_its_time_even_one_moved_at_the_desk(text, domain, monkeypatch):
    # The chat booked a call for 10am tomorrow; the desk moved it to 3pm today. The slot still names it.
    book(at(11, 15))
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    tracker = tracker_from("empty_tracker", text=text, intent="cancel", slots={"callback_id": "1"}, sender_id=SENDER)
    dispatcher, events = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages[0] == message(response="utter_callback_call_cancelled", callback_when="today at 3:00 pm")
    assert statuses() == ["cancelled"]


@pytest.mark.parametrize(
    "text, gone, stands",
    [
        # Blind panel p49 19: the call named by its day goes; the one kept, by its time or day, stays.
        ("then cancel the tomorrow one please. keep the 3pm", "tomorrow at 10:00 am", "today at 3:00 pm"),
        ("cancel today's one and keep tomorrow", "today at 3:00 pm", "tomorrow at 10:00 am"),
        ("keep 10am. cancel the today one", "today at 3:00 pm", "tomorrow at 10:00 am"),
    ],
)
def test_a_call_named_by_its_day_is_the_one_cancelled_and_the_kept_one_is_said(text, gone, stands, domain, monkeypatch):
    book(at(11, 15))
    book(at(12, 10))
    dispatcher, events = cancelled_by(text, monkeypatch, domain, callback_id="2")
    assert dispatcher.messages[0] == message(
        response="utter_callback_call_cancelled_others_stand", callback_when=gone, calls=stands
    )
    assert sorted(statuses()) == ["booked", "cancelled"]


def test_action_cancel_naming_another_calls_time_cancels_only_that_one(domain, monkeypatch):
    # Two calls; "cancel the 10am call" while the slot names the 3pm one: the 10am one goes.
    book(at(11, 15))
    book(at(12, 10))
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    tracker = tracker_from(
        "empty_tracker", text="cancel the 10am call", intent="cancel", slots={"callback_id": "1"}, sender_id=SENDER
    )
    dispatcher, events = run_action(ActionCancel(), tracker, domain)
    # The call that stands is said, never "Nobody will ring you" (blind panel p49 19).
    assert dispatcher.messages[0] == message(
        response="utter_callback_call_cancelled_others_stand",
        callback_when="tomorrow at 10:00 am",
        calls="today at 3:00 pm",
    )
    assert statuses() == ["booked", "cancelled"] and SlotSet("callback_id", "1") in events


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ring me instead, in an hour?", at(11, 11, 15)),
        ("in 30 mins", at(11, 10, 35)),
        ("in half an hour", at(11, 10, 35)),
        ("in 2 hours", at(11, 12, 15)),
        ("a couple of hours from now", at(11, 12, 15)),
        ("after 5", at(11, 17)),
        ("later this afternoon", None),
        ("later today", None),
    ],
)
def test_times_said_from_now_are_rounded_up_in_the_business_timezone(text, expected):
    assert parse_callback_time(text, at(11, 10, 2)) == expected


def test_a_time_from_now_after_hours_is_the_next_opening():
    assert parse_callback_time("in an hour", at(11, 19, 30)) == at(12, 8)


def test_the_time_said_with_the_ask_is_taken_before_the_form_asks(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    form = ValidateCallbackForm()
    fresh = tracker_from("callback_form", text="ring me instead, in an hour?", slots={"requested_slot": None})
    extracted = asyncio.run(form.extract_callback_time(CollectingDispatcher(), fresh, domain))
    assert extracted == {"callback_time": "ring me instead, in an hour?"}
    # Already asking for the time (its answer is read as one), or no time said: nothing taken.
    asking = tracker_from("callback_form", text="in an hour")
    assert asyncio.run(form.extract_callback_time(CollectingDispatcher(), asking, domain)) == {}
    plain = tracker_from("callback_form", text="can someone call me back", slots={"requested_slot": None})
    assert asyncio.run(form.extract_callback_time(CollectingDispatcher(), plain, domain)) == {}
    vague = tracker_from("callback_form", text="ring me later this afternoon", slots={"requested_slot": None})
    assert asyncio.run(form.extract_callback_time(CollectingDispatcher(), vague, domain)) == {}


def test_later_this_afternoon_is_asked_about_without_i_didnt_catch(domain, monkeypatch):
    result, dispatcher = validated("ring me later this afternoon", monkeypatch, domain)
    assert result == {"callback_time": None, "callback_attempts": 1.0}  # counted: asked at most twice
    assert dispatcher.messages == []  # the form's question follows, nothing claims the words weren't heard


def _booked_elsewhere(customer_id="C003", phone="+1 555 0111"):
    """A call booked an hour ago in another chat of Priya's, on her work number (blind panel p39 18)."""
    return asyncio.run(
        stores.records().book_callback("priya-earlier", at(11, 14), phone, "callback", None, customer_id=customer_id)
    )


def test_a_call_booked_in_the_customers_other_chat_is_cancelled_by_its_time(monkeypatch, domain):
    _booked_elsewhere()
    dispatcher, _ = cancelled_by("just cancel the 2pm call please", monkeypatch, domain, verified_customers=["C003"])
    assert statuses() == ["cancelled"]
    assert dispatcher.messages[0]["response"] == "utter_callback_call_cancelled"


def test_a_call_a_guest_booked_on_the_customers_number_is_not_theirs_to_hear_of(monkeypatch, domain):
    # Blind panel p42 10, 19: a guest's call on Maya's number was announced in Maya's own chats.
    _booked_elsewhere(customer_id=None, phone="555-0199")  # booked by a guest, on Priya's account number
    dispatcher, _ = cancelled_by("cancel my call", monkeypatch, domain, verified_customers=["C003"])
    assert statuses() == ["booked"]


def test_a_call_elsewhere_is_cancelled_when_cancel_is_said_with_no_calls_wanted(monkeypatch, domain):
    # A conversation of our own, 6 December: "i didnt book any call?? please cancel it, i said no calls" just after the
    # other chat's call was said to stand heard "There's no call booked for you right now".
    _booked_elsewhere()
    said = "i didnt book any call?? please cancel it, i said no calls"
    # Unsaid, that call is none of this chat's business (blind panel p42 14): nothing cancelled.
    dispatcher, _ = cancelled_by(said, monkeypatch, domain, verified_customers=["C003"])
    assert statuses() == ["booked"]
    told = [
        {"event": "user", "text": "can someone email me about that add on thing"},
        {"event": "bot", "text": "A call ...", "metadata": {"utter_action": "utter_status_call_booked_elsewhere_also"}},
        {"event": "user", "text": said},
    ]
    dispatcher, _ = cancelled_by(said, monkeypatch, domain, verified_customers=["C003"], events=told)
    assert statuses() == ["cancelled"]
    assert dispatcher.messages[0]["response"] == "utter_callback_call_cancelled"


def test_the_call_from_the_earlier_chat_is_the_one_cancelled_never_this_chats(monkeypatch, domain):
    # A conversation of our own, 6 December: two calls at 2pm, "Please cancel the one from the earlier chat" cancelled
    # the one this chat had booked.
    _booked_elsewhere()
    asyncio.run(
        stores.records().book_callback("priya-roaming", at(11, 14), "+1 555 0199", "billing", None, customer_id="C003")
    )
    dispatcher, _ = cancelled_by(
        "Please cancel the one from the earlier chat.",
        monkeypatch,
        domain,
        verified_customers=["C003"],
        sender_id="priya-roaming",
    )
    rows = {r["sender_id"]: r["status"] for r in asyncio.run(stores.records().rows("callbacks"))}
    assert rows == {"priya-earlier": "cancelled", "priya-roaming": "booked"}


def test_a_new_call_turned_down_never_cancels_one_booked_in_another_chat(monkeypatch, domain):
    # Blind panel p42 14: "i dont want a call, im at work" to a new call cancelled the billing call of chat 09.
    _booked_elsewhere()
    result, _ = validated("i dont want a call, im at work", monkeypatch, domain, verified_customers=["C003"])
    assert result.get("callback_escape") != CANCEL_BOOKED
    assert statuses() == ["booked"]


def test_nobody_the_chat_does_not_know_hears_of_or_cancels_anyones_calls(monkeypatch, domain):
    _booked_elsewhere()
    dispatcher, _ = cancelled_by("just cancel the 2pm call please", monkeypatch, domain, verified_customers=None)
    assert statuses() == ["booked"]
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_nothing_to_cancel"]


def test_either_of_two_calls_at_the_same_time_is_the_one_booked_last():
    # Blind panel p42 21: "cancel one of the two 4pm ones, i dont care which" asked which, three times.
    from datetime import datetime

    from actions.callback_cancel import either_of_twins

    four = datetime(2026, 12, 3, 16, 0)
    twins = [{"id": 3, "local": four, "phone": "+1 555 0199"}, {"id": 7, "local": four, "phone": "+1 555 0199"}]
    assert either_of_twins(twins, "cancel one of the two 4pm ones, i dont care which") == [twins[1]]
    assert either_of_twins(twins, "the second 4pm one") == [twins[1]]
    assert either_of_twins(twins, "cancel the 4pm one") == twins  # which one is still to ask
    other_number = [twins[0], {**twins[1], "phone": "+1 555 0222"}]
    assert either_of_twins(other_number, "either one") == other_number  # not twins: asked


def test_everything_except_the_call_named_is_cancelled_and_that_one_stands(domain, monkeypatch):
    # Blind panel p54 A10: "omg. cancel everything except the 2pm one" cancelled the 2pm call and kept the others.
    book(at(11, 15))  # today at 3:00 pm
    book(at(12, 10))  # tomorrow at 10:00 am
    book(at(12, 10))  # the same call, booked twice
    dispatcher, events = cancelled_by("cancel everything except the 3pm one", monkeypatch, domain, callback_id="1")
    assert dispatcher.messages[0] == message(
        response="utter_callback_calls_cancelled_others_stand",
        cancelled="tomorrow at 10:00 am (booked twice)",
        calls="today at 3:00 pm",
    )
    assert statuses() == ["booked", "cancelled", "cancelled"]
    assert SlotSet("callback_id", "1") in events


@pytest.mark.parametrize("text", ["cancel the 10am ones", "cancel the 10am call", "cancel both 10am calls"])
def test_a_call_booked_twice_is_cancelled_both_times_when_its_time_is_named(text, domain, monkeypatch):
    # Blind panel p54 A10: "cancel the 9:30 ones", "both 9:30 ones", "9:30" were each asked "which one" again.
    book(at(11, 15))
    book(at(12, 10))
    book(at(12, 10))
    dispatcher, _ = cancelled_by(text, monkeypatch, domain, callback_id="1")
    assert dispatcher.messages[0]["response"] == "utter_callback_calls_cancelled_others_stand"
    assert statuses() == ["booked", "cancelled", "cancelled"]


@pytest.mark.parametrize("text", ["both 10am ones", "10am", "all of them"])
def test_answered_which_with_both_or_the_twins_time_cancels_each(text, domain, monkeypatch):
    book(at(12, 10))
    book(at(12, 10))
    dispatcher, _ = answered(text, monkeypatch, domain, asked="1,2", callback_id="2")
    assert dispatcher.messages[0] == message(
        response="utter_callback_calls_cancelled", cancelled="tomorrow at 10:00 am (booked twice)"
    )
    assert statuses() == ["cancelled", "cancelled"]


def test_two_calls_at_different_times_named_by_neither_are_still_asked_about(domain, monkeypatch):
    book(at(11, 15))
    book(at(12, 10))
    dispatcher, _ = cancelled_by("cancel my call", monkeypatch, domain, callback_id="2")
    assert dispatcher.messages[0]["response"] == "utter_callback_cancel_which"
    assert statuses() == ["booked", "booked"]


@pytest.mark.parametrize(
    "text, expected",
    [("so the 930 one is cancelled right?", (9, 30)), ("cancel the 1030 call", (10, 30)), ("930am", (9, 30))],
)
def test_hours_and_minutes_run_together_name_a_time_beside_the_call(text, expected):
    assert clock_named(text) == expected


@pytest.mark.parametrize("text", ["my bill was 130", "order 10421 one", "its 930"])
def test_other_digits_name_no_time(text):
    assert clock_named(text) is None


@pytest.mark.parametrize(
    "text, every",
    [
        ("cancel everything, no calls", True),
        ("actually you know what, dont call at all, im in meetings all day. just email me tracking updates", True),
        ("i want zero calls", True),
        # Blind panel p62 K03 (the calls it asks for); a review of 7 December (what it never asks for).
        ("cancel all the tracking emails", False),
        ("dont call me at all before 5pm", False),
        ("cancel all of them except the 10am", False),
    ],
)
def test_every_call_asked_to_go(text, every):
    from actions.callback_cancel import asks_every_call

    assert asks_every_call(text) is every


@pytest.mark.parametrize(
    "text, limit",
    [
        ("dont call me at all before 5pm", ("before", (17, 0))),
        ("no calls after 7 please", ("after", (19, 0))),
        ("not earlier than 10am", ("before", (10, 0))),
        ("cancel the 3pm call", None),
    ],
)
def test_the_limit_a_customer_sets_on_calls(text, limit):
    assert actions.callback_cancel.time_limit(text) == limit


def test_a_limit_the_booked_call_keeps_changes_nothing(domain, monkeypatch):
    # A re-read of our own, 7 December: "dont call me at all before 5pm" beside a 6pm call heard "Shall I cancel that
    # one?".
    book(at(11, 18))
    dispatcher, events = cancelled_by("dont call me at all before 5pm", monkeypatch, domain, callback_id="1")
    assert dispatcher.messages == [
        message(response="utter_callback_keeps_limit", callback_when="today at 6:00 pm", limit="before 5pm")
    ]
    assert statuses() == ["booked"]


def test_a_limit_the_booked_call_breaks_is_asked_about(domain, monkeypatch):
    book(at(11, 15))
    dispatcher, events = cancelled_by("dont call me before 5pm", monkeypatch, domain, callback_id="1")
    assert dispatcher.messages == [
        message(response="utter_callback_breaks_limit", callback_when="today at 3:00 pm", limit="before 5pm")
    ]
    assert SlotSet(ASKED, "1") in events
    assert statuses() == ["booked"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today 8.30", at(11, 8, 30)),  # blind panel p70 AA-09: booked at 10:00
        ("tomorrow 9.15", at(12, 9, 15)),
        ("today at 8.30", at(11, 8, 30)),
    ],
)
def test_a_time_written_with_a_dot_after_its_day_is_that_time(text, expected):
    assert parse_callback_time(text, at(11, 7, 0)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("745pm is fine", at(11, 19, 45)),  # blind panel p73 AG-08: "I didn't catch a time"
        ("1030 tomorrow", at(12, 10, 30)),  # was 10:00
        ("930am tomorrow", at(12, 9, 30)),
    ],
)
def test_a_clock_time_written_without_its_colon_is_that_time(text, expected):
    assert parse_callback_time(text, at(11, 7, 0)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "call me at 555 0134",
        "i used 500 minutes tomorrow",
        # a group of a phone number, given with the call (callbacks_kept.yml: 555 1122 read as 11:22)
        "ok call me on 555 1122 tomorrow",
        "my number is 555 1122",
    ],
)
def test_a_number_that_is_no_clock_is_not_read_as_one(text):
    when = parse_callback_time(text, at(11, 7, 0))
    assert when is None or when.minute == 0, when


@pytest.mark.parametrize("text", ["555 1122", "07700 900 123", "call 020 7946 1030"])
def test_a_group_of_a_phone_number_keeps_its_digits(text):
    assert WITHOUT_COLON.sub(r"\1:\2", text) == text


def test_a_move_said_beside_a_cancel_moves_the_one_call_left(domain, monkeypatch):
    """Blind panel p69 Y-06: "wait no, make it 2pm not 12. and cancel the 8am one" cancelled 8am and kept 12."""
    book(at(11, 15))
    book(at(12, 12))
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    tracker = tracker_from(
        "empty_tracker",
        text="wait no, make it 2pm not 12. and cancel the 3pm one, i only need one call",
        intent="cancel",
        slots={"callback_id": "2"},
        sender_id=SENDER,
    )
    dispatcher, events = run_action(ActionCancel(), tracker, domain)
    said = [m.get("response") for m in dispatcher.messages]
    assert "utter_callback_moved" in said
    moved = next(m for m in dispatcher.messages if m.get("response") == "utter_callback_moved")
    assert moved["old_when"] == "tomorrow at 12:00 pm" and moved["callback_when"] == "tomorrow at 2:00 pm"
    assert sorted(statuses()) == ["booked", "cancelled"]
    # the cancel says what it cancelled, not "Still booked: 12:00 pm" just before the move to 2pm
    assert said[0] == "utter_callback_call_cancelled_one_moves", said


def test_todays_weekday_at_an_hour_gone_is_next_weeks():
    # "fine monday at 10am" said on a Monday at noon was booked for Tuesday at 10, and "the monday one" then
    # cancelled nothing (the panel conversation in callbacks_kept.yml, run on a Monday afternoon).
    assert parse_callback_time("fine monday at 10am", at(9, 12, 0)) == at(16, 10)
    # still ahead today: today's
    assert parse_callback_time("monday at 2pm", at(9, 12, 0)) == at(9, 14)
    # "at 9" with no day, said at 10: tomorrow's
    assert parse_callback_time("at 9", at(9, 10, 0)) == at(10, 9)
