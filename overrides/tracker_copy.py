"""Copy a conversation's tracker without replaying it.

Before every action Rasa 3.6 copies the tracker, in case the action is rejected,
by replaying every event of the session into a new one; each rewind event in the
history (a message the assistant set aside after a misunderstanding) replays all
of them again. At turn 200 that was most of a message's time, growing with the
square of the conversation. The copy here takes the state a replay would arrive
at: the same events, copies of the slots, the active form and the latest
action, message and bot utterance.
"""

from __future__ import annotations

import copy

from rasa.shared.core.trackers import AnySlotDict, DialogueStateTracker

from overrides.patch import Patch

_replaying_copy = DialogueStateTracker.copy


def structural_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker Rasa's ``copy`` would build, made from the state instead of the events."""
    if isinstance(self.slots, AnySlotDict):  # slots made on first use: no fixed state to copy
        return _replaying_copy(self)
    new = self.init_copy()
    new.events = self._create_events(list(self.events))
    new.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    new._paused = self._paused
    new.followup_action = self.followup_action
    new.latest_action = copy.copy(self.latest_action)
    new.latest_message = self.latest_message
    new.latest_bot_utterance = self.latest_bot_utterance
    new.active_loop = copy.copy(self.active_loop)
    return new


PATCHES = [Patch(DialogueStateTracker, "copy", structural_copy)]
