"""action_handback: the assistant takes the conversation back knowing what the agent arranged.

The desk grants through the chat's own path (server/desk/grants.py): each grant's
commitment to the company's systems names the handoff and the agent. On hand-back
(server/desk/conversation.hand_back sets the ``handback`` slot: the handoff, the
agent handing back, and the display names of the desk's agents) this action reads
those grants, still standing, from the company's records: a grant is the one its
commitment names (by id, and of the kind, reference and conversation the commitment
says; a grant id reused by a remade database is not taken for it). It says what was
arranged, crediting the agent each grant's commitment names ("Sam arranged a $10.00
credit on BL-30018.", also when Ana hands back a case Sam granted on), keeps them as this conversation's own (so asking for one again is
"already done", never "not available"), and offers what is still open of the case's
offer (offered, not declined, not granted, not ruled out by a remedy just arranged)
as working buttons; with nothing open the desk asks "anything else?" after it.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Text

import sqlalchemy as sa
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import catalog, money
from actions.offer_alternatives import ActionOfferAlternatives, first_text
from actions.status import settle, settled
from gracious.catalog import Offer
from gracious.stores import company
from gracious.stores.company_schema import grants, outbox
from gracious.stores.grants import REMEDIES

# What an agent grants at the desk (server/desk/grants.py GRANTABLE), and ways to a person,
# which the person who just helped makes moot.
DESK_KINDS = ("credit", "refund", "exchange", "replacement", "remake", "honour_coupon")
TO_A_PERSON = ("human", "ceo_office")


def arranged_at_desk(conn: sa.engine.Connection, sender_id: Text, handoff_id: Optional[int]) -> List[Dict[Text, Any]]:
    """The grants made at the desk for this conversation's handoff, still standing, oldest first."""
    found = []
    rows = conn.execute(
        sa.select(outbox.c.payload, outbox.c.topic)
        .where(outbox.c.kind == "webhook", outbox.c.sender_id == sender_id, outbox.c.topic.in_(DESK_KINDS))
        .order_by(outbox.c.id)
    )
    for row in rows:
        payload = json.loads(row.payload) or {}
        data = payload.get("data") or {}
        if not data.get("agent") or data.get("handoff_id") is None:
            continue  # the chat's own grant
        if handoff_id is not None and str(data.get("handoff_id")) != str(handoff_id):
            continue
        if data.get("sender_id") not in (None, sender_id):
            continue  # another conversation's commitment
        grant = conn.execute(sa.select(grants).where(grants.c.id == data.get("grant_id"))).first()
        if grant is None or grant.kind != row.topic or grant.reference != data.get("reference"):
            continue  # taken back since, or the id now belongs to another grant
        found.append(
            {
                "alternative": data.get("alternative"),
                "kind": grant.kind,
                "reference": grant.reference,
                "amount": None if grant.amount is None else float(grant.amount),
                "agent": str(data.get("agent")),
            }
        )
    return found


def described(grant: Dict[Text, Any]) -> Text:
    """ "a $10.00 credit on BL-30018", "a replacement for LK-10423"."""
    kind, reference, amount = grant["kind"], grant.get("reference") or "your order", grant.get("amount")
    if kind == "credit":
        return f"a {money(amount)} credit on {reference}" if amount else f"a credit on {reference}"
    if kind == "refund":
        return f"a {money(amount)} refund on {reference}" if amount else f"a refund on {reference}"
    if kind == "exchange":
        return f"an exchange for {reference}"
    if kind == "remake":
        return f"a remake of {reference}"
    if kind == "honour_coupon":
        return f"the coupon {reference} honoured"
    return f"a {kind} for {reference}"


def together(parts: List[Text]) -> Text:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def first_name(agent: Text, names: Dict[Text, Any]) -> Text:
    """The agent's first name, from the desk's display names (their login name if it has none)."""
    words = str(names.get(agent) or agent or "").split()
    return words[0] if words else "My colleague"


def by_agent(arranged: List[Dict[Text, Any]]) -> List[List[Dict[Text, Any]]]:
    """The grants grouped by the agent who made them, in the order they were made."""
    groups: Dict[Text, List[Dict[Text, Any]]] = {}
    for grant in arranged:
        groups.setdefault(grant["agent"], []).append(grant)
    return list(groups.values())


def still_open(tracker: Tracker, granted: List[Text], kinds: List[Text], reopened: Sequence[Text] = ()) -> List[Text]:
    """The case's offered alternatives a customer may still take: not declined (unless ``reopened``: it
    fits the case, and a person has talked it through since), granted, a way to a person, or another
    remedy for an order that has one now."""
    declined = set(tracker.get_slot("declined_alternatives") or []) - set(reopened)
    alternatives = catalog().alternatives
    remedied = any(kind in REMEDIES for kind in kinds)
    open_ones = []
    for key in tracker.get_slot("offered_alternatives") or []:
        alternative = alternatives.get(key)
        if alternative is None or key in declined or key in granted or key in TO_A_PERSON or key in open_ones:
            continue
        if remedied and catalog().kinds(alternative) & set(REMEDIES):  # a bundle: any of its parts
            continue
        open_ones.append(key)
    return open_ones


def fitting(tracker: Tracker, granted: List[Text], kinds: List[Text]) -> Dict[Text, Offer]:
    """What the case's policy offers that still fits it now (the catalog's, within the limits, not granted
    on this record, not a way to a person, not another remedy for an order that has one now): after a
    person talked it through, an option declined before the handoff may be taken ("the store credit one
    please" after the agent said it is still open)."""
    policies = catalog()
    policy = policies.policy(tracker.get_slot("policy_id") or "")
    if policy is None:
        return {}
    facts = tracker.get_slot("case_facts") or {}
    chosen = ActionOfferAlternatives.choose(
        policies, policy, facts, [*granted, *TO_A_PERSON], bool(tracker.get_slot("entitled"))
    )
    remedied = any(kind in REMEDIES for kind in kinds)
    return {
        o.id: o
        for o in chosen
        if o.id not in TO_A_PERSON
        and o.id not in granted
        and not (remedied and policies.kinds(o.alternative) & set(REMEDIES))
    }


def buttons_for(
    tracker: Tracker, domain: Dict[Text, Any], keys: List[Text], offers: Optional[Dict[Text, Offer]] = None
) -> List[Dict[Text, Any]]:
    """Each option's button as it was last shown (its title kept), or made as every offer makes it."""
    shown: Dict[Text, Dict[Text, Any]] = {}
    for event in reversed(tracker.events):
        for button in (event.get("data") or {}).get("buttons") or [] if event.get("event") == "bot" else []:
            payload = str(button.get("payload") or "")
            for key in keys:
                if key not in shown and payload.endswith('"%s"}' % key) and payload.startswith("/choose_alternative"):
                    shown[key] = dict(button)
    made = []
    facts = tracker.get_slot("case_facts") or {}
    for key in keys:
        if key not in shown and offers and key in offers:
            shown[key] = ActionOfferAlternatives.button(offers[key], facts, domain)
        made.append(
            shown.get(key)
            or {
                "title": first_text(domain, catalog().alternatives[key].offer),
                "payload": '/choose_alternative{"alternative": "%s"}' % key,
            }
        )
    return made


class ActionHandback(Action):
    """Back from the agent: what they arranged, then what is still open (or the desk asks 'anything else?')."""

    def name(self) -> Text:
        return "action_handback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        back = tracker.get_slot("handback") or {}
        handoff_id = back.get("handoff_id") if isinstance(back, dict) else None
        if handoff_id is None and str(tracker.get_slot("handoff_id") or "").isdigit():
            handoff_id = int(tracker.get_slot("handoff_id"))
        dispatcher.utter_message(response="utter_handback")
        events: List[EventType] = [SlotSet("handback", None), SlotSet("in_queue", None)]
        arranged = await company().run(arranged_at_desk, tracker.sender_id, handoff_id)
        granted = list(tracker.get_slot("granted_alternatives") or [])
        entries = settled(tracker)
        found = back.get("names") if isinstance(back, dict) else None
        names: Dict[Text, Any] = found if isinstance(found, dict) else {}
        for made in by_agent(arranged):
            # Each grant credited to the agent its commitment names, not to whoever hands back.
            dispatcher.utter_message(
                response="utter_handback_arranged",
                agent_name=first_name(made[0]["agent"], names),
                arranged=together([described(g) for g in made]),
            )
        if arranged:
            for grant in arranged:
                key = grant.get("alternative") or grant["kind"]
                granted += [] if key in granted else [key]
                entries = settle(entries, key, grant["kind"], grant.get("reference"), grant.get("amount"), "done")
            events += [
                SlotSet("granted_alternatives", granted),
                SlotSet("settled", entries),
                SlotSet("accepted_alternative", arranged[-1].get("alternative")),
            ]
        kinds = [g["kind"] for g in arranged]
        # What fits the case is open again, whatever was said before the person helped: the buttons are
        # what is still open of the offer, and a typed choice of any that fits is taken
        # (action_apply_alternative), "the store credit one please" after the agent said it is open.
        offers = fitting(tracker, granted, kinds)
        open_ones = still_open(tracker, granted, kinds)
        if open_ones:
            dispatcher.utter_message(
                response="utter_handback_open", buttons=buttons_for(tracker, domain, open_ones, offers)
            )
        if offers:
            offered = list(tracker.get_slot("offered_alternatives") or [])
            declined = list(tracker.get_slot("declined_alternatives") or [])
            events += [
                SlotSet("offered_alternatives", offered + [k for k in offers if k not in offered]),
                SlotSet("declined_alternatives", [k for k in declined if k not in offers]),
            ]
        return events


def follow_up_booked(tracker: Tracker) -> bool:
    """A follow-up really arranged in this conversation: a call booked, or the team's email taken."""
    taken = set(tracker.get_slot("granted_alternatives") or []) | {tracker.get_slot("accepted_alternative")}
    return bool(tracker.get_slot("callback_id")) or "email_followup" in taken


def handed_back(tracker: Tracker) -> bool:
    """The person who picked the case up handed it back: what they arranged is said, nothing more to come."""
    return any(e.get("event") == "action" and e.get("name") == "action_handback" for e in tracker.events)
