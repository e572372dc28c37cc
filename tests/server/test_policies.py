"""The windowed RulePolicy sees the same recent dialogue states as on the whole conversation."""

import json
import tarfile
from typing import Dict, List

import pytest
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from launch.launcher import ROOT
from server.dialogue.policies import WINDOW_ACTIONS, WindowedRulePolicy, _turn_boundary
from tests.e2e.conftest import model_path

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


def rasas_states(rules: WindowedRulePolicy, tracker: DialogueStateTracker, domain: Domain, use_text: bool):
    """Rasa's own prediction states for ``tracker``: every event replayed on a fresh copy."""
    return Policy._prediction_states(rules, tracker, domain, use_text, rules._get_rule_only_data())


def test_the_states_carried_forward_are_rasas_as_a_conversation_grows_and_rewinds(domain):
    rules = policy()
    events = list(
        DialogueStateTracker.from_dict("grow", json.loads(RECORDED.read_text())["events"], domain.slots).events
    )
    rewinds = {len(events) // 2: UserUtteranceReverted(), 2 * len(events) // 3: Restarted()}
    tracker = DialogueStateTracker("grow", domain.slots)
    replays: List[DialogueStateTracker] = []  # each replay started, kept so no two share an id
    for index, event in enumerate([*events, *events[:12]]):
        tracker.update(event)
        if index in rewinds:
            tracker.update(rewinds[index])
        for use_text in (True, False):
            assert rules._prediction_states(tracker, domain, use_text) == rasas_states(rules, tracker, domain, use_text)
        replay = rules._replays["grow"].tracker
        if not any(replay is seen for seen in replays):
            replays.append(replay)
    # Replayed from the start only at the beginning, at each new session and after each rewind.
    sessions = sum(isinstance(event, SessionStarted) for event in [*events, *events[:12]])
    assert sessions == 2 and len(replays) == 1 + sessions + len(rewinds)


def test_a_long_conversations_window_keeps_its_replay(domain):
    rules = policy()
    tracker = long_conversation(domain, 40)
    window = rules.window(tracker, domain)
    assert rules._prediction_states(window, domain) == rasas_states(rules, window, domain, False)
    replay = rules._replays["long"].tracker
    tracker.update(SlotSet("coupon_code", "SPRING15"))  # the window stays where it opened
    assert rules.window(tracker, domain) is window  # carried forward with the new event
    window = rules.window(tracker, domain)
    assert rules._prediction_states(window, domain) == rasas_states(rules, window, domain, False)
    assert rules._replays["long"].tracker is replay  # carried forward, not replayed again
    for _ in range(3):  # turns go by: the window moves on, and the states stay Rasa's
        for event in (ActionExecuted("action_listen"), UserUttered("ok", intent={"name": "affirm"})):
            tracker.update(event)
            window = rules.window(tracker, domain)
            assert rules._prediction_states(window, domain, True) == rasas_states(rules, window, domain, True)
            fresh = policy().window(tracker, domain)  # built from nothing: the carried window is the same
            assert window.past_states(domain) == fresh.past_states(domain)
            assert window.current_slot_values() == fresh.current_slot_values()


def trained_lookup() -> Dict[str, Dict[str, str]]:
    """The rules as the trained model holds them (RulePolicy's lookup)."""
    with tarfile.open(model_path()) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("WindowedRulePolicy0/rule_policy.json"))
        return json.load(archive.extractfile(member))["lookup"]


def test_the_rules_found_are_rasas(domain):
    rules = policy()
    rules.lookup = trained_lookup()
    assert len(rules.lookup[RULES]) > 50
    tracker = DialogueStateTracker("match", domain.slots)
    found = 0
    for event in DialogueStateTracker.from_dict(
        "match", json.loads(RECORDED.read_text())["events"], domain.slots
    ).events:
        tracker.update(event)
        for use_text in (False, True):
            states = rules._prediction_states(tracker, domain, use_text)
            for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
                ours = rules._get_possible_keys(rules.lookup[table], states)
                assert ours == RulePolicy._get_possible_keys(rules, rules.lookup[table], states)
                found += len(ours)
    assert found > 20
    assert rules._get_possible_keys(rules.lookup[RULES], []) == set(rules.lookup[RULES])
