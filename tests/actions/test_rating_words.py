"""A rating given with words after an agent's close: the number kept as the case's rating, the
words kept as feedback for the team, and a low rating met with an apology naming what was said."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import FollowupAction

from actions.feedback import ActionRecordFeedback
from gracious import stores
from tests.actions import message, run_action, tracker_from

ASK = {"event": "action", "name": "utter_ask_rating"}


def rated(text: str, rating: str, sender_id: str = "priya3"):
    """The answer to the rating question, as server/dialogue/rating_answer.py reads it."""
    said = {"event": "user", "text": text, "parse_data": {"text": text, "entities": []}}
    return tracker_from(
        "empty_tracker",
        intent="give_feedback",
        text=text,
        sender_id=sender_id,
        entities=[{"entity": "rating", "value": rating}],
        slots={"handoff_id": "28"},
        events=[ASK, said],
    )


def rows(table):
    return asyncio.run(stores.records().rows(table))


@pytest.mark.parametrize(
    "text, rating, said",
    [
        (
            "1. two weeks is not ok",
            1,
            message(response="utter_rating_low_said", feedback_words="two weeks is not ok"),
        ),
        ("2 - slow", 2, message(response="utter_rating_low_said", feedback_words="slow")),
        ("3, the handover was clunky", 3, message(response="utter_rating_recorded_words", rating="3")),
    ],
)
def test_a_rating_with_words_keeps_both(domain, text, rating, said):
    dispatcher, events = run_action(ActionRecordFeedback(), rated(text, str(rating)), domain)

    assert [(r["sender_id"], r["rating"], r["handoff_id"]) for r in rows("ratings")] == [("priya3", rating, 28)]
    assert [(r["sender_id"], r["text"]) for r in rows("feedback")] == [("priya3", text)]
    assert dispatcher.messages == [said]
    assert events == [FollowupAction("action_listen")]  # no "anything else?" after the close's goodbye


@pytest.mark.parametrize("text, rating", [("i'd say 4", 4), ("five", 5), ("3/5", 3)])
def test_a_rating_in_words_alone_is_a_rating_and_nothing_else(domain, text, rating):
    dispatcher, _ = run_action(ActionRecordFeedback(), rated(text, str(rating)), domain)

    assert [r["rating"] for r in rows("ratings")] == [rating]
    assert rows("feedback") == []
    assert dispatcher.messages == [message(response="utter_rating_recorded")]


def test_a_low_rating_alone_is_apologised_for(domain):
    dispatcher, _ = run_action(ActionRecordFeedback(), rated("2", "2"), domain)

    assert [r["rating"] for r in rows("ratings")] == [2]
    assert dispatcher.messages == [message(response="utter_rating_low")]
    text = domain["responses"]["utter_rating_low"][0]["text"]
    assert "sorry" in text and "passed your rating on" in text


def test_abuse_with_a_low_rating_is_kept_but_never_said_back(domain):
    dispatcher, _ = run_action(ActionRecordFeedback(), rated("1, this was shit", "1"), domain)

    assert [r["rating"] for r in rows("ratings")] == [1]
    assert [r["text"] for r in rows("feedback")] == ["1, this was shit"]
    assert dispatcher.messages == [message(response="utter_rating_low_words")]


def test_the_apology_names_the_words_in_the_sentence_the_customer_reads(domain):
    template = domain["responses"]["utter_rating_low_said"][0]["text"]
    assert template.count("{feedback_words}") == 1 and "sorry" in template
