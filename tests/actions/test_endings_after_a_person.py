"""Endings after a person (issue #17, panel P3): a rating with a goodbye is counted and the chat closed,
not "anything else?"; "whatever, that's all, thanks" after Sam credited her is no "sorry this wasn't the
answer you hoped for"; a close after a call was booked names the call (c04, c16)."""

import asyncio

from rasa_sdk.events import FollowupAction

import actions.close_call
from actions.closing import ActionCloseConversation, closing_words
from actions.feedback import ActionRecordFeedback
from gracious import stores
from tests.actions import WEDNESDAY_10AM, freeze_time, responses, run_action, tracker_from

HANDED_BACK = {"event": "action", "name": "action_handback"}


def said(text, rating=None):
    entities = [{"entity": "rating", "value": rating}] if rating else []
    return {"event": "user", "text": text, "parse_data": {"text": text, "entities": entities}}


def test_a_rating_with_a_goodbye_after_a_hand_back_is_counted_and_closes(domain):
    text = "no, I've just had a person! it's fine. that's all, thanks. 4 out of 5, Sam was kind"
    tracker = tracker_from(
        "empty_tracker",
        intent="give_feedback",
        text=text,
        sender_id="priya-after-sam",
        entities=[{"entity": "rating", "value": "4"}],
        slots={"handoff_id": "12"},
        events=[HANDED_BACK, said(text, "4")],
    )
    dispatcher, events = run_action(ActionRecordFeedback(), tracker, domain)

    rows = asyncio.run(stores.records().rows("ratings"))
    assert [(r["sender_id"], r["rating"], r["handoff_id"]) for r in rows] == [("priya-after-sam", 4, 12)]
    assert responses(dispatcher) == ["utter_rating_recorded_words", "utter_close_after_person"]
    assert events[-1] == FollowupAction("action_listen")  # no "anything else?" after the goodbye


def test_feedback_without_a_goodbye_leaves_the_rule_to_ask_anything_else(domain):
    text = "the hold music was nice"
    tracker = tracker_from("empty_tracker", intent="give_feedback", text=text, events=[said(text)])
    dispatcher, events = run_action(ActionRecordFeedback(), tracker, domain)
    assert responses(dispatcher) == ["utter_feedback_recorded"] and events == []


def test_whatever_thats_all_after_a_person_is_thanked_for_their_time(domain):
    tracker = tracker_from(
        "request_human",
        intent="goodbye",
        text="Sam literally just told me it would. whatever, that's all, thanks",
        slots={"handoff_id": "4", "frustration": 2.0},
    )
    tracker.events.append(HANDED_BACK)
    assert closing_words(tracker) == "utter_close_after_person"


def test_the_close_names_the_call_just_booked(domain, monkeypatch):
    freeze_time(monkeypatch, actions.close_call, WEDNESDAY_10AM)
    when = WEDNESDAY_10AM.replace(hour=16, minute=30)
    asyncio.run(stores.records().book_callback("daniel-half-four", when, "+1 555 0178", "callback", None))
    tracker = tracker_from(
        "empty_tracker", intent="goodbye", text="Lovely, thank you. That's everything.", sender_id="daniel-half-four"
    )
    dispatcher, _ = run_action(ActionCloseConversation(), tracker, domain)

    assert responses(dispatcher) == ["utter_close_call_booked"]
    said_words = dispatcher.messages[0]
    assert said_words["phone_end"] == "0178" and "4:30" in said_words["callback_when"]


def test_a_remark_answering_the_rating_question_is_thanked_once_without_anything_else(domain):
    text = "Ana was lovely, the process is a maze."
    ask = {"event": "action", "name": "utter_ask_rating"}
    tracker = tracker_from("empty_tracker", intent="give_feedback", text=text, events=[ask, said(text)])
    dispatcher, events = run_action(ActionRecordFeedback(), tracker, domain)
    # Kind words and a remark beside them: thanked for both (a conversation of our own, 5 December).
    assert responses(dispatcher) == ["utter_feedback_praise_and_more"]
    assert events == [FollowupAction("action_listen")]  # the close said goodbye already: no "anything else?"
