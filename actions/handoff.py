"""action_handoff: pass the case to a person with everything they need."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff_card
from actions.case import catalog, latest_intent
from actions.case_card import booked, policy_name, still_offered
from actions.digression import say_answers
from actions.hours import back_at, is_open, next_opening
from gracious import codes, queue_news, repair
from gracious.contact_details import without_phones
from gracious.settings import settings
from gracious.signals import GETTING_HELP, frustration_signals
from gracious.stores import clock, records
from gracious.stores.handoff_queue import TooManyHandoffs, open_handoff, wait_minutes, wait_words


def handoff_reason(tracker: Tracker) -> Text:
    """Why the conversation goes to a person, in the words the desk filters on."""
    intent = latest_intent(tracker)
    choice = tracker.get_slot("alternative")
    if (tracker.latest_message or {}).get("safety"):
        return codes.SAFETY
    if intent == "request_human":
        return codes.CUSTOMER_ASKED
    if choice == "ceo_office":
        return codes.EXECUTIVE_ESCALATION
    if choice == "human":
        return codes.CUSTOMER_ACCEPTED_OFFER
    if intent == "nlu_fallback":
        return codes.MISUNDERSTOOD
    if (tracker.get_slot("case_facts") or {}).get("verification_failed"):
        return codes.IDENTITY_UNCONFIRMED
    if (tracker.get_slot("strong_frustration_turns") or 0) >= 2:
        return codes.STRONG_FRUSTRATION
    return codes.BEYOND_ASSISTANT


# A sentence that only takes the office or the person: "fine pass it to the office", "ok whatever, escalate it".
ONLY_PASSING = re.compile(
    r"^\W*(?:(?:fine|ok|okay|alright|whatever|sure|yes|yeah|then|just|please|pls)[\s,.!]*)*"
    r"(?:pass|send|give|escalate|put|take)\b[^.!?]*$|^\W*(?:fine|ok|okay|whatever|the office|office)\W*$"
    # "fine. the ceo office thing." (blind panel p54 A06)
    r"|^\W*(?:the\s+)?(?:ceo'?s?\s+)?office(?:\s+(?:thing|one|team|option|then|please|pls))*\W*$",
    re.I,
)
LEAD_IN = re.compile(
    r"^\W*(?:and\s+)?(?:my (?:issue|problem|complaint) is(?: that)?|the (?:issue|problem) is(?: that)?|it'?s about|its about|"
    r"this is about)\s+",
    re.I,
)


def problem_told(text: Text) -> Optional[Text]:
    """The problem said beside taking the CEO's office, in the customer's words, or None."""
    if not text or text.startswith("/"):
        return None
    kept = [
        re.sub(r"^(?:and|also|plus)\s+", "", LEAD_IN.sub("", sentence).strip(), flags=re.I)
        for sentence in re.split(r"(?<=[.!?])\s+|\.\s*", text)
        if sentence.strip() and not ONLY_PASSING.search(sentence.strip())
    ]
    # Whole sentences only, one of them a real telling: "no. ... and it better be today" is no problem told, and
    # never quoted back pieced together (blind panel p50 10).
    kept = [k for k in kept if len(k.split()) >= 3]
    if not any(len(k.split()) >= 6 for k in kept):
        return None
    return ". ".join(k.strip(" .!?") for k in kept)[:240]


def case_summary(tracker: Tracker) -> Dict[str, Any]:
    """What an agent reads first, so the customer never repeats the story."""
    facts = tracker.get_slot("case_facts") or {}
    verified = facts.get("verified") is True
    policy_id = tracker.get_slot("policy_id")
    policy = catalog().policy(policy_id) if policy_id else None
    customer_messages = handoff_card.said(tracker)  # a click as the title the customer read
    ref = handoff_card.reference(tracker, facts)
    second = handoff_card.second_problem(tracker, ref)
    amounts = {
        name: facts[name]
        for name in ("order_total", "amount_requested", "missing_discount_amount", "discount_applied", "discount_due")
        if facts.get(name) is not None
    }
    return {
        "case_type": tracker.get_slot("case_type"),
        # A plain "get me a person" still says something: the customer's own last words.
        "what_happened": handoff_card.with_second_problem(handoff_card.what_happened(tracker), second),
        "reference": ref,
        **({"second_problem": second} if second else {}),
        # The account's owner only for a verified customer: a stranger who typed an order
        # number is never labelled with the owner's details, on the card or in a greeting.
        "verified": verified,
        "customer": {
            "id": facts.get("customer_id"),
            # The card names the customer in full ("Maya Chen"); greetings use the first name.
            "name": facts.get("customer_full_name") or facts.get("customer_name"),
            "email": facts.get("customer_email"),
            "phone": facts.get("customer_phone"),
        }
        if verified
        else {},
        "amounts": amounts,
        "policy": {"id": policy.id, "name": policy_name(policy.id), "rule": policy.rule} if policy else None,
        "explained": tracker.get_slot("explained_policies") or [],
        "explained_names": [policy_name(p) for p in tracker.get_slot("explained_policies") or []],
        **offers(tracker),
        "frustration": frustration_now(tracker),
        "last_messages": customer_messages[-5:],
    }


def offers(tracker: Tracker) -> Dict[str, Any]:
    """What was offered, each in one place: granted (or accepted: a call booked, a person), declined,
    or still open. An offer granted after it was declined is granted, never open or declined."""
    accepted = tracker.get_slot("accepted_alternative")
    granted = list(dict.fromkeys(tracker.get_slot("granted_alternatives") or []))
    taken = set(granted) | {accepted}
    return {
        "offered": [a for a in still_offered(tracker) if a not in taken],
        "granted": granted,
        "declined": [a for a in dict.fromkeys(tracker.get_slot("declined_alternatives") or []) if a not in taken],
        "accepted": accepted,
    }


# Messages answered with a person (or a question which), never with empathy.
STRAIGHT_TO_A_PERSON = frozenset({"request_human", "nlu_fallback", "demand_compensation"})


def frustration_now(tracker: Tracker) -> int:
    """How frustrated the customer sounds, 0 to 3: the assistant's reading (the ``frustration`` slot,
    actions/empathize.py), and at least what the messages it never read for feelings show (a demand for a
    person, the wait: the queue's answers don't read them): each message's signals (shouting, "!!", swearing,
    "third time", "manager now"), one more when an earlier one had some, as raising it again does."""
    unread: List[Dict[str, Any]] = []
    asking: List[Dict[str, Any]] = []  # before the handoff: the demands for a person, never read for feelings
    handed_over = False
    for event in tracker.events:
        kind = event.get("event")
        text = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if kind == "slot" and event.get("name") == "handoff_id" and event.get("value"):
            handed_over, unread, asking = True, unread + asking, []
        elif kind == "user" and text and handed_over and not text.startswith("/"):
            unread.append(event)  # a button's payload is no feeling
        elif kind == "user" and text and not text.startswith("/"):
            # "THIS IS THE THIRD TIME ... GET ME A MANAGER NOW" goes straight to a person (panel P3 c09).
            asking = asking + [event] if intent in STRAIGHT_TO_A_PERSON else []
        elif kind == "action" and event.get("name") == "action_empathize":
            if unread:
                unread.pop()
            asking = []
    unread += asking
    level, earlier = 0, False
    for event in unread:
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        signals = len(frustration_signals(str(event["text"]), [], intent))
        level = max(level, min(3, signals + (1 if signals and earlier else 0)))
        earlier = earlier or bool(signals)
    return max(int(tracker.get_slot("frustration") or 0), level)


def client_address(tracker: Tracker) -> Optional[Text]:
    """Where the message came from, as the channel put it in the metadata (None when it did not)."""
    metadata = (tracker.latest_message or {}).get("metadata")
    client = metadata.get("gracious_client") if isinstance(metadata, dict) else None
    address = client.get("address") if isinstance(client, dict) else None
    return str(address) if address else None


# Someone else harmed: "my 2 year old grabbed my latte", "its not me its my DAUGHTER" (blind panel p61 I09: "your throat").
OTHER_PERSON = re.compile(
    # A child, or "not me": never "my friend is driving me to the ER", where the one harmed is the customer.
    r"\b(?:my|our)\s+(?:\d+\s*(?:year|yr|month)s?[\s-]*old|daughter|son|child|kid|kids|baby|toddler"
    r"|little\s+\w+)\b|\b(?:it'?s|its|it is)\s+not\s+(?:for\s+)?me\b",
    re.I,
)


def for_whom(tracker: Tracker, domain: Dict[Text, Any], response: Text) -> Text:
    """``response`` said of the one harmed: its ``_other`` wording when the chat says it is someone else."""
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    other = f"{response}_other"
    if other in (domain.get("responses") or {}) and any(OTHER_PERSON.search(t) for t in said):
        return other
    return response


# A burn told in the chat, no allergy named: first aid for a burn, never "if your throat is tightening" nor an EpiPen
# (blind panel p62 K10: a burnt ear from overheating headphones; p63 N07: hot coffee on a hand).
INJURY = re.compile(
    r"\bburn(?:ed|t)?\s+(?:me|my|him|her|them|his|their)\b|\ba\s+burn\b"
    r"|\b(?:its|it'?s|got|been)\s+burn(?:ed|t)\b"
    r"|\b(?:ear|hand|finger\w*|thumb|skin|face|arm|leg|neck|head|cheek|lip)s?\b[^.!?]{0,25}\bburn(?:ed|t|s)?\b"
    r"|\b(?:scald\w*|blister\w*)\b",
    re.I,
)


# Signs of a reaction the customer says they have now.
SYMPTOMS_SAID = re.compile(
    r"\b(?:(?:lips?|tongue|face|throat|mouth|eyes?)\s+(?:\w+\s+){0,4}?(?:swell\w*|swollen|tingl\w*|itch\w*|puff\w*)"
    r"|(?:swell\w*|swollen|tingl\w*)\s+(?:\w+\s+){0,2}?(?:lips?|tongue|face|throat|mouth)|hives|wheez\w*)\b",
    re.I,
)
BLISTERED = re.compile(r"\bblister(?:s|ed|ing)?\b", re.I)


def for_the_harm(tracker: Tracker, domain: Dict[Text, Any], response: Text) -> Text:
    """``response`` for what the chat says happened: its ``_injury`` wording for a burn with no allergy told,
    then said of the one harmed (``for_whom``)."""
    said = " ".join(str(e.get("text") or "") for e in tracker.events if e.get("event") == "user")
    injury = f"{response}_injury"
    told = f"{response}_symptoms"
    if told in (domain.get("responses") or {}) and SYMPTOMS_SAID.search(said) and not INJURY.search(said):
        # "my lips are kind of tingling and swelling a bit" (blind panel p65 R-05: "If you're having ... any swelling"):
        # what they said they have, said as theirs.
        response = told
    if injury in (domain.get("responses") or {}) and INJURY.search(said) and not BODY_ALLERGY.search(said):
        response = injury
        if BLISTERED.search(said) and f"{injury}_blistered" in (domain.get("responses") or {}):
            # "it is red and has blisters now" (blind panel p64 P-09: "if it blisters, see a doctor"): it has, so today.
            response = f"{injury}_blistered"
    return for_whom(tracker, domain, response)


def safety_response(text: Text, medical: Text) -> Text:
    """ "could it be a fire risk?": the product made safe first; otherwise the medical words."""
    return "utter_safety_product" if HAZARD.search(text) and not BODY.search(text) else medical


# "should i go to hospital or is it ok to wait and see", "should i use my epipen?"
WAIT_OR_NOT = re.compile(
    r"\b(?:should i|do i need to|wait and see|is it ok to wait|go to (?:the )?hospital|use (?:my|the) epi ?pen"
    r"|do i (?:use|take|need) it)\b",
    re.I,
)


# Anger at how it happened, said on the way to help ("im so angry, i literally asked her twice": blind panel p54 A04).
ANGRY_AT_IT = re.compile(
    r"\b(?:angry|furious|livid|fuming|so mad|asked (?:her|him|them) twice|told (?:her|him|them) twice)\b", re.I
)


def getting_help_said(text: Text) -> Text:
    """The words for someone on the way to help: with their anger heard when they say it."""
    return "utter_safety_getting_help_angry" if ANGRY_AT_IT.search(text) else "utter_safety_getting_help"


def on_the_way_to_help(text: Text) -> bool:
    """ "ok i used it and my friend is driving me to the ER": help under way, never "i have my epipen with me. do i use
    it??" (blind panel p54 A04), which asks whether to."""
    return bool(GETTING_HELP.search(text)) and not WAIT_OR_NOT.search(text)


class ActionHandoff(Action):
    """Opens a handoff with a case summary and tells the customer what happens next.

    With an agent available the customer hears their place in the queue and an
    honest wait, and waits with the assistant still answering (actions/waiting.py;
    Rasa is paused only when an agent claims the case); with none, when people are
    back, and a callback is booked next (booking it takes the case out of the queue).
    """

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        store = records()
        message = tracker.latest_message or {}
        if message.get("safety") and tracker.get_slot("handoff_id") and tracker.get_slot("callback_id"):
            # The team has this safety case and a call is booked: urgent help again, or the
            # question answered, never a second handoff and booking for the same incident.
            dispatcher.utter_message(
                response=for_the_harm(tracker, domain, safety_response(message.get("text") or "", "utter_safety_again"))
            )
            say_answers(dispatcher, domain, message.get("answers") or [], tracker)
            return [FollowupAction("action_listen")]
        if message.get("safety") and tracker.get_slot("handoff_id"):
            # The team has this safety case, no call booked yet (blind panel p54 A04: "ok i used it and my friend is
            # driving me to the ER" heard the urgent paragraph and the case written up again): on the way to help,
            # nothing more asked; asking whether to wait, told not to; never a second handoff for the same incident.
            text = message.get("text") or ""
            if on_the_way_to_help(text) and repair.asks_for_a_call(text):
                # "ok my coworker is driving me to urgent care. can someone call me tomorrow morning about this" (blind
                # panel p60 G09: "nothing more you need to do", and no call booked): glad, then the call booked.
                if not repair.mentions_time(without_phones(text)):
                    dispatcher.utter_message(response="utter_safety_help_at_hand")  # (with a time, the form says it)
                return [FollowupAction("callback_form")]
            if on_the_way_to_help(text) or WAIT_OR_NOT.search(text):
                dispatcher.utter_message(
                    response=for_the_harm(
                        tracker,
                        domain,
                        getting_help_said(text) if on_the_way_to_help(text) else "utter_safety_dont_wait",
                    )
                )
                return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
        if message.get("safety"):
            # Health or danger (server/nlu/safety.py): urgent help first, then a person.
            dispatcher.utter_message(
                response=for_the_harm(tracker, domain, safety_response(message.get("text") or "", "utter_safety_first"))
            )
            # "is it even safe to post it back?" (blind panel p37 05): answered now, not left for later.
            say_answers(dispatcher, domain, message.get("answers") or [], tracker)
        # A question asked beside the choice ("the ceos office, fine. what exactly will they do that you
        # cant": blind panel p42 10), answered after the handoff is said; a safety turn's answers are said above.
        beside = [] if message.get("safety") else message.get("answers") or []
        choice = tracker.get_slot("alternative")
        team = (
            catalog().alternatives[choice].team if choice in ("human", "ceo_office") else None
        ) or codes.CUSTOMER_CARE
        config = settings()
        now = datetime.now(ZoneInfo(config.timezone))
        open_now = is_open(now, config.care_hours)
        on_duty = await store.agents_on_duty() if open_now else 0
        try:
            # One open handoff per conversation (asking again joins it), a few new ones per address.
            # Queued (told a place) only with someone on duty; otherwise a call is offered instead.
            opened = await store.run(
                open_handoff,
                tracker.sender_id,
                handoff_reason(tracker),
                team,
                {**case_summary(tracker), "booked": handoff_card.followup_address(await booked(tracker), tracker)},
                client_address(tracker),
                config.handoffs_per_address,
                bool(on_duty),
            )
        except TooManyHandoffs:
            # Nothing is lost (the conversation keeps every word); a call or an email instead.
            dispatcher.utter_message(response="utter_handoff_limited")
            return [SlotSet("alternative", None), SlotSet("agent_available", False)]
        handoff_id = opened.id
        events: List[EventType] = [SlotSet("handoff_id", str(handoff_id)), SlotSet("alternative", None)]
        if choice in ("human", "ceo_office"):
            events.append(SlotSet("accepted_alternative", choice))

        # "fine pass it to the office. my issue is my lamp died after 2 months and nobody will refund it" (blind panel
        # p48 18): the problem heard back, so the customer knows what the office will read.
        after_office = (
            problem_told(str((tracker.latest_message or {}).get("text") or "")) if team == "executive_office" else None
        )
        if team != "executive_office" and handoff_card.told_with_the_ask(tracker) and not _sorry_said(tracker):
            # The problem told with the ask for a person (blind panel p50 13: "you're not even going to say sorry?"):
            # sorry first, then the person.
            dispatcher.utter_message(response="utter_handoff_sorry_first")
        if on_duty:
            ahead = await store.waiting_ahead(handoff_id)
            minutes = wait_minutes(ahead + 1, on_duty)
            response = "utter_handoff_ceo_office_queued" if team == "executive_office" else "utter_handoff_queued"
            if response == "utter_handoff_queued" and not handoff_card.told_something(tracker):
                response = "utter_handoff_queued_asked"  # just "human": nothing was passed on but the ask
            dispatcher.utter_message(response=response, position=ahead + 1, wait=wait_words(minutes))
            if after_office:
                dispatcher.utter_message(response="utter_handoff_in_their_words", their_words=after_office)
            say_answers(dispatcher, domain, beside, tracker)
            # What was told, so the next telling is news (gracious/queue_news.py).
            told = queue_news.first_told(ahead + 1, on_duty, minutes, clock.now(), response)
            # The customer waits here, still answered; the assistant falls silent when an agent claims the case.
            return events + [
                SlotSet("agent_available", True),
                SlotSet("in_queue", True),
                SlotSet(queue_news.SLOT, told),
            ]

        prefix = "utter_handoff_ceo_office" if team == "executive_office" else "utter_handoff"
        if prefix == "utter_handoff" and not handoff_card.told_something(tracker):
            # "can i talk to a real human please" as the first words: no case was written up (blind panel p47 20).
            prefix = "utter_handoff_asked"
        in_writing = await _in_writing(tracker, now, config, f"{prefix}_{'busy' if open_now else 'later'}_by_email")
        if in_writing is not None:
            response, values, granted = in_writing
            dispatcher.utter_message(response=response, **values)
            if after_office:
                dispatcher.utter_message(response="utter_handoff_in_their_words", their_words=after_office)
            say_answers(dispatcher, domain, beside, tracker)
            # No call to book: the rule's callback form is not asked for (or, with no address, asks only for that).
            return events + granted + [SlotSet("agent_available", False), SlotSet("in_queue", None)]
        if open_now:
            # In care hours, but nobody is signed in: say they are busy, not away.
            dispatcher.utter_message(response=f"{prefix}_busy")
        else:
            back = next_opening(now, config.care_hours)
            dispatcher.utter_message(response=f"{prefix}_later", back_at=back_at(back, now, config.timezone))
        if after_office:
            dispatcher.utter_message(response="utter_handoff_in_their_words", their_words=after_office)
        say_answers(dispatcher, domain, beside, tracker)
        # Offered a call, not a place: the waiting rules do not apply (not counted, not told a place).
        return events + [SlotSet("agent_available", False), SlotSet("in_queue", None)]


async def _in_writing(
    tracker: Tracker, now: datetime, config: Any, response: Text
) -> Optional[Tuple[Text, Dict[Text, Any], List[EventType]]]:
    """ "promised a call back twice this month and nobody has ever called" (blind panel p54 A06): with nobody in, the
    team's reply by email, never a third call to book. The commitment is written before it is said. With no address
    of theirs that may be written to (a guest), the reply in writing said and the address asked for (the callback
    form's ``followup_email``; action_schedule_callback records it once given). None when the customer never said
    our calls failed them (then the call is booked as always, and they can ask for email instead)."""
    facts = tracker.get_slot("case_facts") or {}
    if not facts.get("calls_never_came") or facts.get("verification_needed"):
        return None
    from actions import promised
    from actions.status import settle, settled

    values: Dict[Text, Any] = {}
    if response.endswith("_later_by_email"):
        values["back_at"] = back_at(next_opening(now, config.care_hours), now, config.timezone)
    email = await promised.address_for("email_followup", tracker)
    if not email:
        asked = response.removesuffix("_by_email") + "_ask_email"
        return asked, values, promised.without_an_address("email_followup")
    reference = facts.get("reference") or None
    await promised.grant(tracker, "email_followup", "followup", reference, None, f"email, not a call: {email}"[:200])
    values["email"] = email
    granted = list(tracker.get_slot("granted_alternatives") or [])
    entries = settle(settled(tracker), "email_followup", "followup", reference, None, "done")
    events: List[EventType] = [
        SlotSet("settled", entries),
        SlotSet("granted_alternatives", granted + ["email_followup"]),
    ]
    if (tracker.get_slot("pending_problem") or {}).get("intent") == "complain_no_response":
        events.append(SlotSet("pending_problem", None))  # the calls that never came: said in this reply, on the card
    return response, values, events + [FollowupAction("action_listen")]


def _sorry_said(tracker: Tracker) -> bool:
    """Whether this chat has said sorry already (an empathy step ran, or a sentence with sorry was said)."""
    return any(
        (e.get("event") == "action" and e.get("name") == "action_empathize")
        or (e.get("event") == "bot" and "sorry" in str(e.get("text") or "").lower())
        for e in tracker.events
    )


# A product that could burn or shock, and signs that someone is hurt.
HAZARD = re.compile(
    r"\b(?:fire|smoke|smoking|spark\w*|burning|overheat\w*|electric shock|shocked|melt\w*)\b"
    r"|\btoo hot to (?:touch|hold)\b|\bhot (?:while|when) (?:it )?charg\w*|(?<!\bi\s)(?<!\bim\s)(?<!\bi'm\s)(?<!\bme\s)\b(?:get|gets|got|getting)\s+(?:really\s+|very\s+|super\s+|so\s+)?hot\b",
    re.I,
)
BODY_ALLERGY = re.compile(
    r"\b(?:allerg\w*|anaphyla\w*|epi ?pen|throat|swell\w*|hives|nuts?|peanuts?|breath\w*|dizzy|faint\w*)\b", re.I
)
BODY = re.compile(
    r"\b(?:burn(?:ed|t) (?:me|my)|hurt|injur\w*|bleeding|breath\w*|swell\w*|throat|dizzy|allerg\w*)\b", re.I
)


class ActionPersonWhileBooking(Action):
    """Asking for a person (or a health or danger message) while a call is being arranged.

    After a handoff the team has the case and nobody is free, so the call is how a
    person reaches the customer: with a safety message, urgent help is named again
    first; then the form asks its question again. Before any handoff (a call asked
    for directly), the customer is handed over now.
    """

    def name(self) -> Text:
        return "action_person_while_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        if not tracker.get_slot("handoff_id"):
            # A call asked for directly, nobody told yet: hand over now (a person, or
            # the team's callback when nobody is free), rather than claim the team has it.
            return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_handoff")]
        if message.get("safety") and on_the_way_to_help(message.get("text") or ""):
            # "ok im calling 911": no more questions; the team follows up later.
            dispatcher.utter_message(response=for_whom(tracker, domain, getting_help_said(message.get("text") or "")))
            return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
        if (
            message.get("safety")
            and HAZARD.search(message.get("text") or "")
            and not BODY.search(message.get("text") or "")
        ):
            dispatcher.utter_message(response="utter_safety_product")
        elif message.get("safety") and WAIT_OR_NOT.search(message.get("text") or ""):
            # "should i go to hospital or wait and see? i have an epipen": answered plainly. It says the call can wait
            # until they're safe, so the call's time is not asked again in the same breath (a conversation of our own,
            # 6 December); it can be booked whenever they come back.
            dispatcher.utter_message(response=for_the_harm(tracker, domain, "utter_safety_dont_wait"))
            return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
        elif message.get("safety"):
            dispatcher.utter_message(response=for_the_harm(tracker, domain, "utter_safety_again"))
        else:
            dispatcher.utter_message(response="utter_person_by_call")
        return []
