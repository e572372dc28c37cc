"""action_offer_alternatives: after a no, or to put things right, offer real options."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_cancel import booked_calls
from actions.case import catalog, latest_intent, money, render
from actions.hours import spoken_time
from actions.verification import someone_elses
from gracious import codes, repair
from gracious.answers import answers
from gracious.catalog import Catalog, Offer, Policy
from gracious.saying_no import NO_PERSON, NOT_THE_CEO
from gracious.settings import settings
from gracious.signals import asks_about_a_code, harm_from_food
from gracious.stores import company
from gracious.stores.company_schema import ONCE_PER_RECORD
from gracious.stores.grants import REMEDIES, Grant

MAX_OFFERS = 3
# Options that serve a café's food or drink again.
FOOD_AGAIN = ("remake", "cafe_swap")
# Always possible, whatever the policy: a person, or a call at a time that suits.
LAST_RESORT = ("human", "callback")


def person_promised(tracker: Tracker) -> bool:
    """Whether this turn said one of the designers' answers that offers a person (``person: true``)."""
    from actions.digression import said_this_turn

    said = {(e.get("metadata") or {}).get("utter_action") for e in said_this_turn(tracker)}
    return any(a.person and a.response in said for a in answers())


def offers_person_when(policy: Optional[Policy], trigger: Text) -> bool:
    """Whether the policy's ``handoff_when`` offers a person on ``trigger`` (no policy: always)."""
    return policy is None or trigger in policy.handoff_when


def person_in_hand(tracker: Tracker) -> bool:
    """Whether a person is not the thing to offer now: the customer waits in the queue for one, or one has
    just handed the case back (no handoff since), and this message doesn't ask for a person again."""
    if latest_intent(tracker) in ("request_human", "request_executive"):
        return False
    if tracker.get_slot("in_queue"):
        return True
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in ("action_handoff", "action_handback"):
            return event.get("name") == "action_handback"
    return False


def exhausted_offers(policy: Optional[Policy]) -> List[Text]:
    """What is left once every option was declined: a call, and a person if ``declined_all``."""
    return [a for a in LAST_RESORT if a != "human" or offers_person_when(policy, codes.DECLINED_ALL)]


def stored_kind(kind: Text, facts: Dict[str, Any]) -> Text:
    """The kind a grant is kept as: a valid coupon is applied each time (apply_alternative.record_kind)."""
    return "coupon_applied" if kind == "honour_coupon" and facts.get("coupon_valid") else kind


def granted_already(offer: Offer, facts: Dict[str, Any]) -> bool:
    """Whether the record has this once-per-record grant already (from any conversation); a bundle, any part."""
    kinds = {stored_kind(part.alternative.kind, facts) for part in catalog().parts(offer)}
    return any(kind in ONCE_PER_RECORD and kind in (facts.get("granted_kinds") or []) for kind in kinds)


def remedy_taken(offer: Offer, facts: Dict[str, Any]) -> bool:
    """Whether the offer (a bundle, any part) is a remedy the order can no longer have: another remedy
    was granted for it (a refund when a replacement is under way; one per order, grants.other_remedy), and has
    moved since (a replacement gone out); one that has not is switched from when this is chosen."""
    parts = catalog().parts(offer)
    granted = set(facts.get("granted_kinds") or []) & set(REMEDIES)
    if len(parts) == 1:  # a bundle's parts are granted together (actions/bundle.py): never a switch
        granted -= set(facts.get("switchable_remedies") or [])
    kinds = {part.alternative.kind for part in parts} & set(REMEDIES)
    return any(granted - {kind} for kind in kinds)


async def done_before(policies: Catalog, choice: Text, facts: Dict[str, Any]) -> Optional[Grant]:
    """The grant this record already has of the kind ``choice`` gives (left out of the offer), or None.

    A bundle is done before only when every part is: with one part in place and another not, None
    (an old bundle button after a re-offer is not "already arranged", it is not on offer)."""
    alternative = policies.alternatives.get(choice)
    parts = policies.parts(Offer(alternative)) if alternative is not None else ()
    if not parts or not all(granted_already(part, facts) for part in parts):
        return None
    found = [
        await company().granted(stored_kind(part.alternative.kind, facts), facts.get("reference")) for part in parts
    ]
    return found[0] if all(grant is not None for grant in found) else None  # a bundle: its first part's


def offer_amount(offer: Offer, facts: Dict[str, Any]) -> Optional[float]:
    if offer.id == "missing_discount_credit":
        return facts.get("missing_discount_amount")
    return offer.amount


class ActionOfferAlternatives(Action):
    """Offers two or three alternatives from the policy as buttons.

    Drops alternatives beyond the assistant's empowerment limits and those the
    customer already declined; when a limit cut something, or nothing is left,
    a person is offered. Offered and declined alternatives go to slots.
    """

    def name(self) -> Text:
        return "action_offer_alternatives"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        policies = catalog()
        facts = tracker.get_slot("case_facts") or {}
        policy = policies.policy(tracker.get_slot("policy_id") or "")
        if facts.get("verification_failed"):
            return [FollowupAction("action_handoff")]  # three misses: a person confirms who it is
        offered = list(tracker.get_slot("offered_alternatives") or [])
        declined = list(tracker.get_slot("declined_alternatives") or [])
        # A 'no' to options already on the table means: none of those, please.
        again = latest_intent(tracker) == "deny" and bool(offered)
        if again:
            declined += [alt for alt in offered if alt not in declined]

        if policy is not None and policy.case_types and not policy.alternatives and not again:
            # Nothing to choose from ("can you make it stop? :)", the policy beyond_anyone_playful): the answer
            # stands alone, and a person or a call is there when asked for.
            return [SlotSet("offered_alternatives", [])]
        # A person just handed the case back, or the customer is in line for one: no "Talk to a person" on
        # top (third panel: offered right after a hand-back), unless they ask for one again.
        held_back = ["human"] if person_in_hand(tracker) else []
        # A call booked in this chat already (blind panel p52 05: "Call me back at a time that suits me" offered under
        # a call booked for tomorrow at 10): that call takes this up, said so; never a second call offered.
        booked = await booked_calls(tracker) if tracker.get_slot("callback_id") and not again else []
        said = str((tracker.latest_message or {}).get("text") or "")
        if booked or (repair.refuses_call(said) and not again):
            # "no i dont want a call, i want to write to the top myself" (a panel of our own, 5 December): no call
            # offered to someone who just said no to one.
            held_back.append("callback")
        skip = declined + held_back
        if again and all(alt in skip for alt in exhausted_offers(policy)):
            # Everything, a person (when handoff_when offers one) and a call included, has been turned down: stop
            # offering, leave the door open, and move on.
            dispatcher.utter_message(response="utter_offers_all_declined")
            return [
                SlotSet("offered_alternatives", []),
                SlotSet("declined_alternatives", declined),
                FollowupAction("utter_anything_else"),
            ]

        choices = self.choose(policies, policy, facts, skip, bool(tracker.get_slot("entitled")))
        if any(o.id in FOOD_AGAIN for o in choices) and harm_from_food(
            (e.get("text"), e.get("parse_data")) for e in tracker.events if e.get("event") == "user"
        ):
            # A café's food or drink again for someone it harmed (blind panel p55 D01: "a remake?? i just had an allergic
            # reaction"): never; a person instead.
            choices = [o for o in choices if o.id not in FOOD_AGAIN] or [Offer(policies.alternatives["human"])]
        if "human" not in skip and all(o.id != "human" for o in choices) and person_promised(tracker):
            # "...a person can cancel it for you" said beside the order's news ("my jacket hasn't shipped, can i use
            # WELCOME10 on it", a conversation of our own, 5 December): the person it names is one of the options.
            choices = choices[: MAX_OFFERS - 1] + [Offer(policies.alternatives["human"])]
        told = (said, str(tracker.get_slot("case_details") or ""))
        if (
            "callback" not in skip
            and not facts.get("calls_never_came")
            and all(o.id != "callback" for o in choices)
            and any(map(repair.asks_for_a_call, told))
        ):
            # "the shoes LK-10422 have a scuff on the toe, can someone call me about it" (a conversation of our own, 6
            # December): the call asked for is one of the options, never dropped for the case's own.
            choices = choices[: MAX_OFFERS - 1] + [Offer(policies.alternatives["callback"])]
        if (
            "ceo_office" not in skip
            and "ceo_office" in policies.alternatives
            and all(o.id != "ceo_office" for o in choices)
            and any(repair.says("ceo_words", t) and not NOT_THE_CEO.search(t) for t in told)
        ):
            # "... 60 dollars for junk. I want to speak to your CEO right now" (blind panel p60 J04): the CEO's office,
            # the nearest there is to the CEO, is one of the options.
            # (Room made by the call when a person is offered already: the store credit or the refund stays.)
            room = [o for o in choices if o.id != "callback"] if any(o.id == "human" for o in choices) else choices
            choices = room[: MAX_OFFERS - 1] + [Offer(policies.alternatives["ceo_office"])]
        if (
            "human" not in skip
            and all(o.id != "human" for o in choices)
            and any(repair.says("person", t) and not NO_PERSON.search(t) for t in told)
        ):
            # "these damn shoes are a joke ... i want a manager NOW" (blind panel p60 H03: the options without a person):
            # the person asked for is one of the options.
            choices = choices[: MAX_OFFERS - 1] + [Offer(policies.alternatives["human"])]
        # choose() tops a short list up with a person or a callback, so a list of
        # only those after a 'no' means every option of the policy has been turned down.
        if again and all(o.id in LAST_RESORT for o in choices):
            choices = [Offer(policies.alternatives[a]) for a in exhausted_offers(policy) if a not in held_back]
            # Only the call left when the policy offers no person then (handoff_when).
            intro = "utter_offers_exhausted" if len(choices) > 1 else "utter_offers_exhausted_call_only"
        elif again:
            intro = "utter_offer_intro_more"
        elif facts.get("verification_needed"):
            # Told it's another person's (blind panel p54 B07): never "confirm it's your account another way".
            intro = "utter_offer_intro_someone_elses" if someone_elses(tracker) else "utter_offer_intro_unverified"
            from actions.digression import answers_heard  # (it imports this module)

            if intro == "utter_offer_intro_someone_elses" and intro in answers_heard(tracker):
                intro = "utter_resume_offer"  # said once: never the same paragraph again
        elif facts.get("arranged_before"):
            intro = "utter_offer_intro_arranged"  # put right already (actions/granted_before.py): what is still open
        elif (
            tracker.get_slot("case_type") == "coupon_problem"
            and facts.get("coupon_valid")
            and asks_about_a_code(str(tracker.get_slot("case_details") or ""))
        ):
            # "hi is WELCOME10 still working?" (blind panel p52 08): nothing went wrong, so nothing to put right;
            # the honour is there if the checkout balks.
            intro = "utter_offer_intro_code_fine"
        elif tracker.get_slot("entitled"):
            intro = "utter_offer_intro_entitled"
        else:
            intro = "utter_offer_intro"

        if booked:
            now = datetime.now(ZoneInfo(settings().timezone))
            dispatcher.utter_message(
                response="utter_booked_call_takes_it_up",
                callback_when=spoken_time(booked[0]["local"].astimezone(now.tzinfo), now),
            )
        buttons = [self.button(offer, facts, domain) for offer in choices]
        buttons.append({"title": first_text(domain, "utter_button_none"), "payload": "/deny"})
        dispatcher.utter_message(response=intro, buttons=buttons)
        return [
            SlotSet("offered_alternatives", [o.id for o in choices]),
            SlotSet("declined_alternatives", declined),
        ]

    @staticmethod
    def choose(
        policies: Catalog,
        policy: Optional[Policy],
        facts: Dict[str, Any],
        declined: List[Text],
        entitled: bool,
    ) -> List[Offer]:
        if policy is None or facts.get("verification_needed"):
            # Nothing is granted on a record before the customer is verified for it.
            candidates = [Offer(policies.alternatives[a]) for a in LAST_RESORT]
        else:
            candidates = list(policy.entitled_alternatives if entitled else policy.alternatives)
        if facts.get("calls_never_came") and any(o.id == "callback" for o in candidates):
            # "promised a call back twice and nobody has ever called" (blind panel p54 A06): never a third call; the
            # same follow-up in writing instead, unless the policy offers that already.
            by_email = Offer(policies.alternatives["email_followup"])
            has_email = any(o.id == "email_followup" for o in candidates)
            swapped = [by_email if o.id == "callback" else o for o in candidates]
            candidates = [o for o in candidates if o.id != "callback"] if has_email else swapped
        allowed, over_limit = [], False
        for offer in candidates:
            if offer.id in declined:
                continue
            if offer.id == "missing_discount_credit" and not facts.get("discount_missing"):
                continue
            if offer.id == "delivery_updates" and (facts.get("updates_on") or facts.get("updates_stopped")):
                continue  # signed up for already, in this chat or another (blind panel p50 22), or asked to stop
            if granted_already(offer, facts):
                continue  # done for this bill or order already (once per record): said when asked about
            if remedy_taken(offer, facts):
                continue  # a refund offered when the replacement is under way would only be refused
            if "credit" in policies.kinds(offer.alternative) and not facts.get("customer_id"):
                continue  # a credit goes on someone's account: a guest's has none we know of
            if offer.alternative.kind == "honour_coupon" and facts.get("coupon_honoured_before") and not entitled:
                continue
            if not policies.within_limits(offer, facts):
                over_limit = True
                continue
            allowed.append(offer)
        if facts.get("over_limit"):
            over_limit = True
        chosen = allowed[:MAX_OFFERS]
        over_limit = over_limit and offers_person_when(policy, codes.OVER_LIMIT)
        if over_limit and "human" not in declined and all(o.id != "human" for o in chosen):
            chosen = chosen[: MAX_OFFERS - 1] + [Offer(policies.alternatives["human"])]
        if len(chosen) < 2:
            for alt in exhausted_offers(policy):
                if alt not in declined and all(o.id != alt for o in chosen):
                    chosen.append(Offer(policies.alternatives[alt]))
                if len(chosen) >= 2:
                    break
        return chosen

    @staticmethod
    def button(offer: Offer, facts: Dict[str, Any], domain: Dict[Text, Any]) -> Dict[Text, Text]:
        values = {
            "amount": money(offer_amount(offer, facts)),
            "coupon_code": facts.get("coupon_code", ""),
            "coupon_percent": facts.get("coupon_percent", ""),
            "item": facts.get("order_item", "item"),
        }
        title = render(first_text(domain, offer.alternative.offer), values)
        payload = "/choose_alternative" + json.dumps({"alternative": offer.id})
        return {"title": title, "payload": payload}


def first_text(domain: Dict[Text, Any], key: Text) -> Text:
    """The first variation of a domain response, for a button's title."""
    variations = domain.get("responses", {}).get(key) or [{"text": key}]
    return variations[0].get("text", key)


def last_offer_buttons(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The buttons of the most recent offer of alternatives in this conversation."""
    for event in reversed(tracker.events):
        buttons = (event.get("data") or {}).get("buttons") or [] if event.get("event") == "bot" else []
        if any(str(b.get("payload", "")).startswith("/choose_alternative") for b in buttons):
            return list(buttons)
    return []
