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


def _unsure(state, ranking, entities=()):
    """The last fallback with this intent ranking (nlu_fallback first, as Rasa puts it)."""
    last = max(i for i, e in enumerate(state["events"]) if e["event"] == "user")
    fallback = state["events"][last]
    parse = {
        **fallback["parse_data"],
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.45}]
        + [{"name": n, "confidence": c} for n, c in ranking],
        "entities": list(entities),
    }
    state["events"][last] = {**fallback, "parse_data": parse}
    state["latest_message"] = parse
    return Tracker.from_dict(state)


def test_two_likely_meanings_are_offered_as_buttons_in_plain_words(domain):
    state = tracker_state("two_fallbacks")
    state["events"] = state["events"][:-1]  # the first misunderstanding
    tracker = _unsure(
        state,
        [("dispute_charge", 0.41), ("request_refund", 0.33), ("affirm", 0.14), ("greet", 0.05)],
        [{"entity": "order_id", "value": "BL-30017"}, {"entity": "amount", "value": "49.99"}],
    )
    dispatcher, events = run_action(ActionHandleMisunderstanding(), tracker, domain)

    assert dispatcher.messages == [
        message(
            response="utter_clarify",
            buttons=[
                {
                    "title": "A charge on my bill looks wrong",
                    "payload": '/dispute_charge{"order_id": "BL-30017", "amount": "49.99"}',
                },
                {
                    "title": "I'd like my money back, or to return something",
                    "payload": '/request_refund{"order_id": "BL-30017", "amount": "49.99"}',
                },
            ],
        )
    ]
    assert events == []


def test_at_most_three_choices_and_none_implausible(domain):
    state = tracker_state("two_fallbacks")
    state["events"] = state["events"][:-1]
    ranking = [
        ("complain_service", 0.3),
        ("express_frustration", 0.25),
        ("request_human", 0.2),
        ("complain_no_response", 0.15),
        ("give_feedback", 0.05),
    ]
    dispatcher, _ = run_action(ActionHandleMisunderstanding(), _unsure(state, ranking), domain)

    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/complain_service", "/express_frustration", "/request_human"]


def test_one_plausible_meaning_is_not_a_choice_so_ask_to_rephrase(domain):
    state = tracker_state("two_fallbacks")
    state["events"] = state["events"][:-1]
    tracker = _unsure(state, [("ask_policy", 0.3), ("inform", 0.3), ("deny", 0.2), ("greet", 0.1)])
    dispatcher, _ = run_action(ActionHandleMisunderstanding(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_please_rephrase")]
