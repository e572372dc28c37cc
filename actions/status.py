"""action_where_things_stand: "is the exchange cancelled?", "is the 7pm call still on?".

A customer who has changed their mind, or come back later, asks where things stand.
The answer comes from what this conversation settled (the `settled` slot, written by
action_apply_alternative as each grant is made or taken back) and from the calls
booked for it in the records, never from what was merely said. Each line is a
designer's response: `utter_status_<alternative>` for what stands,
`utter_status_withdrawn` for what was taken back, `utter_status_call_*` for calls.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import status_records, verification
from actions.callback_cancel import at_clock, calls_elsewhere, named_time
from actions.callback_notice import notice_for, tell_email
from actions.case import money
from actions.digression import PERSON_BUTTON, answers_heard, resume
from actions.hours import spoken_time
from actions.offer_alternatives import first_text
from gracious import places
from gracious.dropped_call import clock_named
from gracious.references import find, normalize_reference
from gracious.repair import MORE_THAN_ONE_CALL, named_kinds
from gracious.settings import settings
from gracious.signals import PLACE_TOLD, asks_to_stop_updates
from gracious.stores import company, handoff_queue, records
from gracious.stores.callback_changes import local_time

# How a grant taken back is named: "The exchange for LK-10422 is cancelled."
WITHDRAWN_NAMES = {
    "refund": "refund",
    "exchange": "exchange",
    "replacement": "replacement",
    "credit": "credit",
    "remake": "remake",
    "honour_coupon": "coupon",
    "coupon_applied": "coupon",
    "followup": "email",
}


def settled(tracker: Tracker) -> List[Dict[Text, Any]]:
    """What this conversation settled so far (a copy of the `settled` slot)."""
    return [dict(e) for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]


def settle(
    entries: List[Dict[Text, Any]],
    alternative: Text,
    kind: Text,
    reference: Optional[Text],
    amount: Optional[float],
    state: Text,
    at: Optional[datetime] = None,
) -> List[Dict[Text, Any]]:
    """``entries`` with a grant made ("done"), found made before ("before") or taken back ("withdrawn")."""
    if state == "withdrawn":
        standing = [e for e in entries if e.get("alternative") == alternative and e.get("state") != "withdrawn"]
        if standing:
            standing[-1]["state"] = "withdrawn"
        return entries
    entries = [e for e in entries if not (e.get("alternative") == alternative and e.get("reference") == reference)]
    moment = (at or datetime.now(timezone.utc)).isoformat()
    entries.append(
        {
            "alternative": alternative,
            "kind": kind,
            "reference": reference,
            "amount": amount,
            "state": state,
            "at": moment,
        }
    )
    return entries


# "is the email from your team still happening yes or no", "so it's still on right?" (blind panel p52 21): the yes first.
ASKED_IF_STILL_ON = re.compile(
    r"\byes or no\b|\bstill\s+(?:happening|on|coming|going ahead|going to happen|gonna happen|booked|valid|set up)\b"
    r"|\b(?:right|yeah|yes|correct)\s*\?",
    re.I,
)


def _status_line(
    dispatcher: CollectingDispatcher, domain: Dict[Text, Any], entry: Dict[Text, Any], text: Text = ""
) -> bool:
    reference = entry.get("reference") or ""
    if entry.get("state") == "withdrawn":
        what = WITHDRAWN_NAMES.get(entry.get("kind") or "", "")
        if not what:
            return False
        if reference:
            dispatcher.utter_message(response="utter_status_withdrawn", what=what, reference=reference)
        else:
            dispatcher.utter_message(response="utter_status_withdrawn_plain", what=what)
        return True
    key = f"utter_status_{entry.get('alternative')}"
    if key not in (domain.get("responses") or {}):
        return False
    if ASKED_IF_STILL_ON.search(text) and f"{key}_yes" in (domain.get("responses") or {}):
        key += "_yes"
    amount = entry.get("amount")
    dispatcher.utter_message(response=key, reference=reference, amount=money(amount))
    return True


# "so the 4:30 call is cancelled right?", "is the call off?", "you called it off, yes?", "the 4pm one is gone right?"
ASKED_IF_CANCELLED = re.compile(
    r"\b(?:cancel+ed|called\s+off|(?:call|it)\s+(?:is\s+|'s\s+)?off)\b"
    r"|\b(?:one|call)\s+(?:is\s+|'s\s+)?(?:gone|off)\b",
    re.I,
)


def _at(call: Dict[str, Any], named: Tuple[int, int]) -> bool:
    """Whether the booked call (its row, in UTC) is at the clock time named."""
    return at_clock(call["scheduled_for"].replace(tzinfo=timezone.utc).astimezone(ZoneInfo(settings().timezone)), named)


def _call_lines(
    dispatcher: CollectingDispatcher, calls: List[Dict[str, Any]], elsewhere: List[Dict[str, Any]], text: Text = ""
) -> bool:
    """This chat's call as it stands (``calls``, its rows), and the calls still booked for the customer in
    their other chats (blind panel p39 17: "and the 11am one is still on?" after this chat's 5pm call was
    cancelled). Asked whether there are two, exactly one call booked in all is "just the one" (blind panel p50 18)."""
    booked = [c for c in calls if c.get("status") == "booked"]
    asked_off = bool(ASKED_IF_CANCELLED.search(text))
    named_off = clock_named(text) if asked_off else None
    if booked and not elsewhere and named_off is not None and not any(_at(c, named_off) for c in booked):
        # "so the 4pm one is gone right? i dont want two calls" once it was moved to 4:45 (blind panel p52 14): yes,
        # and the one call there is.
        when, phone_end = said_of(booked[-1])
        dispatcher.utter_message(
            response="utter_status_call_gone_from",
            callback_when=when,
            phone_end=phone_end,
            named_time=named_time(named_off),
        )
        return True
    if booked and asked_off:
        when, phone_end = said_of(booked[-1])
        dispatcher.utter_message(response="utter_status_call_not_cancelled", callback_when=when, phone_end=phone_end)
    elif len(booked) == 1 and not elsewhere and MORE_THAN_ONE_CALL.search(text):
        when, phone_end = said_of(booked[-1])
        # "how many calls do i have booked": a count, said without the "No" that answers "do I have two?".
        one = (
            "utter_status_call_just_one_count"
            if re.search(r"\bhow\s+many\b", text, re.I)
            else "utter_status_call_just_one"
        )
        dispatcher.utter_message(response=one, callback_when=when, phone_end=phone_end)
    elif booked:
        when, phone_end = said_of(booked[-1])
        # "did you change my call to 4:30?" (blind panel p51 13): the yes or the no first, by the time named.
        named = clock_named(text) if "?" in text else None
        line = "utter_status_call_booked"
        if named is not None:
            line += "_yes" if _at(booked[-1], named) else "_not_then"
        dispatcher.utter_message(response=line, callback_when=when, phone_end=phone_end)
    elif calls and calls[-1].get("status") == "cancelled":
        # "nobody will ring you" only when no other call of theirs is booked.
        cancelled = "utter_status_call_cancelled_other" if elsewhere else "utter_status_call_cancelled"
        cancelled += "_yes" if asked_off and not elsewhere else ""
        dispatcher.utter_message(response=cancelled, callback_when=said_of(calls[-1])[0])
    said = bool(booked or (calls and calls[-1].get("status") == "cancelled"))
    for call in elsewhere:
        when, phone_end = said_of(call)
        line = "utter_status_call_booked_elsewhere_also" if said else "utter_status_call_booked_elsewhere"
        if asked_off and not said:
            line = "utter_status_call_elsewhere_not_cancelled"
        dispatcher.utter_message(response=line, callback_when=when, phone_end=phone_end)
        said = True
    return said


async def note_on_call(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """ "just make sure they know its about moving the brunch inside" (blind panel p51 20): the words on the booked
    call's notes, where whoever rings reads them (the desk's call list); said only once written."""
    booked = tracker.get_slot("callback_id")
    call = await records().callback(int(booked)) if booked and str(booked).isdigit() else None
    adopted: List[EventType] = []
    if not call or call.get("status") != "booked":
        # "i already have a call with you tomorrow at 4:45, can they sort the jacket on that same call?" in a new chat
        # (blind panel p52 20): the one call booked in another chat of theirs.
        elsewhere = await calls_elsewhere(tracker)
        named = clock_named(text)
        at_that_time = [c for c in elsewhere if named and at_clock(local_time(c["scheduled_for"]), named)]
        # "i already have a call booked at 9:30 ... cover this on the same call" (blind panel p54 A09): the call at the
        # time named, when there are more; the first of two at that time.
        call = elsewhere[0] if len(elsewhere) == 1 else (at_that_time[0] if at_that_time else None)
        adopted = adopt_call_elsewhere(tracker, [], [call]) if call else []
    booking = tracker.active_loop.get("name") == "callback_form"
    if not call:
        # Said while this call's time is asked, with no other call of theirs found: this call is the one that
        # covers it, so its time is asked again (never "no call is booked" in the middle of booking one).
        dispatcher.utter_message(response="utter_no_other_call_book_this" if booking else "utter_status_no_call")
        return resume(dispatcher, tracker)
    # What the call is now also about: the case told in this chat, then these words.
    told = str(tracker.get_slot("case_details") or "")
    note = f"{told}\n{text}" if told and told not in text else text
    await records().note_on_call(int(call["id"]), note)
    when, _ = said_of(call)
    dispatcher.utter_message(response="utter_call_note_added", callback_when=when)
    if booking:
        # Said while a new call's time was asked: that call takes it up, so no second call is booked.
        dispatcher.utter_message(response="utter_anything_else")
        return adopted + [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
    return adopted + resume(dispatcher, tracker)


def adopt_call_elsewhere(
    tracker: Tracker, calls: List[Dict[str, Any]], elsewhere: List[Dict[str, Any]]
) -> List[EventType]:
    """The one call booked in another chat of the customer's (``elsewhere``), as this chat's call, when
    this chat (``calls``, its rows) has none booked: "move it to 2pm" or "cancel it" next acts on that
    call, on its own number, never books a second (blind panel p39 17)."""
    if tracker.get_slot("callback_id") and any(c.get("status") == "booked" for c in calls):
        return []
    if len(elsewhere) != 1:
        return []
    call = elsewhere[0]
    return [SlotSet("callback_id", str(call["id"])), SlotSet("callback_phone", str(call.get("phone") or ""))]


def said_of(call: Dict[str, Any]) -> Tuple[Text, Text]:
    """A booked call's time as said to the customer, and the last four digits of its number."""
    zone = ZoneInfo(settings().timezone)
    when = spoken_time(call["scheduled_for"].replace(tzinfo=timezone.utc).astimezone(zone), datetime.now(zone))
    return when, re.sub(r"\D", "", str(call.get("phone") or ""))[-4:]


# What "no exchange was started" is said of, in this order.
NOT_STARTED_ORDER = ["exchange", "refund", "replacement", "credit", "remake", "coupon", "email"]
NOT_STARTED = set(NOT_STARTED_ORDER)
# One of these stands for an order: asked about one, the others are said too.
REMEDIES = {"refund", "exchange", "replacement"}
CALL = re.compile(r"\bcall(?:s|ing|ed)?\b|\bring(?:ing)? me\b", re.I)


async def _not_started(
    dispatcher: CollectingDispatcher,
    entries: List[Dict[Text, Any]],
    text: Text,
    reference: Optional[Text],
    verified: bool,
    answered: frozenset = frozenset(),
) -> bool:
    """ "is the exchange cancelled?" when no exchange was started in this chat: what the
    records hold for the order or bill (arranged in another chat), or, plainly, none."""
    said = False
    kinds = {WITHDRAWN_NAMES.get(e.get("kind") or "", "") for e in entries}
    for kind in sorted(named_kinds(text) & NOT_STARTED, key=NOT_STARTED_ORDER.index):
        if kind not in kinds and kind not in answered:
            stored = {"coupon": "honour_coupon", "email": "followup"}.get(kind, kind)
            # What another chat arranged is the account's business: said only once verified.
            before = await company().granted(stored, reference) if reference and verified else None
            if before is not None:
                from actions.apply_alternative import granted_on  # (it imports this module)

                dispatcher.utter_message(
                    response="utter_status_arranged_before",
                    what=kind,
                    reference=reference,
                    granted_on=granted_on(before.created_at),
                )
            elif reference and verified:
                # The records were read: nothing for this record, from any chat.
                dispatcher.utter_message(response="utter_status_not_started", what=kind, reference=reference)
            else:
                # Not verified for the record (or none named): only this chat is known, and said so.
                dispatcher.utter_message(response="utter_status_not_started_plain", what=kind)
            said = True
    return said


# What the company's systems applied, as the status names it.
APPLIED_NAMES = {"credit": "credit", "refund": "refund", "replacement": "replacement", "exchange": "exchange"}


async def _applied_lines(
    dispatcher: CollectingDispatcher, reference: Optional[Text], named: set, verified: bool
) -> bool:
    """ "did the credit go through?": what the company's systems applied to the bill or order
    (the demo company's receiver, server/company/receiver.py), each said once; only to a
    customer verified for the record, and only the kinds asked about when some are named."""
    if not reference or not verified:
        return False
    record = await (company().bill if reference.upper().startswith("BL-") else company().order)(reference)
    if record is None:
        return False
    said = False
    for item in record.applied:
        kind = APPLIED_NAMES.get(item.event)
        if kind is None or (named and kind not in named and not (kind in REMEDIES and named & REMEDIES)):
            continue
        from actions.apply_alternative import granted_on  # (it imports this module)

        what = f"{kind} of {money(item.amount)}" if item.amount else kind
        dispatcher.utter_message(
            response="utter_status_applied", reference=record.id, what=what, granted_on=granted_on(item.applied_at)
        )
        said = True
    return said


async def _change_number(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """ "use 555 0142 instead": the booked call stays at its time, on the new number."""
    phones = [f.value for f in find(text) if f.entity == "phone" and len(re.sub(r"\D", "", f.value)) >= 7]
    booked = tracker.get_slot("callback_id")
    call = await records().callback(int(booked)) if booked else None
    if not phones or not call or call.get("status") != "booked":
        dispatcher.utter_message(response="utter_status_no_call")
        return []
    phone = phones[-1]
    zone = ZoneInfo(settings().timezone)
    if re.sub(r"\D", "", phone)[-7:] == re.sub(r"\D", "", str(call.get("phone") or ""))[-7:]:
        # "555 0134" typed after the call was booked on that very number (the account's): nothing changes.
        when = spoken_time(call["scheduled_for"].astimezone(zone), datetime.now(zone))
        dispatcher.utter_message(
            response="utter_callback_number_same", callback_when=when, phone_tail=re.sub(r"\D", "", phone)[-4:]
        )
        return [SlotSet("callback_phone", call.get("phone"))]
    notice = await notice_for(tracker)
    if not await records().move_callback(int(booked), call["scheduled_for"], phone, notice):
        dispatcher.utter_message(response="utter_status_no_call")
        return []
    when = spoken_time(call["scheduled_for"].astimezone(zone), datetime.now(zone))
    dispatcher.utter_message(
        response="utter_callback_number_changed", callback_when=when, phone_tail=re.sub(r"\D", "", phone)[-4:]
    )
    tell_email(dispatcher, notice, phone)
    return [SlotSet("callback_phone", phone)]


async def _place(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """ "it was riverside not station" (blind panel p54 A12): the place on the case put right, and on the notes of a
    call booked for it; "which cafe did you write down?": the place on the case."""
    told = str(tracker.get_slot("case_details") or "")
    changed = places.place_corrected(text, told)
    if changed is None:
        dispatcher.utter_message(response="utter_place_asked", place=places.spoken(places.place_named(told) or ""))
        return resume(dispatcher, tracker)
    new, old = changed
    booked = tracker.get_slot("callback_id")
    if booked and str(booked).isdigit():
        await records().note_on_call(int(booked), text)  # whoever rings reads the right place
    handoff = tracker.get_slot("handoff_id")
    # A card already at the desk names the right place too: the reply says the old one isn't named.
    await records().run(
        handoff_queue.correct_place,
        int(handoff) if handoff and str(handoff).isdigit() else None,
        int(booked) if booked and str(booked).isdigit() else None,
        old,
        new,
    )
    dispatcher.utter_message(
        response="utter_place_corrected", new_place=places.spoken(new), old_place=places.spoken(old)
    )
    return [SlotSet("case_details", places.corrected_details(told, old, new))] + resume(dispatcher, tracker)


async def _updates_order(tracker: Tracker, facts: Dict[Text, Any]) -> Tuple[Text, Optional[Text]]:
    """The order whose update emails are to stop, and its customer when this conversation is verified for them: one
    named now ("about LK-10423"), the case's, or the signed-in customer's order named by its item ("for my grinder",
    with no case open); ("", None) when none is known."""
    named = [
        normalize_reference(e["value"]) or ""
        for e in (tracker.latest_message or {}).get("entities") or []
        if e.get("entity") == "order_id" and e.get("value")
    ]
    reference = named[0] if named else str(facts.get("reference") or tracker.get_slot("order_id") or "")
    if reference.upper().startswith("BL"):
        reference = ""
    customer = verification.known_customer(tracker)
    if not reference and customer:
        text = str((tracker.latest_message or {}).get("text") or "")
        reference = await company().order_named(customer, text) or ""
    if not reference:
        return "", None
    if facts.get("reference") == reference and facts.get("verified") is True and facts.get("customer_id"):
        return reference, str(facts["customer_id"])
    record = await company().order(reference)
    if record is None:
        return reference, None
    return record.id, (record.customer_id if verification.is_verified(tracker, record.customer_id) else None)


async def _answers_beside(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> None:
    """The designers' answers to the other questions of a message read for something else ("wait so when do i actually
    get the 45 back if it never shows up? and can u stop the tracking emails now": blind panel p54 B12), said first,
    in the message's order; a question none fits is left unanswered, never guessed at."""
    from actions.digression import fitted_answers, say_answers
    from gracious.answers import earlier, find_answers, parts

    text = str((tracker.latest_message or {}).get("text") or "")
    others = " ".join(p for p in parts(text) if not asks_to_stop_updates(p))
    if not others:
        return
    granted = [str(e.get("alternative")) for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]
    granted += earlier(tracker.get_slot("case_facts"))
    found = find_answers(others, tracker.get_slot("case_type"), granted, False, tracker.get_slot("policy_id"))
    wanted = [a.response for a in found if a.response in domain.get("responses", {})]
    if wanted:
        wanted, values = await fitted_answers(tracker, domain, wanted)
        say_answers(dispatcher, domain, wanted, tracker, **values)


async def _stop_updates(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
    """ "please STOP the tracking update emails for the grinder" (blind panel p54 B12): no more update emails about the
    order in hand, once the customer is verified for it; said only once written. A question beside it is answered
    first."""
    await _answers_beside(dispatcher, tracker, domain)
    facts = tracker.get_slot("case_facts") or {}
    reference, owner = await _updates_order(tracker, facts)
    if not reference:
        dispatcher.utter_message(response="utter_updates_stop_which")
        return resume(dispatcher, tracker)
    if not owner:
        dispatcher.utter_message(response="utter_updates_stop_verify", reference=reference)
        return resume(dispatcher, tracker)
    from gracious.stores import clock, notices

    now = clock.now()
    notices.ensure_tables(company().engine)  # a database made before them
    stopped = await company().run(lambda conn: notices.stop_updates(conn, reference, owner, tracker.sender_id, now))
    dispatcher.utter_message(
        response="utter_updates_stopped" if stopped else "utter_updates_stopped_already", reference=reference
    )
    in_hand = facts.get("reference") == reference
    kept = SlotSet("case_facts", {**facts, "updates_on": False, "updates_stopped": True}) if in_hand else None
    return ([kept] if kept else []) + resume(dispatcher, tracker, leave_out=("delivery_updates",))


async def _other_address(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[EventType]:
    """ "can you send them to priya.natarajan@fastmail.com instead" once the tracking emails or the team's note were set
    up (blind panel p73 AG-03): where they go, said truly. Nothing of an account goes to an address we haven't checked,
    and a note promised to one address is not moved from this chat: a person can change either."""
    from actions import promised  # (it imports actions that import this one)

    asked = next(
        (
            str(e.get("value") or "")
            for e in reversed((tracker.latest_message or {}).get("entities") or [])
            if e.get("entity") == "email"
        ),
        "",
    )
    granted = tracker.get_slot("granted_alternatives") or []
    updates = "delivery_updates" in granted
    newest = await status_records.sent_here_to(tracker)
    going_to = newest[0] if newest else (await promised.verified_address(tracker) if updates else None)
    if going_to and asked.lower() == going_to.lower():
        dispatcher.utter_message(response="utter_other_address_same", email=going_to)
        return resume(dispatcher, tracker)
    response = "utter_other_address_unknown"
    if newest and newest[1].startswith("return_label"):
        # "send the label to maya.work@gmail.com instead" after a refund (a conversation of our own, 7 December: said
        # nothing, and the label went to the account's address): where it went, and who can send it elsewhere.
        response = "utter_other_address_label"
    elif going_to:
        response = "utter_other_address_updates" if updates else "utter_other_address_note"
    if response in answers_heard(tracker) and f"{response}_again" in domain.get("responses", {}):
        response += "_again"  # "so will the updates go to the fastmail address now?": never the same paragraph twice
    person = dict(PERSON_BUTTON, title=first_text(domain, "utter_offer_human"))
    dispatcher.utter_message(response=response, email=going_to or "", buttons=[person])
    return []


async def _safety_next(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """ "what are you going to do about it", "i want my money back and the barista spoken to" after a reaction to
    what a café served, with a person or a call on the way (server/dialogue/repair.py SAFETY_NEXT): what happens
    now and who does it, never a café remake nor a goodwill limit offered for harm done."""
    from actions.callback_cancel import booked_calls  # (it imports actions that import this one)

    booked = await booked_calls(tracker)
    heard = answers_heard(tracker)
    response = "utter_safety_next_call" if booked else "utter_safety_next_person"
    if PLACE_TOLD.search(str((tracker.latest_message or {}).get("text") or "")):
        # "will someone actually tell that cafe?" (blind panel p54 A04): yes or no first.
        response = "utter_safety_next_told_call" if booked else "utter_safety_next_told"
    if not booked and "email_followup" in (tracker.get_slot("granted_alternatives") or []):
        response += "_email"  # "email only pls" (blind panel p55 D01): the person who writes, never "tell me a time"
    if response in heard:
        response += "_again"  # asked again: shorter, never the same paragraph word for word
    if booked:
        now = datetime.now(ZoneInfo(settings().timezone))
        when = spoken_time(booked[0]["local"].astimezone(now.tzinfo), now)
        dispatcher.utter_message(response=response, callback_when=when)
    else:
        dispatcher.utter_message(response=response)
    return []


class ActionWhereThingsStand(Action):
    """What this conversation has settled, as it stands in the records now."""

    def name(self) -> Text:
        return "action_where_things_stand"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if (tracker.latest_message or {}).get("repair") == "phone_change":
            return await _change_number(dispatcher, tracker, text)
        if (tracker.latest_message or {}).get("repair") == "call_note":
            return await note_on_call(dispatcher, tracker, text)
        if (tracker.latest_message or {}).get("repair") == "safety_next":
            return await _safety_next(dispatcher, tracker)
        if (tracker.latest_message or {}).get("repair") in ("place_changed", "place_asked"):
            return await _place(dispatcher, tracker, text)
        if (tracker.latest_message or {}).get("repair") == "stop_updates":
            return await _stop_updates(dispatcher, tracker, domain)
        if (tracker.latest_message or {}).get("repair") == "other_one":
            from actions.second_problem import other_one  # (it imports actions that import this one)

            return other_one(dispatcher, tracker, domain)
        if (tracker.latest_message or {}).get("repair") == "left_queue":
            # "am i still in the queue?" once out of it (server/dialogue/waiting.after_leaving): why not.
            from actions.waiting import left_queue_question

            return await left_queue_question(dispatcher, tracker)
        if (tracker.latest_message or {}).get("repair") == "other_address":
            return await _other_address(dispatcher, tracker, domain)
        if (tracker.latest_message or {}).get("repair") == "resend":
            # "can you just resend the return label email" (blind panel p50 24): the email itself, sent again.
            reference = ((tracker.get_slot("case_facts") or {}).get("reference")) or ""
            reply, values = await status_records.resend(tracker, text, reference)
            person = dict(PERSON_BUTTON, title=first_text(domain, "utter_offer_human"))
            buttons = [] if reply == "utter_resend_done" else [person]
            dispatcher.utter_message(response=reply, buttons=buttons, **values)
            return resume(dispatcher, tracker)
        entries = [e for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]
        named_order = [
            e.get("value")
            for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == "order_id" and e.get("value")
        ]
        # "did you refund the jacket LK-10424 or not?": that order's records, not the case's.
        reference = (
            normalize_reference(named_order[-1])
            if named_order
            else (((tracker.get_slot("case_facts") or {}).get("reference")) or "")
        )
        if named_order:
            entries = [e for e in entries if e.get("reference") == reference]
        named = named_kinds(text)
        asks_call = bool(CALL.search(text))
        said = False
        for entry in entries:
            kind = WITHDRAWN_NAMES.get(entry.get("kind") or "")
            if named and kind not in named and not (kind in REMEDIES and named & REMEDIES):
                continue  # "is the exchange cancelled?" is about the order's remedy, not the credit
            if asks_call and not named:
                continue  # "is the call still on?" is about the call
            said = _status_line(dispatcher, domain, entry, text) or said
        verified = verification.is_verified(tracker, await verification.owner_of(reference))
        # The outbox's own rows answer "did you send that email?"; another chat's grants, "did it go through?".
        mailed = status_records.asks_about_mail(text) and await status_records.email_lines(
            dispatcher, tracker, text, reference or ""
        )
        answered = ({"email"} if mailed else set()) | (
            await status_records.account_grant_lines(dispatcher, tracker, named)
            if not (entries or reference)
            else set()
        )
        if not (entries or reference) and verification.known_customer(tracker):
            # "my refund for the dress still hasnt shown up" in a new chat, with none on the account (a panel of our
            # own, 4 December): said of the account, never only "No refund was started in this chat".
            person = dict(PERSON_BUTTON, title=first_text(domain, "utter_offer_human"))
            for kind in sorted((named & set(status_records.GRANT_KINDS)) - answered):
                dispatcher.utter_message(response="utter_status_none_on_account", what=kind, buttons=[person])
                answered.add(kind)
        said = bool(answered) or said
        said = await _not_started(dispatcher, entries, text, reference, verified, frozenset(answered)) or said
        said = await _applied_lines(dispatcher, reference, named, verified) or said
        adopted: List[EventType] = []
        if asks_call or not named:
            # Read once, for the lines and for the call this chat takes on (review of stop 38).
            rows = await records().rows("callbacks", tracker.sender_id)
            elsewhere = await calls_elsewhere(tracker)
            # The call this chat took on from another (moved here, blind panel p50 18) is said as this chat's.
            taken_on = [c for c in elsewhere if str(c["id"]) == str(tracker.get_slot("callback_id") or "")]
            if taken_on and not any(c.get("status") == "booked" for c in rows):
                rows, elsewhere = [*rows, *taken_on], [c for c in elsewhere if c not in taken_on]
            # The call this chat cancelled for an email instead (actions/apply_alternative.py, blind panel p51 14).
            replaced = (tracker.get_slot("case_facts") or {}).get("call_replaced")
            if replaced and not rows and str(replaced).isdigit():
                rows = [c for c in [await records().callback(int(replaced))] if c]
            calls = _call_lines(dispatcher, rows, elsewhere, text)
            if not calls and asks_call:
                dispatcher.utter_message(response="utter_status_no_call")
            said = said or calls or asks_call
            adopted = adopt_call_elsewhere(tracker, rows, elsewhere)
        if not said and entries and not asks_call:
            # "so you send me new headphone, yes?" just after the replacement, named in other words (a conversation of
            # our own, 7 December: "Nothing has been granted ... in this chat yet"): what this chat did, as it stands.
            for entry in entries:
                said = _status_line(dispatcher, domain, entry, text) or said
        if not said:
            dispatcher.utter_message(response="utter_status_nothing")
        return adopted + resume(dispatcher, tracker)
