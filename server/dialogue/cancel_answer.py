"""A reply to "Shall I cancel that one?" (actions/callback_cancel.py): read as `cancel`, marked
``cancel_answer``, so action_cancel cancels the call asked about ("yes", "the 3pm one") or keeps it
("no, keep it"). Only just after the question: the slot ``cancel_call_asked`` was set since the
customer last wrote."""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.dropped_call import CANCEL_ANSWER, CANCELS, answer_to_cancel
from server.dialogue.readings import CANCEL, read_as

ASKED = "cancel_call_asked"


def asked_just_now(tracker: DialogueStateTracker) -> bool:
    """Whether the question was asked in the assistant's latest turn."""
    if not tracker.get_slot(ASKED):
        return False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, SlotSet) and event.key == ASKED and event.value:
            return True
    return False


# "make it 6pm then", "move it to 6", "6pm instead": a new time for the call asked about, no answer to cancel it (a
# re-read of our own, 7 December: "Shall I cancel it? Or tell me a time that suits you" was answered with one).
MOVED = re.compile(r"\b(?:make\s+it|move|moving|change|push|reschedule|instead|rather|switch)\b", re.I)


def reading(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Optional[Dict[str, Any]]:
    """``parsed`` read as the answer to the question, or None when it is not one (a new time is a move)."""
    answer = answer_to_cancel(text) if asked_just_now(tracker) else None
    if answer == "time" and MOVED.search(text) and not CANCELS.search(text):
        return None
    if answer is not None:
        return read_as(parsed, CANCEL, CANCEL_ANSWER)
    return None
