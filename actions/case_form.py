"""case_form: collect what the case needs, never asking for what was already said."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.case import catalog, reference_kind
from actions.forms import FormValidation
from gracious.references import coupon_candidates, first
from gracious.signals import said_at_the_cafe
from gracious.stores import company
from gracious.stores.company import normalize_reference

# After this many references that can't be found, carry on without one.
MAX_REFERENCE_ATTEMPTS = 2


class ValidateCaseForm(FormValidation):
    """Decides which details the case needs and checks them against the records."""

    form = "case_form"

    async def needed(self, tracker: Tracker, domain_slots: List[Text]) -> List[Text]:
        case_type = tracker.get_slot("case_type")
        if tracker.get_slot("reference_missing"):
            return []
        need = catalog().case_needs(case_type)
        if need == "coupon":
            return ["coupon_code"]
        # A café order is remade on the spot: nobody keeps a number for a coffee.
        if need in ("bill", "order") and not await self._cafe_item(tracker):
            return ["order_id"]
        return []

    @staticmethod
    async def _cafe_item(tracker: Tracker) -> bool:
        """A café item named in the slot or in the customer's words: no order number needed."""
        said = tracker.get_slot("case_details") or ""
        if said_at_the_cafe(said):
            return True
        item = tracker.get_slot("item") or await company().product_in(said)
        return bool(item) and await company().product_category(str(item)) == "cafe"

    async def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        reference = normalize_reference(str(value or ""))
        case_type = tracker.get_slot("case_type")
        found = await self._lookup(reference, case_type) if reference else None
        if found:
            return {"order_id": found}
        attempts = int(tracker.get_slot("reference_attempts") or 0) + 1
        if attempts >= MAX_REFERENCE_ATTEMPTS:
            dispatcher.utter_message(response="utter_reference_carry_on")
            return {"order_id": None, "reference_attempts": float(attempts), "reference_missing": True}
        kind = "bill" if catalog().case_needs(case_type) == "bill" else "order"
        dispatcher.utter_message(
            response="utter_reference_not_found" if reference else "utter_reference_unclear",
            reference=reference or "",
            reference_kind=kind,
        )
        return {"order_id": None, "reference_attempts": float(attempts)}

    @staticmethod
    async def _lookup(reference: Text, case_type: Optional[Text]) -> Optional[Text]:
        data = company()
        if reference_kind(reference) == "bill" or ("-" not in reference and catalog().case_needs(case_type) == "bill"):
            bill = await data.bill(reference)
            if bill:
                return bill.id
        order = await data.order(reference)
        return order.id if order else None

    async def validate_coupon_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        said = str(value or "").strip()
        # The code in what was typed; a sentence is never taken for a code.
        code = first(said, "coupon_code") or (said.upper() if re.fullmatch(r"[A-Za-z0-9-]{3,20}", said) else "")
        coupon = await company().coupon(code) if code else None
        for spaced in [] if coupon else coupon_candidates(said):
            # "welcome-10, like i said", "Summer 20": the code without its space or dash.
            coupon = await company().coupon(spaced)
            if coupon:
                break
        if coupon:
            return {"coupon_code": coupon.code}
        attempts = int(tracker.get_slot("reference_attempts") or 0) + 1
        if attempts >= MAX_REFERENCE_ATTEMPTS:
            dispatcher.utter_message(response="utter_reference_carry_on")
            return {"coupon_code": None, "reference_attempts": float(attempts), "reference_missing": True}
        if code:
            dispatcher.utter_message(response="utter_coupon_not_found", coupon_code=code)
        else:
            dispatcher.utter_message(response="utter_coupon_unclear")
        return {"coupon_code": None, "reference_attempts": float(attempts)}


class ActionSkipReference(Action):
    """The customer has no reference to hand: carry on with what they told us."""

    def name(self) -> Text:
        return "action_skip_reference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_reference_carry_on")
        return [SlotSet("reference_missing", True), SlotSet("requested_slot", None)]
