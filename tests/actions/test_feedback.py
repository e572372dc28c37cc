"""action_record_feedback: the customer's words kept, and what happens to them."""

import asyncio

import pytest
from rasa_sdk.events import FollowupAction

from actions.feedback import ActionRecordFeedback
from gracious import stores
from tests.actions import message, run_action, tracker_from

FEEDBACK = "  Your checkout page should remember my address.  "


def feedback_rows():
    return [(r["sender_id"], r["text"]) for r in asyncio.run(stores.records().rows("feedback"))]


def test_feedback_is_stored_word_for_word_and_acknowledged(domain):
    tracker = tracker_from("empty_tracker", intent="give_feedback", text=FEEDBACK, sender_id="maya")
    dispatcher, events = run_action(ActionRecordFeedback(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_feedback_recorded")]
    assert events == []
    assert feedback_rows() == [("maya", "Your checkout page should remember my address.")]


def test_very_long_feedback_is_kept_up_to_two_thousand_characters(domain):
    tracker = tracker_from("empty_tracker", intent="give_feedback", text="a" * 2500, sender_id="maya")
    run_action(ActionRecordFeedback(), tracker, domain)

    assert feedback_rows() == [("maya", "a" * 2000)]


# The desk closed the conversation and the assistant asked for a rating (server/desk/conversation.py).
ASKED = [{"event": "action", "name": "utter_ask_rating"}, {"event": "user", "text": "rating"}]


def rating_rows():
    return [(r["sender_id"], r["rating"], r["handoff_id"]) for r in asyncio.run(stores.records().rows("ratings"))]


def test_a_satisfaction_rating_is_kept_as_a_number_tied_to_the_handoff(domain):
    tracker = tracker_from(
        "empty_tracker",
        intent="give_feedback",
        text="4",
        sender_id="maya",
        entities=[{"entity": "rating", "value": "4"}],
        slots={"handoff_id": "17"},
        events=ASKED,
    )
    dispatcher, events = run_action(ActionRecordFeedback(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_rating_recorded")]
    # Closed with a goodbye before the question: no "anything else?" after the rating (issue #17).
    assert events == [FollowupAction("action_listen")]
    assert rating_rows() == [("maya", 4, 17)]
    assert feedback_rows() == []


def test_a_rating_without_a_handoff_is_kept_without_one(domain):
    tracker = tracker_from(
        "empty_tracker",
        intent="give_feedback",
        text="5 of 5",
        sender_id="maya",
        entities=[{"entity": "rating", "value": "5"}],
        events=ASKED,
    )
    run_action(ActionRecordFeedback(), tracker, domain)

    assert rating_rows() == [("maya", 5, None)]


def test_a_rating_outside_one_to_five_is_kept_as_feedback_words(domain):
    tracker = tracker_from(
        "empty_tracker",
        intent="give_feedback",
        text="rating 10/10",
        sender_id="maya",
        entities=[{"entity": "rating", "value": "10"}],
    )
    dispatcher, _ = run_action(ActionRecordFeedback(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_feedback_recorded")]
    assert rating_rows() == []
    assert feedback_rows() == [("maya", "rating 10/10")]


def test_the_store_refuses_a_rating_outside_one_to_five():
    for bad in (0, 6, "3", 2.5, True):
        with pytest.raises(ValueError):
            asyncio.run(stores.records().record_rating("maya", bad))


def test_feedback_chosen_from_a_menu_keeps_what_was_said_before_it(domain):
    said = "you guys should tell people when stuff is late instead of making us chase"
    events = [{"event": "user", "text": said}, {"event": "user", "text": "the feedback one"}]
    tracker = tracker_from(
        "empty_tracker", intent="give_feedback", text="the feedback one", sender_id="lee", events=events
    )
    run_action(ActionRecordFeedback(), tracker, domain)
    assert feedback_rows() == [("lee", said)]


@pytest.mark.parametrize(
    "text, thanks",
    [
        # Kind words with a remark beside them (a conversation of our own, 5 December): thanked for both.
        (
            "ur staff are lovely but please tell them the music is way too loud",
            "utter_feedback_praise_and_more_for_them",
        ),
        ("Ana was lovely, the process is a maze.", "utter_feedback_praise_and_more"),
        ("the barista Tom was lovely, please tell him", "utter_feedback_praise_for_them"),
        ("love the new menu, you should add oat milk though", "utter_feedback_suggestion"),
        ("the staff were friendly but the place was rude and cold", "utter_feedback_recorded"),  # trouble: no praise
    ],
)
def test_kind_words_are_thanked_for_what_else_was_said(domain, text, thanks):
    tracker = tracker_from("empty_tracker", intent="give_feedback", text=text, sender_id="priya")
    dispatcher, _ = run_action(ActionRecordFeedback(), tracker, domain)

    assert dispatcher.messages == [message(response=thanks)]
    assert feedback_rows() == [("priya", text)]
