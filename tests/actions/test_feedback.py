"""action_record_feedback: the customer's words kept, and what happens to them."""

import asyncio

from actions import stores
from actions.feedback import ActionRecordFeedback
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
