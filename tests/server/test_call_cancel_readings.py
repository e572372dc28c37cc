"""A booked call dropped in the customer's words, read once the call is booked
(server/dialogue/form_readings.py): the words the cancel action knows go to it; others, and a time
that is not the call's, go to the callback form's validator, which cancels the call named or says
the calls booked (actions/callback_cancel.py)."""

from __future__ import annotations

from datetime import date

import pytest
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.dropped_call import days_named, dropped_part, drops_the_call
from server.dialogue.repair import reread

BOOKED_AT_3PM = "2025-06-12T15:00:00-04:00"


def booked_tracker() -> DialogueStateTracker:
    """A chat with a call booked for 3pm (the form's time, then the call's id)."""
    names = ["requested_slot", "callback_id", "callback_time", "case_type", "settled", "policy_id"]
    state = DialogueStateTracker("t", [AnySlot(n, mappings=[{}]) for n in names])
    state.update(UserUttered("please ring me tomorrow at 3pm"))
    for name, value in (("callback_time", "tomorrow at 3pm"), ("callback_time", BOOKED_AT_3PM)):
        state.update(SlotSet(name, value))
    state.update(SlotSet("callback_time", None))
    state.update(SlotSet("callback_id", "1"))
    return state


def parsed(text: str, intent: str) -> dict:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.7},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": 0.7}],
    }


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("cancel the 3pm call please", "cancel", "cancel"),  # the call's time: the cancel action, as before
        ("dont call me after all", "request_callback", "cancel"),
        ("scrap the phone call", "cancel", "cancel"),  # a cancel word now (catalog/repair.yml cancel_booked)
        ("forget the phone call", "cancel", "request_callback"),  # heard by drops_the_call only
        ("cancel the 4pm call please", "cancel", "request_callback"),  # not the call's time: said, not cancelled
    ],
)
def test_a_booked_call_dropped_in_words(text, intent, expected):
    result = reread(parsed(text, intent), booked_tracker())
    assert (result["intent"]["name"], result.get("repair")) == (expected, "cancel_call")
    if expected == "request_callback":
        assert [e["value"] for e in result["entities"] if e["entity"] == "time"] == [text]


@pytest.mark.parametrize(
    "text",
    [
        # Blind panel p35 04: asked while a new call was being booked, and the 9am call was cancelled.
        "wait, so is my 9am call tomorrow cancelled or not? i dont want 2 calls. if nobodys in then just keep the 9am one",
        "is it cancelled or not",
    ],
)
def test_asking_whether_a_call_is_cancelled_cancels_nothing(text):
    assert not drops_the_call(text)
    assert drops_the_call("is the call cancelled? good, cancel the 3pm call too")


def test_did_you_cancel_it_asks_where_things_stand_and_cancels_nothing():
    # Blind panel p35 18: "also did you cancel the tomorrow one or do i have 2 now" cancelled the call just booked.
    text = "im not complaining?? i just asked who will call me. also did you cancel the tomorrow one or do i have 2 now"
    result = reread(parsed(text, "cancel"), booked_tracker())
    assert result["intent"]["name"] != "cancel" and result.get("repair") != "cancel_call"


def test_a_time_corrected_after_a_question_moves_the_call_to_that_time():
    # Blind panel p42 09: "wait today is thursday, do you mean next week? i meant TODAY 10am" got "I'd rather
    # not guess"; the sentence that says the time is the correction, and only its time is taken.
    text = "wait today is thursday, do you mean next week? i meant TODAY 10am"
    result = reread(parsed(text, "inform"), booked_tracker())
    assert (result["intent"]["name"], result.get("repair")) == ("request_callback", "correction")
    assert [e["value"] for e in result["entities"] if e["entity"] == "time"] == ["i meant TODAY 10am"]
    # A question about the call's day alone moves nothing.
    asked = reread(parsed("wait is that next week? do you mean monday 10am?", "inform"), booked_tracker())
    assert asked.get("repair") != "correction"


@pytest.mark.parametrize(
    "text, dropped",
    [
        # Blind panel p49 19: the clause that cancels, never the one that keeps.
        ("then cancel the tomorrow one please. keep 8.15", "then cancel the tomorrow one please"),
        ("please cancel monday's call and keep the 4pm", "please cancel monday's call"),
        ("cancel the 3pm call, im busy on monday", "cancel the 3pm call"),
        # The cancel alone names no call: the rest that keeps none says which.
        ("cancel it. the 3pm one", "cancel it, the 3pm one"),
    ],
)
def test_the_call_dropped_is_read_from_the_words_that_drop_it(text, dropped):
    assert dropped_part(text) == dropped


@pytest.mark.parametrize(
    "text", ["then cancel the tomorrow one please", "cancel today's one", "cancel the monday booking"]
)
def test_a_call_named_by_its_day_is_dropped(text):
    assert drops_the_call(text)


def test_a_call_named_by_its_day_is_that_day_and_todays_weekday_is_today_or_a_week_on():
    friday = date(2026, 12, 4)
    assert days_named("cancel the tomorrow one", friday) == (date(2026, 12, 5),)
    assert days_named("cancel today's call", friday) == (friday,)
    assert days_named("cancel the monday one", friday) == (date(2026, 12, 7),)
    assert days_named("cancel the friday one", friday) == (friday, date(2026, 12, 11))
    assert days_named("cancel the 3pm call", friday) == ()


def _with_bot_line(state: DialogueStateTracker, response: str) -> DialogueStateTracker:
    from rasa.shared.core.events import BotUttered

    state.update(BotUttered("...", metadata={"utter_action": response}))
    return state


def test_cancel_it_just_after_the_call_was_booked_cancels_the_call():
    # "ok cancel it then" right after the booking got "No problem at all." with the call kept (found this stop).
    state = _with_bot_line(booked_tracker(), "utter_callback_booked")
    result = reread(parsed("ok cancel it then", "cancel"), state)
    assert (result["intent"]["name"], result.get("repair")) == ("cancel", "cancel_call")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("did you change my call to 4:30?", ("ask_status", "status")),
        ("did you move it to 5pm?", ("ask_status", "status")),
        ("have you moved it?", ("ask_status", "status")),
    ],
)
def test_asked_whether_the_call_was_changed_the_call_is_told(text, expected):
    # Blind panel p51 13: "did you change my call to 4:30?" was asked "What time suits you for a call?".
    result = reread(parsed(text, "ask_why"), booked_tracker())
    assert (result["intent"]["name"], result.get("repair")) == expected


def test_a_new_time_with_another_question_after_it_moves_the_call():
    # Blind panel p51 13: the question after "make it 4:30." kept the call where it was.
    text = "oh wait no I have a meeting then, make it 4:30. and can they tell me if the Portland calls got the discount too?"
    result = reread(parsed(text, "nlu_fallback"), booked_tracker())
    assert (result["intent"]["name"], result.get("repair")) == ("request_callback", "correction")


def test_yes_to_looking_into_another_order_opens_that_orders_case():
    # Blind panel p51 07: "yes please look into the grinder" after "About LK-10423, your coffee grinder: ... just say so
    # and I'll look into that with you" brought a person and the callback form.
    from rasa.shared.core.events import BotUttered

    state = booked_tracker()
    state.update(UserUttered("refund, like I said. and the grinder??"))
    state.update(
        BotUttered(
            "About LK-10423, your coffee grinder: still with the courier.",
            metadata={"utter_action": "utter_other_order_late"},
        )
    )
    result = reread(parsed("yes please look into the grinder", "request_human"), state)
    assert (result["intent"]["name"], result.get("repair")) == ("check_order_status", "other_order")
    assert [e["value"] for e in result["entities"]] == ["LK-10423"]
    assert reread(parsed("no thanks, i'll wait", "deny"), state).get("repair") != "other_order"


@pytest.mark.parametrize(
    "text, noted",
    [
        ("no. just make sure they know its about moving the brunch inside", True),
        ("tell them it's about the roaming charges", True),
        ("make sure they know to call my mobile at 3pm", False),  # a time: the call's, never a note
        ("so does the team know about it?", False),
    ],
)
def test_words_for_whoever_calls_go_on_the_calls_notes(text, noted):
    # Blind panel p51 20: "just make sure they know its about moving the brunch inside" opened a service complaint.
    result = reread(parsed(text, "complain_service"), booked_tracker())
    assert (result.get("repair") == "call_note") is noted


@pytest.mark.parametrize(
    "text, waited",
    [
        ("my refund for the dress still hasnt shown up, its been 2 weeks", True),
        ("where is my refund", True),
        ("i want a refund for the dress", False),
        ("the dress still hasnt shown up", False),
    ],
)
def test_a_refund_waited_for_is_told_apart(text, waited):
    from server.dialogue.repair import REFUND_WAITED

    assert bool(REFUND_WAITED.search(text)) is waited
