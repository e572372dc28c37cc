"""A waiting customer's words, as the second panel (issue #17, _found.md §6) found them misread
(server/dialogue/waiting.py): a request beside the wait is noted for the person, staying is never a
choice, "just connect me" is the person they are in line for, long and sarcastic wait questions are
about the wait, and once out of the queue a question about the person hears why not."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import queue_news
from server.dialogue import waiting
from tests.server.test_waiting_words import DOMAIN, parsed, waiting_tracker

REQUESTS = [
    ("can you just cancel LK-10424 for me?", "cancel"),
    ("the lamp I ordered is broken too", "inform"),
    ("can you change the delivery address to my office", "out_of_scope"),
]
ABOUT_THE_WAIT = [
    ("hello again", "greet"),
    ("hi", "greet"),
    ("this is ridiculous, 20 minutes!", "express_frustration"),
    ("ok", "affirm"),
    ("is anyone there?", "ask_status"),
]


@pytest.mark.parametrize(("text", "intent"), REQUESTS)
def test_a_request_beside_the_wait_is_marked_to_be_noted_for_the_person(text: str, intent: str) -> None:
    read = waiting.reading(parsed(text, intent=intent), waiting_tracker())
    assert read is not None and read["intent"]["name"] == "ask_status" and read.get("noted") is True


def test_a_request_the_designers_answer_hands_to_a_person_is_answered_and_noted_as_well() -> None:
    # "I can't cancel an order from this chat ... one of our people can stop it": the person in line is
    # that person, so the request is on the case too (the browser test's wording).
    read = waiting.reading(parsed("can you cancel my order LK-10423 instead", intent="cancel"), waiting_tracker())
    assert read is not None and "utter_answer_cancel_order" in read.get("answers", [])
    assert read.get("noted") is True


def test_a_plain_question_with_a_designers_answer_is_answered_not_noted() -> None:
    read = waiting.reading(parsed("do you have my order number?", intent="inform"), waiting_tracker())
    assert read is not None and read.get("answers") and not read.get("noted")


@pytest.mark.parametrize(("text", "intent"), ABOUT_THE_WAIT)
def test_words_about_the_wait_are_not_noted_as_requests(text: str, intent: str) -> None:
    read = waiting.reading(parsed(text, intent=intent), waiting_tracker())
    assert read is not None and read["intent"]["name"] == "ask_status" and not read.get("noted")


@pytest.mark.parametrize(
    "text", ["I'll stay in the queue, thank you.", "ill wait i guess", "no thanks, I'll keep waiting", "keep my place"]
)
def test_staying_is_read_before_any_buttons_as_staying(text: str) -> None:
    # The classifier may read it as a choice of the call or the email just offered: never that.
    read = waiting.leaving(parsed(text, intent="choose_alternative"), waiting_tracker())
    assert read is not None and (read["intent"]["name"], read["repair"]) == ("ask_status", queue_news.STAYS)


def test_waiting_for_an_email_is_leaving_not_staying() -> None:
    read = waiting.leaving(parsed("forget it, I'll wait for an email"), waiting_tracker())
    assert read is not None and read["intent"]["name"] != "ask_status"


def test_just_connect_me_is_the_person_they_are_in_line_for_whatever_the_classifier_says() -> None:
    for text in ("i asked to be connected. please just connect me", "put me through to someone"):
        read = waiting.leaving(parsed(text, intent="coupon_problem"), waiting_tracker())
        assert read is not None and (read["intent"]["name"], read["read_from"]) == ("ask_status", "request_human")


@pytest.mark.parametrize(
    "text",
    [
        "how long do i have to sit here",
        "hw long do i hav to sit here for, seriously",
        "great. so how much longer am I meant to wait, lol",
    ],
)
def test_long_typo_and_sarcastic_wait_questions_are_about_the_wait(text: str) -> None:
    read = waiting.reading(parsed(text, intent="ask_policy"), waiting_tracker())
    assert read is not None and read["intent"]["name"] == "ask_status" and not read.get("noted")


def test_how_long_a_refund_takes_is_still_not_the_wait() -> None:
    assert not waiting.asks_where_they_stand("how long do i have to wait for my refund")


def left_the_queue() -> DialogueStateTracker:
    events = [SlotSet("handoff_id", "3"), SlotSet("in_queue", True), SlotSet("in_queue", None)]
    return DialogueStateTracker.from_events("maya", events, DOMAIN.slots)


@pytest.mark.parametrize("intent", ["request_human", "affirm", "check_order_status"])
def test_after_leaving_will_the_person_still_message_me_is_answered_as_not_waiting(intent: str) -> None:
    for text in ("will the person still message me here too?", "is someone still going to reply here?"):
        read = waiting.reading(parsed(text, intent=intent), left_the_queue())
        assert read is not None and (read["intent"]["name"], read["repair"]) == ("ask_status", "left_queue")
    # Asking for a person again is not a question about the old wait.
    assert waiting.reading(parsed("i want a person again", intent="request_human"), left_the_queue()) is None
