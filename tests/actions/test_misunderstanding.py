"""action_handle_misunderstanding: ask to rephrase once, then offer a person."""

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction

from actions.misunderstanding import ActionHandleMisunderstanding
from tests.actions import message, run_action, tracker_from, tracker_state


def test_first_misunderstanding_asks_to_rephrase(domain):
    state = tracker_state("two_fallbacks")
    state["events"] = state["events"][:-1]  # only the first fallback so far
    dispatcher, events = run_action(ActionHandleMisunderstanding(), Tracker.from_dict(state), domain)

    assert dispatcher.messages == [message(response="utter_please_rephrase")]
    assert events == []


def test_second_misunderstanding_in_a_row_hands_over_to_a_person(domain):
    dispatcher, events = run_action(ActionHandleMisunderstanding(), tracker_from("two_fallbacks"), domain)

    assert dispatcher.messages == [message(response="utter_misunderstood_again")]
    assert events == [FollowupAction("action_handoff")]


def test_an_understood_message_in_between_starts_the_count_again(domain):
    state = tracker_state("two_fallbacks")
    fallback = state["events"][-1]
    state["events"][-1] = {**fallback, "parse_data": {**fallback["parse_data"], "intent": {"name": "greet"}}}
    state["events"].append(fallback)
    dispatcher, _ = run_action(ActionHandleMisunderstanding(), Tracker.from_dict(state), domain)

    assert dispatcher.messages == [message(response="utter_please_rephrase")]
