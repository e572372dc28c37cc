"""action_close_conversation: thank the customer, log the concern, queue a note."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from gracious import codes
from gracious.choices import ARRANGEMENTS
from gracious.signals import leaves_unhappy
from gracious.stores import records


def case_outcome(tracker: Tracker) -> Text:
    """How the case ended, in the words the manager's report groups by."""
    if tracker.get_slot("accepted_alternative"):
        return str(tracker.get_slot("accepted_alternative"))
    if tracker.get_slot("handoff_id"):
        return codes.HANDED_OFF
    if tracker.get_slot("declined_alternatives"):
        return codes.DECLINED_ALL
    if tracker.get_slot("explained_policies"):
        return codes.EXPLAINED
    return codes.LISTENED


def closing_words(tracker: Tracker) -> Text:
    """Thanks for the chance to put it right only when something was put right or arranged,
    and the customer isn't leaving unhappy ("whatever. bye")."""
    if said_safety(tracker):
        return "utter_close_safety"  # never "have a lovely day" to someone on the way to care
    if leaves_unhappy((tracker.latest_message or {}).get("text") or ""):
        return "utter_close_unresolved"
    if tracker.get_slot("accepted_alternative") not in (None, *ARRANGEMENTS):
        return "utter_thank_for_chance"
    if tracker.get_slot("handoff_id") or tracker.get_slot("callback_id"):
        return "utter_close_arranged"  # a person or a call arranged, nothing fixed yet
    if (tracker.get_slot("frustration") or 0) >= 1:
        return "utter_close_unresolved"  # still unhappy, nothing changed: no thanks for a fix
    return "utter_close_explained"


def said_safety(tracker: Tracker) -> bool:
    """Whether the customer told us about health or danger in this conversation."""
    return any(e.get("event") == "user" and (e.get("parse_data") or {}).get("safety") for e in tracker.events)


class ActionCloseConversation(Action):
    """Closes warmly: thanks for the chance to put it right and for their business.

    Logs the concern once per case (category, policy involved, outcome) for the
    process-improvement report, and queues a short thank-you note when we know
    who the customer is.
    """

    def name(self) -> Text:
        return "action_close_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        case_type = tracker.get_slot("case_type")
        events: List[EventType] = []
        if case_type and not tracker.get_slot("concern_logged"):
            store = records()
            facts = tracker.get_slot("case_facts") or {}
            await store.log_concern(
                tracker.sender_id,
                case_type,
                tracker.get_slot("policy_id"),
                case_outcome(tracker),
                int(tracker.get_slot("frustration") or 0),
            )
            await store.queue_thank_you(
                tracker.sender_id,
                facts.get("customer_id"),
                "utter_thank_you_note",
                {"name": facts.get("customer_name") or "", "email": facts.get("customer_email") or ""},
            )
            events.append(SlotSet("concern_logged", True))
            dispatcher.utter_message(response=closing_words(tracker))
        else:
            dispatcher.utter_message(response="utter_close_safety" if said_safety(tracker) else "utter_goodbye")
        return events


def _closed_case(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The case of the conversation's last close, if the customer closed one before."""
    events = list(tracker.events)
    closes = [
        i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == "action_close_conversation"
    ]
    if not closes:
        return None
    found: Dict[Text, Any] = {}
    for event in events[: closes[-1]]:
        if event.get("event") == "slot" and event.get("name") in ("case_type", "order_id", "coupon_code"):
            found[event["name"]] = event.get("value")
    return found


class ActionGreet(Action):
    """Hello, or welcome back: a customer who returns after a close can pick up the case."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        case = _closed_case(tracker)
        if case is None:
            dispatcher.utter_message(response="utter_greet")
            return []
        reference = case.get("order_id") or case.get("coupon_code")
        if reference:
            dispatcher.utter_message(response="utter_welcome_back_case", reference=reference)
        else:
            dispatcher.utter_message(response="utter_welcome_back")
        return []
