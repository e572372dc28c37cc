"""action_explain_policy: say what the rule is and why, without blame."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import catalog, gather_facts, latest_intent, template_values


class ActionExplainPolicy(Action):
    """Finds the policy for the case in the catalog and explains it.

    For a plain question ('what is your return policy?') it gives the policy's
    general wording. For a case it reads the records first: where they show the
    customer is owed something after all, it says so and moves to putting it
    right; when the customer presses after a no, it holds the line kindly.
    """

    def name(self) -> Text:
        return "action_explain_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        policies = catalog()
        explained = list(tracker.get_slot("explained_policies") or [])

        if latest_intent(tracker) == "ask_policy":
            topic = tracker.get_slot("policy_topic")
            policy = policies.for_topic(topic) if topic else None
            if policy is None:
                dispatcher.utter_message(response="utter_ask_policy_topic")
                return []
            values = template_values({}, tracker)
            dispatcher.utter_message(response=policy.responses["general"], **values)
            return [SlotSet("explained_policies", explained + [policy.id])]

        case_type = tracker.get_slot("case_type")
        facts = await gather_facts(tracker)
        policy = policies.select(case_type, facts) if case_type else None
        if policy is None:
            dispatcher.utter_message(response="utter_ask_what_happened")
            return []

        entitled = policy.entitles(facts)
        if entitled and "entitled" in policy.responses:
            role = "entitled"
        elif policy.id in explained and "pressed" in policy.responses:
            role = "pressed"
        else:
            role = "explain"
        dispatcher.utter_message(response=policy.responses[role], **template_values(facts, tracker))
        return [
            SlotSet("policy_id", policy.id),
            SlotSet("entitled", entitled),
            SlotSet("company_at_fault", bool(facts.get("company_error") or facts.get("order_late"))),
            SlotSet("case_facts", _storable(facts)),
            SlotSet("explained_policies", explained + ([] if policy.id in explained else [policy.id])),
        ]


def _storable(facts: Dict[str, Any]) -> Dict[str, Any]:
    """Facts as JSON-friendly values for the tracker and the handoff summary."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in facts.items()}
