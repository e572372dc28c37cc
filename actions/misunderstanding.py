"""action_handle_misunderstanding: ask to rephrase once, then offer a person."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher


def misunderstandings_in_a_row(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandleMisunderstanding(Action):
    """The first time, asks to rephrase; the second time in a row, hands over to a person."""

    def name(self) -> Text:
        return "action_handle_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if misunderstandings_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_misunderstood_again")
            return [FollowupAction("action_handoff")]
        dispatcher.utter_message(response="utter_please_rephrase")
        return []

