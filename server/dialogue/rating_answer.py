"""The answer to the rating question, read as a rating whatever the classifier made of it.

After an agent closes the conversation the assistant asks for a 1 to 5 (utter_ask_rating,
server/desk/conversation.py). "1. two weeks is not ok" reads to the classifier as a complaint
and "3, the handover was clunky" as feedback without a number, so the rating was lost. Said
straight after the question, a message with a 1 to 5 in it (gracious/ratings.py) is the
rating: ``give_feedback`` with its ``rating`` entity, the words kept with it
(actions/feedback.py stores both and answers a low one with an apology).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import ratings
from server.dialogue import after_a_person
from server.dialogue.readings import read_as, whole_message

ASK_RATING = "utter_ask_rating"


def just_asked(tracker: Optional[DialogueStateTracker]) -> bool:
    """Whether the assistant's last question was the rating, with nothing said since."""
    for event in reversed(list(tracker.events) if tracker is not None else []):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ASK_RATING:
            return True
    return False


def reading(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """The message as the rating asked for, or as an ending after a person (a rating in any words, a
    goodbye, a remark: server/dialogue/after_a_person.py), or None."""
    return _answer(parsed, tracker) or after_a_person.reading(parsed, tracker)


def _answer(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """The message as the rating asked for, or None (not just asked, no 1 to 5, a click, safety)."""
    text = (parsed.get("text") or "").strip()
    if not text or text.startswith("/") or parsed.get("safety") or not just_asked(tracker):
        return None
    found = ratings.read(text)
    if found is None:
        return None
    rated = read_as(parsed, "give_feedback", "rating", [whole_message("rating", str(found.value), text)])
    rated["rating_words"] = found.words
    return rated
