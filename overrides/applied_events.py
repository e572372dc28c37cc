"""A tracker's applied events, carried forward as the conversation grows.

Rasa's ``DialogueStateTracker.applied_events`` folds over every event of the tracker on
each call (the events left once rewinds, restarts and a form's repeated steps are taken
out), and it is called several times a message: for the session's expiry, the policy's
states, the latest user message... At turn 200 (3,000 events) that was the largest part of
what grows with a conversation (issue #19). Here the tracker keeps the result of its
last fold, and a call folds only the events added since, with Rasa's own steps; the
whole fold runs again when the events before are not the ones folded (another tracker's
events put in) or a new form appears (Rasa reads every form's name from all the events
before it folds, so an earlier step of that form may now count differently).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import List, Set

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from overrides.patch import Patch

# Rasa's own, which the tests compare this with (tests/overrides/test_applied_events.py).
_rasa_applied_events = DialogueStateTracker.applied_events

# Where a tracker keeps its last fold.
KEPT = "_gracious_applied"


@dataclass(frozen=True)
class _Fold:
    """The fold over a tracker's first ``upto`` events (the last of them ``last``)."""

    upto: int
    last: Event
    loops: Set[str]
    applied: List[Event]  # never changed once kept: a later fold works on a copy


def _step(tracker: DialogueStateTracker, applied: List[Event], event: Event, loops: Set[str]) -> None:
    """One event of Rasa's fold (``DialogueStateTracker.applied_events``), on ``applied`` in place."""
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loops
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """All events that should be applied, without reverted events (Rasa's), folding only what is new."""
    events = self.events
    count = len(events)
    kept: _Fold = self.__dict__.get(KEPT)  # type: ignore[assignment]
    if kept is not None and 0 < kept.upto <= count and events[kept.upto - 1] is kept.last:
        new = list(itertools.islice(events, kept.upto, count))
        if not any(isinstance(e, ActiveLoop) and e.name and e.name not in kept.loops for e in new):
            applied, loops = list(kept.applied), kept.loops
            for event in new:
                _step(self, applied, event, loops)
            return _keep(self, count, events, loops, applied)
    loops = {e.name for e in events if isinstance(e, ActiveLoop) and e.name}
    applied = []
    for event in events:
        _step(self, applied, event, loops)
    return _keep(self, count, events, loops, applied)


def _keep(
    tracker: DialogueStateTracker, count: int, events: object, loops: Set[str], applied: List[Event]
) -> List[Event]:
    if count:
        tracker.__dict__[KEPT] = _Fold(count, events[count - 1], loops, applied)  # type: ignore[index]
    return list(applied)  # the caller's own list, as Rasa's is


PATCHES = [Patch(DialogueStateTracker, "applied_events", applied_events)]
