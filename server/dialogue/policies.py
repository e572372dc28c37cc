"""RulePolicy that looks at the recent part of a conversation, so long ones stay fast.

Rasa's RulePolicy turns the whole conversation into dialogue states on every
prediction, several times per message: at turn 200 (3,000 events) that is tens
of milliseconds a call, growing with every turn. A rule only ever matches the
last few states, so this policy predicts on a window: the last turns as they
happened, preceded by the slots and the form that were set when the window
opens (replayed once per conversation and carried forward). Conversations
shorter than the window are predicted on as they are.

Rasa also turns the window into states afresh for every prediction (two or three a
step: a complaint turn runs five or six steps), replaying every event on a new copy of
the tracker. Here each conversation's window and replay are kept and carried forward: a
prediction replays only the events that came since the last one, and starts again
from the beginning only when the history changed other than by growing (a rewind, a
restart, a loop undoing its steps, a window that moved).

Matching the rules, Rasa checks every rule against the conversation's last state and then
keeps reading back through every state. Here a rule whose last step follows another
action than the conversation's last is left out before it is checked (it cannot match),
and the reading stops once no rule left is longer than the states read.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import PolicyPrediction, SupportedData
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME, PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME

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
    # The slots and the form set when the window opens, as events (the same objects while it stays).
    opening: List[Event]
    # The window as last shown to the policy, and how many of the conversation's events it holds.
    window: Optional[DialogueStateTracker] = None
    shown: int = 0
    last_shown: Optional[Event] = None


@dataclass
class _Replay:
    """A conversation's history replayed: its applied events so far, the tracker after them,
    and the state before each action among them (Rasa's ``states_for_tracker_history``)."""

    domain: Domain
    applied: List[Event]
    tracker: DialogueStateTracker
    states: List[State]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class WindowedRulePolicy(RulePolicy):
    """RulePolicy predicting on the last ``WINDOW_ACTIONS`` actions of a conversation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._starts: "OrderedDict[str, _Start]" = OrderedDict()
        self._replays: "OrderedDict[str, _Replay]" = OrderedDict()
        self._indexes: Dict[int, Tuple[Dict[Text, Text], "_RuleIndex"]] = {}

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
        window = start.window
        if window is None or start.shown > len(events) or events[start.shown - 1] is not start.last_shown:
            # A new window (it moved, or the events are not the ones shown): the opening, then the turns since.
            window = start.window = DialogueStateTracker(tracker.sender_id, domain.slots)
            for event in start.opening:
                window.update(event)
            start.shown = cut
        for event in events[start.shown :]:  # the same window: only what came since it was shown
            window.update(event)
        start.shown, start.last_shown = len(events), events[-1]
        window.followup_action = tracker.followup_action
        return window

    def _start(self, sender_id: str, events: List[Event], cut: int, domain: Domain) -> _Start:
        start = self._starts.pop(sender_id, None)
        # The same conversation goes on: carry the replay forward from where it stopped.
        if start is None or start.first is not events[0] or start.upto > cut:
            start = _Start(events[0], 0, DialogueStateTracker(sender_id, domain.slots), [])
            start.upto = -1  # the opening is made below, even when the window opens at the first event
        if start.upto != cut:
            for event in events[max(start.upto, 0) : cut]:
                start.tracker.update(event)
            start.upto = cut
            start.opening = [
                SlotSet(name, slot.value)
                for name, slot in start.tracker.slots.items()
                if slot.value != slot.initial_value
            ]
            if start.tracker.active_loop_name:
                start.opening.append(ActiveLoop(start.tracker.active_loop_name))
            start.window = None
        _remember(self._starts, sender_id, start)
        return start

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        """Rasa's prediction states (``Policy._prediction_states`` with this policy's featurizer),
        from the conversation's replay carried forward."""
        featurizer = self.featurizer
        if self.supported_data() == SupportedData.ML_DATA or type(featurizer) is not MaxHistoryTrackerFeaturizer:
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)
        states = featurizer.slice_state_history(self._past_states(tracker, domain), featurizer.max_history)
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        """Rasa's: the rules whose steps match the conversation's last states, read backwards."""
        if not states:
            return set(lookup)
        known = self._indexes.get(id(lookup))
        if known is None or known[0] is not lookup:
            known = (lookup, _RuleIndex.of(lookup))
            self._indexes[id(lookup)] = known
        index = known[1]
        latest = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        # A rule whose last step follows a named action matches only right after that action.
        possible = set(index.after.get(None, ()))
        if latest is not None:
            possible.update(index.after.get(latest, ()))
        for turn, state in enumerate(reversed(states)):
            if not possible or all(index.length[key] <= turn for key in possible):
                break  # nothing left to rule out: a rule shorter than the states read is applicable
            possible = {key for key in possible if self._is_rule_applicable(key, turn, state)}
        return possible

    def _past_states(self, tracker: DialogueStateTracker, domain: Domain) -> List[State]:
        """``tracker.past_states(domain)``: the state before each action, then the state now."""
        applied = tracker.applied_events()
        replay = self._replays.pop(tracker.sender_id, None)
        if (
            replay is None
            or replay.domain is not domain
            or len(replay.applied) > len(applied)
            or any(old is not new for old, new in zip(replay.applied, applied[: len(replay.applied)], strict=True))
        ):
            replay = _Replay(domain, [], tracker.init_copy(), [])
        for event in applied[len(replay.applied) :]:
            if isinstance(event, ActionExecuted):
                replay.states.append(domain.get_active_state(replay.tracker))
            replay.tracker.update(event)
        replay.applied = applied
        _remember(self._replays, tracker.sender_id, replay)
        # The state now is made afresh each time: the caller changes it (the last user input).
        return [*replay.states, domain.get_active_state(replay.tracker)]


@dataclass
class _RuleIndex:
    """A lookup's rules by the action their last step follows (None: any other last step)."""

    after: Dict[Optional[str], List[Text]]
    length: Dict[Text, int]

    @classmethod
    def of(cls, lookup: Dict[Text, Text]) -> "_RuleIndex":
        after: Dict[Optional[str], List[Text]] = {}
        length: Dict[Text, int] = {}
        for key in lookup:
            states = RulePolicy._rule_key_to_state(key)
            length[key] = len(states)
            action = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME) if states else None
            named = isinstance(action, str) and action != SHOULD_NOT_BE_SET
            after.setdefault(action if named else None, []).append(key)
        return cls(after, length)


def _remember(table: "OrderedDict[str, Any]", sender_id: str, value: Any) -> None:
    """Keep ``value`` as the newest of ``table``, which holds at most REMEMBERED conversations."""
    table[sender_id] = value
    while len(table) > REMEMBERED:
        table.popitem(last=False)


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
