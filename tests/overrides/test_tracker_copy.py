"""The structural tracker copy arrives at the state Rasa's replaying copy does."""

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from overrides.tracker_copy import _replaying_copy, structural_copy


def conversation(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A recorded bill dispute, then a misunderstanding set aside, and a form left open."""
    for event in (
        UserUttered("what about the other one", intent={"name": "nlu_fallback", "confidence": 0.3}),
        ActionExecuted("action_default_fallback"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
        UserUttered("my coupon failed", intent={"name": "coupon_problem", "confidence": 1.0}),
        ActionExecuted("case_form"),
        ActiveLoop("case_form"),
        SlotSet("requested_slot", "coupon_code"),
        FollowupAction("action_listen"),
    ):
        tracker.update(event)
    return tracker


def test_the_copy_has_the_state_a_replay_gives(rasa_domain: Domain, bill_dispute):
    domain, tracker = rasa_domain, conversation(bill_dispute())
    fast, replayed = structural_copy(tracker), _replaying_copy(tracker)
    assert fast.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
    assert fast.past_states(domain) == replayed.past_states(domain)
    assert fast.active_loop == replayed.active_loop and fast.followup_action == replayed.followup_action
    assert {n: s.has_been_set for n, s in fast.slots.items()} == {n: s.has_been_set for n, s in replayed.slots.items()}


def test_changing_the_copy_leaves_the_original_alone(bill_dispute):
    tracker = conversation(bill_dispute())
    before = tracker.current_state(EventVerbosity.ALL)
    copied = structural_copy(tracker)
    copied.update(SlotSet("coupon_code", "SPRING15"))
    copied.update(ActiveLoop(None))
    copied.update(ActionExecuted("action_listen"))
    assert tracker.current_state(EventVerbosity.ALL) == before
    assert tracker.active_loop_name == "case_form"
