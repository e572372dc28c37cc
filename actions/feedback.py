"""action_record_feedback: keep the customer's feedback and say what happens to it."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.stores import records


def _handoff_id(tracker: Tracker) -> Optional[int]:
    """The handoff this conversation went through, so a rating can be tied to the desk's work."""
    value = str(tracker.get_slot("handoff_id") or "")
    return int(value) if value.isdigit() else None


class ActionRecordFeedback(Action):
    """Stores the feedback for the team's weekly review and thanks the customer."""

    def name(self) -> Text:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        rating = next(
            (e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "rating"),
            None,
        )
        if rating in ("1", "2", "3", "4", "5"):
            # The satisfaction question after an agent closed the conversation.
            await records().record_rating(tracker.sender_id, int(rating), _handoff_id(tracker))
            dispatcher.utter_message(response="utter_rating_recorded")
            return []
        text = (tracker.latest_message.get("text") or "").strip()
        said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
        naming_it = text.startswith("/") or (len(text.split()) <= 5 and re.search(r"\bfeedback\b", text, re.I))
        if naming_it and len(said) >= 2 and not said[-2].startswith("/"):
            # "the feedback one", "feedback i guess" after a menu: the feedback is what they said before.
            text = said[-2].strip()
        await records().record_feedback(tracker.sender_id, text[:2000])
        if _after_a_safety_report(tracker):
            # "tell that cafe to check their chicken": a warning, not an idea for a weekly review.
            dispatcher.utter_message(response="utter_feedback_safety")
            return []
        dispatcher.utter_message(response="utter_feedback_recorded")
        return []


def _after_a_safety_report(tracker: Tracker) -> bool:
    """Whether this conversation raised a health or danger signal earlier."""
    return any(e.get("event") == "user" and (e.get("parse_data") or {}).get("safety") for e in tracker.events)
