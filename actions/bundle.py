"""A bundle taken (catalog/policies.yml ``kind: bundle``): one button, each part granted as itself.

"Send the right dress as a gift, plus a $10.00 credit for you" is two grants: each is
recorded once per record, with its commitment and emails, exactly as if it had been taken
alone, and all of them in one transaction (actions/promised.py, gracious/stores/grants_many.py):
a failure on one makes none. The bundle's own confirmation, which names them all, is said
only once every part is done; when a part was in place already (worded with the amount on
record), or the order has another remedy, each part is said as it stands.
Nothing is granted when the order's other remedy rules out a part, nor on a record the
customer is not verified for.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import promised
from actions.case import catalog, money
from actions.offer_alternatives import ActionOfferAlternatives, offer_amount, stored_kind
from actions.second_problem import come_back
from actions.status import settle
from gracious.catalog import Offer
from gracious.outbox import grant_emails
from gracious.stores import company
from gracious.stores import grants as grant_rules
from gracious.stores.grants import GrantResult

# (the part, the kind it is kept as, its reference, its amount, what granting it did)
Done = Tuple[Offer, Text, Optional[Text], Optional[float], GrantResult]


def _reference(part: Offer, facts: Dict[Text, Any]) -> Optional[Text]:
    return (facts.get("coupon_code") if part.alternative.kind == "honour_coupon" else facts.get("reference")) or None


def _values(tracker: Tracker, facts: Dict[Text, Any], amount: Optional[float]) -> Dict[Text, Any]:
    item = facts.get("order_item") or facts.get("item_asked_for") or tracker.get_slot("item") or facts.get("item_named")
    return {
        "amount": money(amount),
        "item": item or "order",
        "reference": facts.get("reference") or "",
        "coupon_code": facts.get("coupon_code", ""),
        "coupon_percent": facts.get("coupon_percent", ""),
    }


async def apply(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: Dict[Text, Any],
    granted: List[Text],
    entries: List[Dict[Text, Any]],
) -> List[EventType]:
    """Grant every part of the bundle chosen (the ``alternative`` slot, offered under the case's policy),
    then confirm: all of it in one sentence, or each part as it stands."""
    from actions.apply_alternative import _remedy_taken, granted_on  # (it imports this module)

    policies, choice = catalog(), tracker.get_slot("alternative") or ""
    policy = policies.policy(tracker.get_slot("policy_id") or "")
    offers = {o.id: o for o in (*policy.entitled_alternatives, *policy.alternatives)} if policy else {}
    bundle = offers.get(choice) or Offer(policies.alternatives[choice])  # its amount is the policy's
    facts = tracker.get_slot("case_facts") or {}
    parts = policies.parts(bundle)
    if facts.get("verification_needed"):
        # Nothing granted on a record the customer is not verified for (actions/verification.py).
        dispatcher.utter_message(response="utter_alternative_nothing_offered")
        return [SlotSet("alternative", None), FollowupAction("action_listen")]
    for part in parts:
        if grant_emails.promises_email(part.id) and not await promised.address_for(part.id, tracker):
            return promised.without_an_address(part.id)  # its email would have nowhere to go
    for part in parts:  # a refund on the order already rules out a replacement: nothing of the bundle, and why
        kind, reference = stored_kind(part.alternative.kind, facts), _reference(part, facts)
        other = await company().run(grant_rules.other_remedy, kind, reference) if reference else None
        if other is not None:
            return [SlotSet("alternative", None)] + _remedy_taken(dispatcher, reference, other)

    policy_id = tracker.get_slot("policy_id") or ""
    requests = []
    for part in parts:
        kind, reference = stored_kind(part.alternative.kind, facts), _reference(part, facts)
        note = f"{part.id} in {bundle.id} under {policy_id}" if policy_id else f"{part.id} in {bundle.id}"
        requests.append((part.id, kind, reference, offer_amount(part, facts), note))
    # All parts in one transaction: a failure on one makes none (the outage apology is then true).
    results = await promised.grant_all(tracker, requests)
    done: List[Done] = [
        (part, kind, reference, amount, result)
        for part, (_, kind, reference, amount, _), result in zip(parts, requests, results, strict=True)
    ]

    if all(result.created for *_, result in done):
        dispatcher.utter_message(response=bundle.alternative.confirm, **_values(tracker, facts, bundle.amount))
    else:
        for part, _, reference, amount, result in done:
            if result.created:
                dispatcher.utter_message(response=part.alternative.confirm, **_values(tracker, facts, amount))
            elif result.other_remedy:  # another conversation's remedy landed in between
                _remedy_taken(dispatcher, reference, result.grant)
            else:
                # Worded from the grant on record ("a $5.00 goodwill credit" from the desk), not the bundle's.
                on_record = Offer(part.alternative, result.grant.amount)
                title = ActionOfferAlternatives.button(on_record, facts, domain)["title"]
                dispatcher.utter_message(
                    response="utter_bundle_part_before",
                    part=title[:1].lower() + title[1:],
                    reference=reference or "",
                    granted_on=granted_on(result.grant.created_at),
                )
    for part, kind, reference, amount, result in done:
        if result.created:
            entries = settle(entries, part.id, kind, reference, amount, "done")
        elif not result.other_remedy:
            entries = settle(entries, part.id, kind, reference, result.grant.amount, "before", result.grant.created_at)
    taken = [bundle.id] + [part.id for part, *_, result in done if not result.other_remedy]
    events: List[EventType] = [
        SlotSet("settled", entries),
        SlotSet("accepted_alternative", bundle.id),
        SlotSet("granted_alternatives", granted + [t for t in taken if t not in granted]),
        SlotSet("alternative", None),
    ]
    return events + come_back(dispatcher, tracker, domain)
