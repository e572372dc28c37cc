"""RulePolicy that looks at the recent part of a conversation, so long ones stay fast.

Rasa's RulePolicy turns the whole conversation into dialogue states on every
prediction, several times per message: at turn 200 (3,000 events) that is tens
of milliseconds a call, growing with every turn. A rule only ever matches the
last few states, so this policy predicts on a window: the last turns as they
happened, preceded by the slots and the form that were set when the window
opens (replayed once per conversation and carried forward). Conversations
shorter than the window are predicted on as they are.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

# Actions kept in the window: several times the longest rule (about ten steps).
WINDOW_ACTIONS = 60
# Conversations whose replayed start is remembered between messages.
REMEMBERED = 1000


@dataclass
class _Start:
    """The state where a conversation's window opens, replayed up to ``upto``."""

    first: Event
    upto: int
    tracker: DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class WindowedRulePolicy(RulePolicy):
    """RulePolicy predicting on the last ``WINDOW_ACTIONS`` actions of a conversation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._starts: "OrderedDict[str, _Start]" = OrderedDict()

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return super().predict_action_probabilities(self.window(tracker, domain), domain, rule_only_data, **kwargs)

    def window(self, tracker: DialogueStateTracker, domain: Domain) -> DialogueStateTracker:
        """The conversation from a turn boundary about WINDOW_ACTIONS actions back."""
        events: List[Event] = list(tracker.events)
        cut = _turn_boundary(events, WINDOW_ACTIONS)
        if cut == 0:
            return tracker
        start = self._start(tracker.sender_id, events, cut, domain)
        window = DialogueStateTracker(tracker.sender_id, domain.slots)
        for name, slot in start.tracker.slots.items():
            if slot.value != slot.initial_value:
                window.update(SlotSet(name, slot.value))
        if start.tracker.active_loop_name:
            window.update(ActiveLoop(start.tracker.active_loop_name))
        for event in events[cut:]:
            window.update(event)
        window.followup_action = tracker.followup_action
        return window

    def _start(self, sender_id: str, events: List[Event], cut: int, domain: Domain) -> _Start:
        start = self._starts.pop(sender_id, None)
        # The same conversation goes on: carry the replay forward from where it stopped.
        if start is None or start.first is not events[0] or start.upto > cut:
            start = _Start(events[0], 0, DialogueStateTracker(sender_id, domain.slots))
        for event in events[start.upto : cut]:
            start.tracker.update(event)
        start.upto = cut
        self._starts[sender_id] = start
        while len(self._starts) > REMEMBERED:
            self._starts.popitem(last=False)
        return start


def _turn_boundary(events: List[Event], keep: int) -> int:
    """Index of the action_listen that opens the turn ``keep`` actions from the end (0: none)."""
    actions = 0
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, ActionExecuted):
            actions += 1
            if actions >= keep and event.action_name == ACTION_LISTEN_NAME:
                return index
    return 0
