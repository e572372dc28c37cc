"""action_apply_alternative: do what the customer chose, on the spot, and confirm it."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import catalog, money
from actions.offer_alternatives import offer_amount
from actions.stores import company

# After a question back to the customer ("which one?"), listen: the rule's "anything
# else?" would be a second question on top of it.
WAIT_FOR_ANSWER = [FollowupAction("action_listen")]

# Kinds that change the company's records when granted.
RECORDED_KINDS = {"credit", "honour_coupon", "replacement", "exchange", "remake", "refund", "followup"}


def last_offer_buttons(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The buttons of the most recent offer of alternatives in this conversation."""
    for event in reversed(tracker.events):
        buttons = (event.get("data") or {}).get("buttons") or [] if event.get("event") == "bot" else []
        if any(str(b.get("payload", "")).startswith("/choose_alternative") for b in buttons):
            return list(buttons)
    return []


class ActionApplyAlternative(Action):
    """Grants the alternative the customer picked, within the offer just made.

    Only an alternative that was offered in this case can be granted, at the
    amount the policy set: a customer typing a button payload by hand cannot
    award themselves a credit.
    """

    def name(self) -> Text:
        return "action_apply_alternative"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        policies = catalog()
        choice = tracker.get_slot("alternative")
        offered = tracker.get_slot("offered_alternatives") or []
        granted = list(tracker.get_slot("granted_alternatives") or [])
        if choice in granted:
            dispatcher.utter_message(response="utter_alternative_already_done")
            return [SlotSet("alternative", None)]
        policy = policies.policy(tracker.get_slot("policy_id") or "")
        offers = {o.id: o for o in (policy.entitled_alternatives + policy.alternatives)} if policy else {}
        if not choice and offered:
            # "yes please" to several options: ask which, with the same buttons.
            dispatcher.utter_message(response="utter_which_alternative", buttons=last_offer_buttons(tracker))
            return [SlotSet("alternative", None), *WAIT_FOR_ANSWER]
        if choice not in offered or choice not in policies.alternatives:
            # Say which options there are, as the buttons they were offered with.
            buttons = last_offer_buttons(tracker)
            if buttons:
                dispatcher.utter_message(response="utter_alternative_not_available", buttons=buttons)
            else:
                dispatcher.utter_message(response="utter_alternative_nothing_offered")
            return [SlotSet("alternative", None), *WAIT_FOR_ANSWER]

        facts = tracker.get_slot("case_facts") or {}
        alternative = policies.alternatives[choice]
        offer = offers.get(choice)
        amount = offer_amount(offer, facts) if offer else None
        if alternative.kind in RECORDED_KINDS:
            reference = facts.get("coupon_code") if alternative.kind == "honour_coupon" else facts.get("reference")
            note = f"{alternative.id} under {policy.id}" if policy else alternative.id
            await company().grant(alternative.kind, reference, facts.get("customer_id"), amount, note=note)
        offer_info = await company().current_offer() if alternative.id == "current_offer" else {}
        dispatcher.utter_message(
            response=alternative.confirm,
            amount=money(amount),
            item=facts.get("order_item") or tracker.get_slot("item") or "order",
            coupon_code=facts.get("coupon_code", ""),
            coupon_percent=facts.get("coupon_percent", ""),
            offer_code=offer_info.get("code", ""),
            offer_percent=offer_info.get("percent", ""),
            reference=facts.get("reference") or "",
        )
        return [
            SlotSet("accepted_alternative", alternative.id),
            SlotSet("granted_alternatives", granted + [alternative.id]),
            SlotSet("alternative", None),
        ]
