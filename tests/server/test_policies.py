"""The windowed RulePolicy sees the same recent dialogue states as on the whole conversation."""

import json

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from launch.launcher import ROOT
from server.dialogue.policies import WINDOW_ACTIONS, WindowedRulePolicy, _turn_boundary

RECORDED = ROOT / "tests" / "studio" / "fixtures" / "bill_dispute_tracker.json"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def long_conversation(domain: Domain, repeats: int) -> DialogueStateTracker:
    """A recorded bill dispute, held again and again, ending mid-form with slots set."""
    events = json.loads(RECORDED.read_text())["events"]
    body = [e for e in events if e["event"] != "session_started"][2:]
    tracker = DialogueStateTracker.from_dict("long", events[:2] + body * repeats, domain.slots)
    for event in (
        UserUttered("my coupon failed", intent={"name": "coupon_problem", "confidence": 1.0}),
        ActionExecuted("action_empathize"),
        SlotSet("case_type", "coupon_problem"),
        ActionExecuted("case_form"),
        ActiveLoop("case_form"),
        SlotSet("requested_slot", "coupon_code"),
        ActionExecuted("action_listen"),
        UserUttered("it's SPRING15", intent={"name": "inform", "confidence": 1.0}),
    ):
        tracker.update(event)
    return tracker


def policy() -> WindowedRulePolicy:
    context = ExecutionContext(GraphSchema({}), "test")
    return WindowedRulePolicy.create(
        WindowedRulePolicy.get_default_config(), model_storage=None, resource=None, execution_context=context
    )


def test_a_short_conversation_is_predicted_on_as_it_is(domain):
    tracker = long_conversation(domain, 1)
    assert policy().window(tracker, domain) is tracker


def test_a_long_conversation_keeps_the_recent_states_slots_and_form(domain):
    tracker = long_conversation(domain, 40)
    window = policy().window(tracker, domain)
    assert len(window.events) < len(tracker.events) / 5
    assert window.current_slot_values() == tracker.current_slot_values()
    assert window.active_loop_name == tracker.active_loop_name == "case_form"
    assert window.latest_message.text == "it's SPRING15"
    # The states RulePolicy computes (it never hides rule-only turns): all but the
    # window's first agree with the whole conversation's.
    states = window.past_states(domain)
    assert len(states) > WINDOW_ACTIONS
    assert states[1:] == tracker.past_states(domain)[-(len(states) - 1) :]


def test_the_window_start_is_carried_forward_as_the_conversation_grows(domain):
    rules = policy()
    tracker = long_conversation(domain, 40)
    rules.window(tracker, domain)
    replayed_to = rules._starts["long"].upto
    for event in (ActionExecuted("case_form"), SlotSet("coupon_code", "SPRING15"), ActionExecuted("action_listen")):
        tracker.update(event)
    window = rules.window(tracker, domain)
    assert rules._starts["long"].upto >= replayed_to
    assert window.current_slot_values() == tracker.current_slot_values()


def test_the_window_opens_where_the_customer_speaks():
    events = [ActionExecuted("action_listen"), UserUttered("hi"), ActionExecuted("utter_greet")] * 100
    cut = _turn_boundary(events, 10)
    assert events[cut] == ActionExecuted("action_listen")
    assert sum(isinstance(e, ActionExecuted) for e in events[cut:]) >= 10
    assert _turn_boundary(events[:12], 10) == 0
