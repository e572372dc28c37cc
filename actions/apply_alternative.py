"""action_apply_alternative: do what the customer chose, on the spot, and confirm it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import bundle, choice_guard, promised
from actions.callback_cancel import asks_every_call, booked_calls, call_an_email_replaces, cancel_every, cancel_named
from actions.callback_notice import no_call_after_all, notice_for, tell_email
from actions.case import after_events, catalog, money
from actions.digression import fitted_answers, resume, say_answers
from actions.hours import spoken_time
from actions.offer_alternatives import done_before, last_offer_buttons, offer_amount, stored_kind
from actions.second_problem import come_back
from actions.status import said_of, settle, settled
from gracious import repair
from gracious.answers import told_already
from gracious.catalog_model import Alternative
from gracious.choices import options_from
from gracious.dropped_call import cancels_booked
from gracious.outbox import grant_emails
from gracious.references import size_change, size_wanted
from gracious.saying_no import choice_pattern
from gracious.settings import settings
from gracious.stores import company, records
from gracious.stores import grants as grant_rules
from gracious.stores.grants import Grant

# After a question back to the customer ("which one?"), listen, not "anything else?" on top.
WAIT_FOR_ANSWER = [FollowupAction("action_listen")]
# Ways to reach a person open whatever was offered ("just email me instead"); kinds kept in the records. The CEO's
# office too, once asked for ("fine send it to the ceo office then" in the lamp's case after the CEO's, a conversation
# of our own, 6 December: "I can't offer that one for this case").
ALWAYS_OPEN = {"email_followup", "callback", "human", "ceo_office"}
# What choosing one of them runs next, as its button's rule does.
NEXT_FOR = {"human": "action_handoff", "ceo_office": "action_handoff", "callback": "callback_form"}
RECORDED_KINDS = {"credit", "honour_coupon", "replacement", "exchange", "remake", "refund", "followup"}


def _granted_before(kind: Text) -> Text:
    """ "Already arranged": with what is left to the customer when the remedy waits for their return."""
    return "utter_alternative_granted_before" + ("_return" if kind in grant_rules.WAITS_FOR_RETURN else "")


def granted_on(moment: datetime, now: Optional[datetime] = None) -> Text:
    """When something was granted, as a customer would say it, in the company's time zone.

    'earlier today', 'yesterday', 'on 28 November' (with the year when it was
    another year). ``moment`` and ``now`` are timezone-aware.
    """
    zone = ZoneInfo(settings().timezone)
    day = moment.astimezone(zone).date()
    today = (now or datetime.now(timezone.utc)).astimezone(zone).date()
    if day >= today:
        return "earlier today"
    if day == today - timedelta(days=1):
        return "yesterday"
    return f"on {day.day} {day:%B}" + ("" if day.year == today.year else f" {day.year}")


# The kind a grant is recorded as: a valid coupon is applied, not honoured. Honouring is the
# once-per-coupon goodwill gesture for an expired coupon; a valid code (WELCOME10 is open to
# everyone) is the customer's due each time, and applying it must not use up its one honouring.
record_kind = stored_kind
# What can be sent again in another size while it still stands: "make the navy one a size L not M".
RESIZABLE = ("exchange", "replacement")


def _the_one_offer(tracker: Tracker, policies: Any) -> Optional[Text]:
    """The option a plain "yes please" takes when the buttons hold one offer beside a person (and "none of
    these"): "yes please" to today's offer with "Talk to a person" under it (blind panel p52 22) is the offer.
    Only news (today's offer, the add-on) or a café's remake ("go on then, I won't say no to a freebie" to "We'll gladly
    make it again", blind panel p73 AG-04): nothing else the records keep is granted on a yes among several."""
    keys = [o.key for o in options_from(last_offer_buttons(tracker)) if not o.declines and o.key != "human"]
    if len(keys) != 1 or keys[0] not in policies.alternatives:
        return None
    return keys[0] if policies.alternatives[keys[0]].kind in ("info", "remake") else None


class ActionApplyAlternative(Action):
    """Grants the alternative the customer picked, within the offer just made.

    Only an alternative that was offered in this case can be granted, at the
    amount the policy set: a customer typing a button payload by hand cannot
    award themselves a credit. A credit, refund, exchange, replacement, remake or
    goodwill coupon is granted once per bill, order or coupon, not once per
    conversation: asked again, it says it is already in place, and since when.
    """

    def name(self) -> Text:
        return "action_apply_alternative"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        policies, queued = catalog(), tracker.get_slot("in_queue")
        choice = tracker.get_slot("alternative")
        offered = tracker.get_slot("offered_alternatives") or []
        granted = list(tracker.get_slot("granted_alternatives") or [])
        changed = await _change_of_mind(dispatcher, tracker, choice)
        entries = settled(tracker)
        if changed is not None:
            granted = [g for g in granted if g != changed]
            entries = settle(entries, changed, catalog().alternatives[changed].kind, None, None, "withdrawn")
        elif (
            choice in granted
            and choice in policies.alternatives
            and policies.alternatives[choice].kind in RESIZABLE
            and (tracker.latest_message or {}).get("repair") == "size_changed"
        ):
            return await _new_size(dispatcher, tracker, entries, policies.alternatives[choice])
        elif choice == "email_followup" and choice in granted and tracker.get_slot("callback_id"):
            # "forget the 2pm call, i dont want a call. just email me" with the team's email already arranged and a call
            # booked since (blind panel p66 T-08: "That's already done for you", the call kept): the call cancelled and
            # said, the email standing.
            dropped = await no_call_after_all(dispatcher, tracker)
            if dropped:
                dispatcher.utter_message(response="utter_email_followup_stands")
                return [*dropped, SlotSet("alternative", None)]
            dispatcher.utter_message(response="utter_alternative_already_done")
            return [SlotSet("alternative", None)]
        elif choice in granted:
            waits = getattr(catalog().alternatives.get(choice), "kind", "") in grant_rules.WAITS_FOR_RETURN
            dispatcher.utter_message(response="utter_alternative_already_done" + ("_return" if waits else ""))
            return [SlotSet("alternative", None)]
        policy = policies.policy(tracker.get_slot("policy_id") or "")
        offers = {o.id: o for o in (*policy.entitled_alternatives, *policy.alternatives)} if policy else {}
        acknowledged = bool((tracker.latest_message or {}).get("acknowledged"))
        typed = str((tracker.latest_message or {}).get("text") or "")
        if not choice and offered and typed and not typed.startswith("/") and not repair.refuses_call(typed):
            # "Yes please, a call would be best." under a café's remake and a person (blind panel p69 Y-08: "Which of
            # these would you like?", the call never offered): a way on that is always open, named in so many words,
            # read before the one offer a plain yes takes.
            named = _always_open_named(typed)
            if named == "callback":
                return [SlotSet("alternative", named), FollowupAction(NEXT_FOR[named])]
            if named == "email_followup":
                choice = named
        if not choice and offered and not acknowledged:
            choice = _the_one_offer(tracker, policies)
        if not choice and offered:
            # "yes please" to several options: ask which, with the same buttons. "ok cool" after an answer
            # (server/dialogue/typed_choices.py): taken in, and which one whenever they're ready.
            which = "utter_which_alternative_taken_in" if acknowledged else "utter_which_alternative"
            dispatcher.utter_message(response=which, buttons=last_offer_buttons(tracker))
            return [SlotSet("alternative", None), *WAIT_FOR_ANSWER]
        if choice and choice not in policies.alternatives:
            # The words themselves ("send it to the ceo office"), read against the ways on that are always open when
            # none of the options on offer took them: what choosing its button does (data/rules/alternatives.yml).
            named = _always_open_named(str(choice))
            if named in NEXT_FOR:
                return [SlotSet("alternative", named), FollowupAction(NEXT_FOR[named])]
            choice = named or choice
        facts_now = tracker.get_slot("case_facts") or {}
        # Delivery updates for an order on its way, asked for in words while other options were offered (blind panel
        # p61 J09: "tracking emails please" after a refund was offered).
        on_its_way = facts_now.get("reference_kind") == "order" and not facts_now.get("order_delivered")
        open_now = ALWAYS_OPEN | ({"delivery_updates"} if on_its_way else set())
        if (choice not in offered and choice not in open_now) or choice not in policies.alternatives:
            had = await done_before(policies, choice, tracker.get_slot("case_facts") or {})
            if had is not None:  # left out of the offer as this record has it already: say so, and since when
                on = granted_on(had.created_at)
                dispatcher.utter_message(response=_granted_before(had.kind), reference=had.reference, granted_on=on)
                # As for any choice that is done: the rule goes on to "anything else?".
                accepted = [
                    SlotSet("accepted_alternative", choice),
                    SlotSet("granted_alternatives", granted + [choice]),
                ]
                return [*accepted, SlotSet("alternative", None)]
            # Say which options there are, as the buttons they were offered with.
            buttons = [b for b in last_offer_buttons(tracker) if not (queued and "human" in str(b.get("payload")))]
            if buttons:
                dispatcher.utter_message(response="utter_alternative_not_available", buttons=buttons)
            else:
                dispatcher.utter_message(response="utter_alternative_nothing_offered")
            return [SlotSet("alternative", None), *WAIT_FOR_ANSWER]

        facts = tracker.get_slot("case_facts") or {}
        alternative = policies.alternatives[choice]
        if (doubt := choice_guard.doubt(dispatcher, tracker, choice, alternative.kind)) is not None:
            return doubt  # "NO. I NEEDED IT FOR SATURDAY" read as the refund: asked which, never granted
        if alternative.kind == "bundle":  # one button, each part granted as itself
            return await bundle.apply(dispatcher, tracker, domain, granted, entries)
        if facts.get("verification_needed") and alternative.kind in RECORDED_KINDS:
            # Nothing granted on a record the customer is not verified for, and nothing about it
            # emailed to an address they typed (actions/verification.py): a person can check.
            buttons = last_offer_buttons(tracker)
            if alternative.kind == "followup":
                dispatcher.utter_message(response="utter_unverified_no_email", buttons=buttons)
            else:
                dispatcher.utter_message(response="utter_alternative_nothing_offered")
            return [SlotSet("alternative", None), *WAIT_FOR_ANSWER]
        asked_only = (tracker.latest_message or {}).get("asked_about") == alternative.id  # "what are updates?"
        if (
            grant_emails.promises_email(alternative.id)
            and not asked_only
            and not await promised.address_for(alternative.id, tracker)
        ):
            # Its reply would say an email is coming, and there is nowhere to send it.
            return promised.without_an_address(alternative.id)
        offer = offers.get(choice)
        amount = offer_amount(offer, facts) if offer else None
        reference = (
            facts.get("coupon_code") if alternative.kind == "honour_coupon" else facts.get("reference")
        ) or None
        done = [
            SlotSet("settled", entries),
            SlotSet("accepted_alternative", alternative.id),
            SlotSet("granted_alternatives", granted + [alternative.id]),
            SlotSet("alternative", None),
        ]
        size = _exchange_size(tracker, facts) if alternative.id == "exchange" else None
        if alternative.kind == "replacement" and f"{alternative.confirm}_size" in domain.get("responses", {}):
            # "overnight yes. but make it a size L, the M was snug on me anyway" (blind panel p64 O-02: "Done", the L
            # dropped): the size asked for with the choice is noted and said.
            size = size_change(str((tracker.latest_message or {}).get("text") or ""))
        # "can they just email me instead?" about a call booked in another chat (blind panel p51 14, 23):
        # that call, cancelled with the email's grant, and the others booked elsewhere said to stand.
        replaced: Optional[Dict[Text, Any]] = None
        standing: List[Dict[Text, Any]] = []
        if alternative.id == "email_followup" and not asked_only:
            replaced, standing = await call_an_email_replaces(tracker)
        if alternative.kind in RECORDED_KINDS:
            note = f"{alternative.id} under {policy.id}" if policy else alternative.id
            note += f", size {size}" if size else ""
            to = await promised.address_for(alternative.id, tracker) if alternative.id == "email_followup" else None
            note += f", to {to}" if to else ""
            if replaced is not None:
                note += f", in place of the call booked in chat {replaced['sender_id']} ({replaced.get('reason')})"
            kind = record_kind(alternative.kind, facts)
            other = await _other_remedy(kind, reference)
            if other is not None and not switchable(other, facts):
                # A refund and an exchange on one order contradict each other: one stands.
                return [SlotSet("alternative", None)] + _remedy_taken(dispatcher, reference, other)
            result = await promised.grant(
                tracker,
                alternative.id,
                kind,
                reference,
                amount,
                note,
                size,
                case_sender_id=replaced["sender_id"] if replaced is not None else None,
                replaces=other.kind if other is not None else None,
            )
            if result.other_remedy:  # granted in another conversation since our look just now
                return [SlotSet("alternative", None)] + _remedy_taken(dispatcher, reference, result.grant)
            if result.switched and other is not None:
                # "i never asked for a refund, i want the navy dress sent" (blind panel p60 G01): the other remedy,
                # arranged in another chat, switched from in the same transaction, and said so first.
                dispatcher.utter_message(
                    response="utter_remedy_switched",
                    reference=reference,
                    remedy=other.kind,
                    granted_on=granted_on(other.created_at),
                )
            if result.granted_before:
                # This record has it already (another conversation, or an earlier case).
                dispatcher.utter_message(
                    response=_granted_before(result.grant.kind),
                    reference=reference,
                    granted_on=granted_on(result.grant.created_at),
                )
                entries = settle(
                    entries,
                    alternative.id,
                    alternative.kind,
                    reference,
                    result.grant.amount,
                    "before",
                    result.grant.created_at,
                )
                return await self._then(dispatcher, tracker, domain, done + [SlotSet("settled", entries)])
        updates_to = None  # where delivery updates go, once signed up for
        if alternative.id == "delivery_updates" and (tracker.latest_message or {}).get("asked_about") != choice:
            already = await promised.updates_already_on(tracker)
            if already:  # signed up for in another chat: said so, no second sign-up email
                dispatcher.utter_message(
                    response="utter_delivery_updates_already_on", reference=facts.get("reference") or "", email=already
                )
                entries = settle(entries, alternative.id, alternative.kind, reference, None, "before")
                return await self._then(dispatcher, tracker, domain, done + [SlotSet("settled", entries)])
            updates_to = await promised.queue_delivery_updates(tracker)  # the sign-up email, before the reply says so
        offer_info = await company().current_offer() if alternative.id == "current_offer" else {}
        confirm = alternative.confirm
        if size and f"{confirm}_size" in domain.get("responses", {}):
            confirm = f"{confirm}_size"  # "in size 8": what they asked for is noted, not asked again
        if facts.get("order_delivered") is False and f"{confirm}_in_transit" in domain.get("responses", {}):
            confirm = f"{confirm}_in_transit"  # a refund for a parcel still on its way: nothing to send back
        extra = {"size": size} if confirm.endswith("_size") else {}
        if alternative.id == "email_followup":
            # "…will email you at maya@example.com…": what they gave, or their address on file.
            extra["email"] = await promised.address_for(alternative.id, tracker) or ""
        cancelled = None  # the call replaced, once cancelled, and the email that says so
        if replaced is not None:
            notice = await notice_for(tracker)
            if await records().cancel_callback(int(replaced["id"]), notice):
                cancelled = notice
                confirm = "utter_confirm_email_instead_of_call"
                # "so the 3pm call is cancelled right?" next: that call, said as this chat's (actions/status.py).
                done.append(
                    SlotSet("case_facts", {**(tracker.get_slot("case_facts") or {}), "call_replaced": replaced["id"]})
                )
                now = datetime.now(ZoneInfo(settings().timezone))
                extra["callback_when"] = spoken_time(replaced["local"].astimezone(now.tzinfo), now)
        dispatcher.utter_message(
            response=confirm,
            **extra,
            amount=money(amount),
            item=facts.get("order_item")
            or facts.get("item_asked_for")
            or tracker.get_slot("item")
            or facts.get("item_named")
            or "order",
            coupon_code=facts.get("coupon_code", ""),
            coupon_percent=facts.get("coupon_percent", ""),
            offer_code=offer_info.get("code", ""),
            offer_percent=offer_info.get("percent", ""),
            reference=facts.get("reference") or "",
            item_wanted=facts.get("item_asked_for") or "",
        )
        promised.tell_updates_address(dispatcher, tracker, updates_to)
        if cancelled is not None and replaced is not None:
            tell_email(dispatcher, cancelled, replaced["phone"])
        for call in standing:  # more than one booked elsewhere, and none named: each said to stand
            when, phone_end = said_of(call)
            dispatcher.utter_message(
                response="utter_status_call_booked_elsewhere_also", callback_when=when, phone_end=phone_end
            )
        if (tracker.latest_message or {}).get("asked_about") == alternative.id:
            # "what does the add-on cost?": told, nothing taken, and the offer stays open.
            return [SlotSet("alternative", None)] + resume(dispatcher, tracker)
        latest = tracker.latest_message or {}
        more = _also_chosen(tracker)
        if not more:
            # A question asked beside the choice ("the refund pls. do i need the box?").
            # Its placeholders filled ("today's code is {offer_code}": blind panel p37).
            # One whose news the confirmation has just given ("nothing to send back" with a refund for an order not
            # come, a conversation of our own, 5 December) is not said again in other words.
            said = {m.get("response") for m in dispatcher.messages}
            answers = [a for a in latest.get("answers") or [] if not told_already(a, said)]
            answers, values = await fitted_answers(tracker, domain, answers)
            say_answers(dispatcher, domain, answers, tracker, **values)
        if alternative.id == "delivery_updates" and asks_every_call(latest.get("text") or ""):
            # "dont call at all, im in meetings all day. just email me tracking updates" with a call booked (blind
            # panel p62 K03: the call left standing, unsaid): every call of theirs cancelled, and said.
            everywhere = await booked_calls(tracker, elsewhere=True)
            if everywhere:
                done += await cancel_every(dispatcher, tracker, everywhere)
        elif alternative.id == "delivery_updates" and (
            cancels_booked(latest.get("text") or "") or CANCEL_IT.search(latest.get("text") or "")
        ):
            # "Let us not bother with the call then. Please cancel it and just email me the tracking updates." (blind
            # panel p64 O-03: the email set up, the call silently kept): the call named, cancelled and said.
            if len(await booked_calls(tracker)) == 1:  # the one this chat booked; more are asked about in words
                done += await cancel_named(dispatcher, tracker, latest.get("text") or "")
        if alternative.id == "email_followup":
            done += await no_call_after_all(dispatcher, tracker) + [SlotSet("in_queue", None)] * bool(queued)
            if queued:  # written to instead of waiting (promised.grant): out of the queue, and said so
                dispatcher.utter_message(response="utter_queue_left_for_email")
        kind = record_kind(alternative.kind, facts)
        done.append(SlotSet("settled", settle(entries, alternative.id, kind, reference, amount, "done")))
        if more:
            # "the credit pls and also email me the tracking": the next one, in the same turn.
            return done + await self.run(dispatcher, _after(tracker, done, more), domain)
        # Settled: a second problem from the customer's first message comes next.
        back = come_back(dispatcher, tracker, domain)
        if not back and repair.closes_after(str(latest.get("text") or "")):
            # "Very well, the first one, the ten per cent. Good day." (blind panel p64 O-11): closed, never "anything
            # else?" after a goodbye.
            from actions.closing import close_after  # (it imports actions that import this one)

            return await close_after(dispatcher, tracker, domain, done)
        return done + back

    async def _then(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], done: List[EventType]
    ) -> List[EventType]:
        """After an option the record had already: the next one taken in the same message ("the credit
        pls and also email me the tracking" with the updates on since another chat), else the way on."""
        more = _also_chosen(tracker)
        if more:
            return done + await self.run(dispatcher, _after(tracker, done, more), domain)
        return done + come_back(dispatcher, tracker, domain)


def _also_chosen(tracker: Tracker) -> List[Text]:
    """The other options taken in the same message, still to do: offered, not granted, not this one."""
    taken = (tracker.get_slot("granted_alternatives") or []) + [tracker.get_slot("alternative")]
    offered = tracker.get_slot("offered_alternatives") or []
    return [a for a in (tracker.latest_message or {}).get("also_choose") or [] if a not in taken and a in offered]


def _after(tracker: Tracker, events: List[EventType], more: List[Text]) -> Tracker:
    """The tracker as it stands after ``events``, with the next option taken in the same message."""
    following = after_events(tracker, events)
    following.slots["alternative"] = more[0]
    following.latest_message = dict(tracker.latest_message or {}, also_choose=more[1:])
    return following


async def _new_size(
    dispatcher: CollectingDispatcher, tracker: Tracker, entries: List[Dict[Text, Any]], alternative: Alternative
) -> List[EventType]:
    """ "actually make it a 10.5", "make the navy one a size L not M": the exchange or replacement started in this
    chat, recorded again in the new size (the company told of both, and a fresh email with the new size)."""
    size = size_change((tracker.latest_message or {}).get("text") or "")
    facts = tracker.get_slot("case_facts") or {}
    reference = facts.get("reference") or None
    policy = tracker.get_slot("policy_id") or ""
    kind = alternative.kind
    earlier = await company().granted(kind, reference)
    noted = re.search(r"\bsize ([\w.]+)", earlier.note or "") if earlier is not None else None
    if size and noted and noted.group(1).lower() == size.lower():
        # "i already told you size 10" with size 10 noted (blind panel p45 03): said to stand, never "changed".
        dispatcher.utter_message(response=f"utter_{kind}_size_same", reference=reference or "", size=size)
        return [SlotSet("alternative", None)]
    await company().withdraw(kind, reference, facts.get("customer_id"), tracker.sender_id)
    note = f"{alternative.id} under {policy}, size {size}" if policy else f"{alternative.id}, size {size}"
    await promised.grant(tracker, alternative.id, kind, reference, None, note, size)
    dispatcher.utter_message(response=f"utter_{kind}_size_changed", reference=reference or "", size=size)
    return [
        SlotSet("alternative", None),
        SlotSet("settled", settle(entries, alternative.id, kind, reference, None, "done")),
    ]


# "I SAID i dont want it. cancel it. and sign me up for the tracking emails" (blind panel p65 Q-04: the call kept for
# the third time): with the updates chosen, "it" is the call this chat booked.
CANCEL_IT = re.compile(r"\b(?:cancel|scrap|drop)\s+(?:it|that)\b", re.I)


def _exchange_size(tracker: Tracker, facts: Dict[Text, Any]) -> Optional[Text]:
    """The size the exchange is for: named with the choice first ("exchange, 9.5 pls", blind panel p65 Q-03: started in
    size 9, the size they have), else the last one asked for; never the size that went out ("size 9 pinches")."""
    size = size_change(str((tracker.latest_message or {}).get("text") or "")) or size_wanted(
        _recent_user_texts(tracker)
    )
    sent = str(facts.get("shipped") or facts.get("ordered") or "")
    if size and re.search(rf"\bsize\s+{re.escape(size)}\b", sent, re.I):
        return None
    return size


def _recent_user_texts(tracker: Tracker, count: int = 6) -> List[Text]:
    """The customer's last few messages, oldest first (where a size asked for is said)."""
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return said[-count:]


async def _change_of_mind(dispatcher: CollectingDispatcher, tracker: Tracker, choice: Text) -> Optional[Text]:
    """ "I meant the refund" right after the exchange: the exchange is taken back first.

    Only what the records hold can be taken back (a credit, refund, exchange...);
    a call or a person already arranged stays. Returns the alternative taken back.
    """
    accepted = tracker.get_slot("accepted_alternative")
    if (tracker.latest_message or {}).get("repair") != "choice_changed" or not accepted or accepted == choice:
        return None
    earlier = catalog().alternatives.get(accepted)
    if earlier is None or earlier.kind not in RECORDED_KINDS - {"followup"}:
        return None
    facts = tracker.get_slot("case_facts") or {}
    reference = (facts.get("coupon_code") if earlier.kind == "honour_coupon" else facts.get("reference")) or None
    await company().withdraw(record_kind(earlier.kind, facts), reference, facts.get("customer_id"), tracker.sender_id)
    dispatcher.utter_message(response="utter_choice_changed")
    return accepted


def _always_open_named(words: Text) -> Optional[Text]:
    """The one always-open way on whose choice words (catalog/choice_words.yml) the words name, or None."""
    named = [a for a in sorted(ALWAYS_OPEN) if (found := choice_pattern(a)) is not None and found.search(words)]
    return named[0] if len(named) == 1 else None


async def _other_remedy(kind: Text, reference: Optional[Text]) -> Optional[Grant]:
    """Another remedy already granted for this order, from any conversation (the rule the desk
    keeps too: gracious/stores/grants.py)."""
    if kind not in grant_rules.REMEDIES or not reference:
        return None
    return await company().run(grant_rules.other_remedy, kind, reference)


def switchable(other: Grant, facts: Dict[Text, Any], now: Optional[datetime] = None) -> bool:
    """Whether the order's other remedy can give way to the one chosen now: the same customer's, and nothing of it
    has moved yet (grants.switchable)."""
    zone = ZoneInfo(settings().timezone)
    today = (now or datetime.now(timezone.utc)).astimezone(zone).date()
    granted_day = other.created_at.astimezone(zone).date()
    return grant_rules.switchable(other.kind, granted_day, today, other.customer_id, facts.get("customer_id"))


def _remedy_taken(dispatcher: CollectingDispatcher, reference: Optional[Text], other: Grant) -> List[EventType]:
    dispatcher.utter_message(
        response="utter_remedy_already_chosen",
        reference=reference,
        remedy=other.kind,
        granted_on=granted_on(other.created_at),
    )
    return []
