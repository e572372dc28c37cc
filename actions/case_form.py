"""case_form: collect what the case needs, never asking for what was already said."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import verification
from actions.case import catalog, reference_kind
from actions.forms import FormValidation
from gracious import repair
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
        if not tracker.get_slot("order_id") and repair.says_no_number(tracker.get_slot("case_details") or ""):
            return []  # "i dont have the order number on me" when opening the case: not asked for it
        need = catalog().case_needs(case_type)
        if need == "coupon":
            return ["coupon_code"]
        # A café order is remade on the spot: nobody keeps a number for a coffee.
        if need in ("bill", "order") and not await self._cafe_item(tracker):
            return ["order_id", "account_check"] if await self._check_needed(tracker) else ["order_id"]
        return []

    @staticmethod
    async def _check_needed(tracker: Tracker) -> bool:
        """Whether the record found is someone's this conversation is not verified for yet."""
        if tracker.get_slot("account_check") in ("passed", "failed", "skipped"):
            return False
        owner = await verification.owner_of(tracker.get_slot("order_id"))
        return owner is not None and not verification.is_verified(tracker, owner)

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
            return {"order_id": found, **await self._checked(found, dispatcher, tracker)}
        named = None if reference else await on_account(tracker, str(value or ""))
        if named:
            # "i orderd a navy dress size M and you sent me a RED one" asked for the number by a signed-in customer (a
            # conversation of our own, 6 December: "I didn't spot the order number in that"): their one dress.
            dispatcher.utter_message(response="utter_reference_found_on_account")
            return {"order_id": named, **told_more(tracker), **await self._checked(named, dispatcher, tracker)}
        attempts = int(tracker.get_slot("reference_attempts") or 0) + 1
        if attempts >= MAX_REFERENCE_ATTEMPTS:
            # "thats the number on the email. LK-10999" again (blind panel p43 21): never "no problem, we'll
            # carry on without it" to someone who just gave it.
            carry_on = "utter_reference_still_not_found" if reference else "utter_reference_carry_on"
            dispatcher.utter_message(response=carry_on, reference=reference or "")
            return {"order_id": None, "reference_attempts": float(attempts), "reference_missing": True}
        kind = "bill" if catalog().case_needs(case_type) == "bill" else "order"
        dispatcher.utter_message(
            response="utter_reference_not_found" if reference else "utter_reference_unclear",
            reference=reference or "",
            reference_kind=kind,
        )
        return {"order_id": None, "reference_attempts": float(attempts)}

    async def _checked(self, reference: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """ "BL-30017, the email on it is maya@..." : the check made with the number, when it is there."""
        owner = await verification.owner_of(reference)
        if owner is None or verification.is_verified(tracker, owner):
            return {}
        said = (tracker.latest_message or {}).get("text") or ""
        if verification.contacts(said) != ([], []):
            return await self._account_check(said, owner, dispatcher, tracker)
        earlier = next((t for t in verification.earlier_texts(tracker) if verification.contacts(t) != ([], [])), None)
        if earlier and not verification.someone_elses(tracker) and await verification.check(tracker, owner, earlier):
            # "my email is priya.n@..." a message or two before the number: the latest such message is
            # checked (a miss counts towards the address's limit, and the form then asks as usual).
            dispatcher.utter_message(response="utter_account_check_passed")
            return {"account_check": "passed", verification.VERIFIED_SLOT: verification.with_verified(tracker, owner)}
        return {}

    async def validate_account_check(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        owner = await verification.owner_of(tracker.get_slot("order_id"))
        if owner is None:
            return {"account_check": "passed"}
        if (tracker.latest_message or {}).get("repair") == "account_answer_why":
            dispatcher.utter_message(response="utter_why_account_check")  # asked beside the details given
        if verification.refuses(str(value or "")):
            # "I'd rather not": the rule in general terms, and a person can check another way.
            dispatcher.utter_message(response="utter_account_check_skipped")
            return {"account_check": "skipped"}
        if verification.contacts(str(value or "")) == ([], []):
            # Not an email or a phone number: asked again in other words, not counted as a miss.
            return {"account_check": None, "account_check_note": "unclear"}
        return await self._account_check(str(value), owner, dispatcher, tracker)

    @staticmethod
    async def _account_check(
        said: Text, owner: Text, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        if verification.someone_elses(tracker):
            # "my friend priya ordered a coffee grinder as a gift for me", then her email (blind panel p49 20): the
            # record is hers, so it is never opened for anyone else, whatever details they have.
            dispatcher.utter_message(response="utter_account_someone_elses")
            return {"account_check": "skipped"}
        failures = int(tracker.get_slot(verification.FAILURES_SLOT) or 0)
        if failures >= verification.MAX_FAILURES or await verification.too_many_from_address(tracker):
            dispatcher.utter_message(response="utter_account_check_to_person")
            return {"account_check": "failed"}
        if await verification.check(tracker, owner, said):
            dispatcher.utter_message(response="utter_account_check_passed")
            return {"account_check": "passed", verification.VERIFIED_SLOT: verification.with_verified(tracker, owner)}
        failures += 1
        if failures >= verification.MAX_FAILURES:
            dispatcher.utter_message(response="utter_account_check_to_person")
            return {"account_check": "failed", verification.FAILURES_SLOT: float(failures)}
        return {"account_check": None, verification.FAILURES_SLOT: float(failures)}

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
            carry_on = "utter_reference_still_not_found" if code else "utter_reference_carry_on"
            dispatcher.utter_message(response=carry_on, reference=code or "")
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
        if tracker.get_slot("requested_slot") == "account_check":
            said = (tracker.latest_message or {}).get("text") or ""
            owner = await verification.owner_of(tracker.get_slot("order_id"))
            if owner and verification.contacts(said) != ([], []):
                # "not sure, maybe maya@example.com": a guess is checked like any answer.
                checked = await ValidateCaseForm._account_check(said, owner, dispatcher, tracker)
                return [SlotSet(slot, value) for slot, value in checked.items()]
            # "I don't know the email on it": policy in general terms, and a person can check another way.
            dispatcher.utter_message(response="utter_account_check_skipped")
            return [SlotSet("account_check", "skipped"), SlotSet("requested_slot", None)]
        said = str((tracker.latest_message or {}).get("text") or "")
        named = await on_account(tracker, " ".join([said, str(tracker.get_slot("case_details") or "")]))
        if named and tracker.get_slot("requested_slot") == "order_id":
            # "i dont have the number on me, its the navy dress one" from a signed-in customer: their one dress, never
            # "Without the number I can't open the order myself".
            dispatcher.utter_message(response="utter_reference_found_on_account")
            return [SlotSet("order_id", named)] + [SlotSet(k, v) for k, v in told_more(tracker).items()]
        dispatcher.utter_message(response="utter_reference_carry_on")
        return [SlotSet("reference_missing", True), SlotSet("requested_slot", None)]


def told_more(tracker: Tracker) -> Dict[Text, Any]:
    """What the answer that named the record told of the problem: its kind, when it reads as another kind of case about
    an order or a bill ("hi so i just opened my parcel and ugh" read as where the order is, then "you sent me a RED
    one"), and its words, added to the case's details."""
    message = tracker.latest_message or {}
    said = str(message.get("text") or "")
    intent = (message.get("intent") or {}).get("name")
    details = str(tracker.get_slot("case_details") or "")
    changes: Dict[Text, Any] = (
        {"case_details": f"{details}\n{said}".strip()[:2000]} if said and said not in details else {}
    )
    if intent and intent != tracker.get_slot("case_type") and catalog().case_needs(intent) in ("order", "bill"):
        changes["case_type"] = intent
    return changes


async def on_account(tracker: Tracker, text: Text) -> Optional[Text]:
    """The record of the customer this chat knows (signed in, or checked) that the words point to, without its number:
    the one order whose item they name, or for a bill their one bill. None for a stranger, or none or several."""
    customer = verification.known_customer(tracker)
    if not customer:
        return None
    if catalog().case_needs(tracker.get_slot("case_type")) == "bill":
        return await company().only_bill(customer)
    return await company().order_named(customer, text)


class ActionAskOrderId(Action):
    """The case form's question for ``order_id``. A customer the chat knows (signed in, or checked) is shown their
    orders to tap ("hi so i just opened my parcel and ugh" from Maya, signed in, was asked for a number she had no need
    to look up: a conversation of our own, 6 December); anyone else, or a bill, or a second ask, the plain question."""

    def name(self) -> Text:
        return "action_ask_order_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        customer = verification.known_customer(tracker)
        need = catalog().case_needs(tracker.get_slot("case_type"))
        mine = await company().orders_of(customer) if customer and need == "order" else []
        if mine and not tracker.get_slot("reference_attempts"):
            buttons = [
                {"title": f"The {o['item']}, {o['id']}", "payload": "/inform" + json.dumps({"order_id": o["id"]})}
                for o in mine[:MAX_ORDERS_SHOWN]
            ]
            dispatcher.utter_message(response="utter_ask_order_id_yours", buttons=buttons)
            return []
        dispatcher.utter_message(response="utter_ask_order_id")
        return []


# Orders shown to tap, newest first; more are asked for by number or by what was in them.
MAX_ORDERS_SHOWN = 4


class ActionAskAccountCheck(Action):
    """The case form's question for ``account_check``, fitted to what happened so far.

    After an answer that held no email or phone: that said, and the question in other
    words. After a miss: the miss, and one more try. For someone known as another
    customer (signed in, or checked for another account): that the record is on a
    different account. Otherwise the first question.
    """

    def name(self) -> Text:
        return "action_ask_account_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        failures = int(tracker.get_slot(verification.FAILURES_SLOT) or 0)
        owner = await verification.owner_of(tracker.get_slot("order_id"))
        if tracker.get_slot("account_check_note") == "unclear":
            response = "utter_account_check_unclear"
        elif not failures and verification.someone_elses(tracker):
            response = "utter_ask_account_check_someone_elses"  # "my friend priya ordered it": never "if that's you"
        elif not failures and verification.other_account(tracker, owner):
            response = "utter_ask_account_check_other"
        else:
            response = "utter_ask_account_check"  # its variations say the first or second miss
        dispatcher.utter_message(response=response)
        return [SlotSet("account_check_note", None)]
