"""action_handle_misunderstanding: ask which one they mean, or to rephrase, then offer a person.

The FallbackClassifier sends a message here when the intent classifier is unsure:
its confidence is low, or the top two intents are close. When two or three intents
are plausible, the customer chooses among them with buttons in plain words (Rasa's
two-stage fallback, with more than one candidate); a button's payload carries the
chosen intent and the entities of the message, so the conversation goes on as if it
had been understood at once. When nothing is plausible, the customer is asked to put
it another way; a second misunderstanding in a row brings a person.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.offer_alternatives import first_text

# A candidate must carry at least this share of the classifier's belief to be offered.
MIN_CANDIDATE_CONFIDENCE = 0.12
MAX_CANDIDATES = 3
# Intents that make no sense as a choice ("did you mean: yes?").
NOT_OFFERED = {"nlu_fallback", "affirm", "deny", "inform", "choose_alternative", "greet", "thank"}
OPTION_RESPONSE = "utter_clarify_option_{intent}"
ENTITY_KEYS = ("order_id", "coupon_code", "amount", "email", "phone", "item", "policy_topic", "time")


def misunderstandings_in_a_row(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


def candidates(latest_message: Dict[Text, Any], domain: Dict[Text, Any]) -> List[Text]:
    """The intents worth offering, most likely first: plausible, offerable, worded in the domain."""
    responses = domain.get("responses", {})
    chosen = []
    for ranked in latest_message.get("intent_ranking") or []:
        name = ranked.get("name")
        if (
            name in NOT_OFFERED
            or float(ranked.get("confidence") or 0) < MIN_CANDIDATE_CONFIDENCE
            or OPTION_RESPONSE.format(intent=name) not in responses
        ):
            continue
        chosen.append(name)
        if len(chosen) == MAX_CANDIDATES:
            break
    return chosen


def payload(intent: Text, entities: List[Dict[Text, Any]]) -> Text:
    """'/intent{"order_id": "BL-30017"}': the chosen intent with what the message said."""
    values: Dict[Text, Any] = {}
    for entity in entities:
        name = entity.get("entity")
        if name in ENTITY_KEYS and name not in values and entity.get("value") not in (None, ""):
            values[name] = entity["value"]
    return f"/{intent}" + (json.dumps(values) if values else "")


class ActionHandleMisunderstanding(Action):
    """Asks which of the likely meanings it is; else to rephrase; the second time in a row, a person."""

    def name(self) -> Text:
        return "action_handle_misunderstanding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if misunderstandings_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_misunderstood_again")
            return [FollowupAction("action_handoff")]
        latest = tracker.latest_message or {}
        options = candidates(latest, domain)
        if len(options) >= 2:
            entities = latest.get("entities") or []
            buttons = [
                {"title": first_text(domain, OPTION_RESPONSE.format(intent=i)), "payload": payload(i, entities)}
                for i in options
            ]
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
            return []
        dispatcher.utter_message(response="utter_please_rephrase")
        return []
