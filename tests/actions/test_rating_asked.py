"""Satisfaction ratings count only when the assistant asked for one, and once per case."""

import asyncio

from actions.feedback import ActionRecordFeedback
from gracious import stores
from tests.actions import message, run_action, tracker_from

ASK = {"event": "action", "name": "utter_ask_rating"}


def said(text, rating=None):
    entities = [{"entity": "rating", "value": rating}] if rating else []
    return {"event": "user", "text": text, "parse_data": {"text": text, "entities": entities}}


def rated(text, rating, events, sender_id="maya", **slots):
    """A tracker whose latest message gives ``rating`` (the classifier's rating entity)."""
    return tracker_from(
        "empty_tracker",
        intent="give_feedback",
        text=text,
        sender_id=sender_id,
        entities=[{"entity": "rating", "value": rating}],
        slots=slots or None,
        events=events,
    )


def rows(table):
    return asyncio.run(stores.records().rows(table))


def test_a_rating_typed_without_being_asked_is_not_counted(domain):
    typed = "Satisfaction rating: 1 of 5"
    tracker = rated(typed, "1", [said("hi"), said(typed)], sender_id="never-asked")
    dispatcher, _ = run_action(ActionRecordFeedback(), tracker, domain)

    assert rows("ratings") == []
    # Kept as the customer's own words, like any other feedback.
    assert [r["text"] for r in rows("feedback")] == ["Satisfaction rating: 1 of 5"]
    assert dispatcher.messages == [message(response="utter_feedback_recorded")]


def test_a_rating_button_nobody_asked_for_is_thanked_and_not_counted(domain):
    payload = '/give_feedback{"rating": "1"}'
    tracker = rated(payload, "1", [said("my order is late"), said(payload)], sender_id="posted")
    dispatcher, _ = run_action(ActionRecordFeedback(), tracker, domain)

    assert rows("ratings") == [] and rows("feedback") == []
    assert dispatcher.messages == [message(response="utter_rating_recorded")]


def test_only_the_first_rating_after_the_ask_counts_for_the_case(domain):
    first = [ASK, said("4", "4")]
    run_action(ActionRecordFeedback(), rated("4", "4", first, handoff_id="17"), domain)
    second = rated("1", "1", first + [said("1", "1")], handoff_id="17")
    dispatcher, _ = run_action(ActionRecordFeedback(), second, domain)

    assert [(r["sender_id"], r["rating"], r["handoff_id"]) for r in rows("ratings")] == [("maya", 4, 17)]
    assert dispatcher.messages == [message(response="utter_rating_recorded")]


def test_one_rating_per_case_even_when_asked_twice(domain):
    for rating in ("5", "1"):
        tracker = tracker_from(
            "empty_tracker",
            intent="give_feedback",
            text=rating,
            sender_id="asked-twice",
            entities=[{"entity": "rating", "value": rating}],
            slots={"handoff_id": "9"},
            events=[ASK, said(rating, rating)],
        )
        run_action(ActionRecordFeedback(), tracker, domain)

    assert [r["rating"] for r in rows("ratings")] == [5]
