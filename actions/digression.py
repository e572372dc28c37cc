"""A question in the middle of something: answered, then back to where we were.

action_answer_why gives the reason behind the policy just explained in other words
(the policy's `why` response in catalog/policies.yml), or why a form asks what it
asks. `resume` brings the conversation back: while an offer is still open its
options are shown again; while a form is active the form asks its question again.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import codes_compared, in_time
from actions.case import catalog, gather_facts, sent_texts, template_values
from actions.offer_alternatives import first_text, last_offer_buttons
from gracious import repair
from gracious.answers import after_a_reaction, answer_anywhere, earlier, find_answer, hidden_beside
from gracious.settings import settings
from gracious.signals import PLACE_TOLD, harm_from_food
from gracious.stores import company
from gracious.stores.company_types import business_today

# Why a form asks what it asks, by the slot it is asking for.
FORM_REASONS = {
    "order_id": "utter_why_reference",
    "coupon_code": "utter_why_reference",
    "callback_phone": "utter_why_phone",
    "callback_time": "utter_why_time",
    "account_check": "utter_why_account_check",
}
# Today's offer, for an answer that names it (catalog/answers.yml current_offer_asked).
OFFER_VALUES = {"offer_code", "offer_percent"}
CARE_HOURS = "care_hours"
CODES_COMPARED = "codes_compared"
CODE_STATUS = "code_status"
# A person, asked for as the customer would (never an "offer", so the open offer stays
# the one the options are read against).
PERSON_BUTTON = {"payload": "/request_human"}


def offer_open(tracker: Tracker) -> bool:
    """Alternatives were offered in this case and none has been taken yet."""
    return bool(tracker.get_slot("offered_alternatives")) and not tracker.get_slot("accepted_alternative")


def resume(dispatcher: CollectingDispatcher, tracker: Tracker, leave_out: Tuple[Text, ...] = ()) -> List[EventType]:
    """After answering a question in between: back to the open offer or the form.

    With an offer open, its options are shown again and the assistant listens (the
    rule's "anything else?" would be a second question on top). In a form, the
    form's question follows by rule; this only says we're going back.
    """
    if tracker.active_loop.get("name"):
        dispatcher.utter_message(response="utter_resume_form")
        return []
    buttons = last_offer_buttons(tracker) if offer_open(tracker) else []
    said = str((tracker.latest_message or {}).get("text") or "")
    if repair.refuses_call(said):
        # "i dont want a call. i want the manager there to know..." (blind panel p52 17): never the call offered back.
        buttons = [b for b in buttons if '"callback"' not in str(b.get("payload") or "")]
    # An option just made moot ("stop the tracking emails" takes "Email me tracking updates" away).
    buttons = [b for b in buttons if not any(f'"{key}"' in str(b.get("payload") or "") for key in leave_out)]
    if buttons:
        dispatcher.utter_message(response="utter_resume_offer", buttons=buttons)
        return [FollowupAction("action_listen")]
    return []


# Answers said in other words after a health or safety worry ("how will they follow up you dont even have my number" on
# the way to the ER: blind panel p54 B03), the customer's care first and nothing asked after them.
AFTER_SAFETY = {"utter_answer_no_contact_yet": "utter_answer_no_contact_yet_safety"}


class ActionAnswerWhy(Action):
    """'Why?': the reason in other words, never the same paragraph again.

    A question in the middle of a case that server/dialogue/repair.py marked `case_question` gets
    the designers' answer (catalog/answers.yml), or, when none fits, a plain "I'd
    rather not guess" with a person offered.
    """

    def name(self) -> Text:
        return "action_answer_why"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        if tracker.active_loop.get("name") and requested == "account_check":
            # "why do you need my email?": the reason, then the question again (action_ask_account_check).
            dispatcher.utter_message(response=FORM_REASONS[requested])
            return []
        if message.get("repair") == "safety_next" and tracker.active_loop.get("name") == "callback_form":
            # "will the cafe be told?" while the call's time is asked: yes, and who can say what was done; the time is
            # asked again by rule.
            told = "utter_safety_next_told_booking"
            if not PLACE_TOLD.search(str(message.get("text") or "")):
                # "can i at least get a refund for the sandwich" (blind panel p60 H12): what the call can put right.
                told = "utter_safety_next_booking"
            dispatcher.utter_message(response=f"{told}_again" if told in answers_heard(tracker) else told)
            return []
        if message.get("repair") == "danger_denied":
            # "no nothing caught fire, it just flickers" while the call's time is asked: glad, and what keeps it so; the
            # time is asked again by rule.
            said = [(e.get("text"), e.get("parse_data")) for e in tracker.events if e.get("event") == "user"]
            food = harm_from_food(said)
            dispatcher.utter_message(response="utter_danger_denied_keep_watch" if food else "utter_glad_no_worse")
            return []
        if message.get("repair") == "call_note" and tracker.active_loop.get("name") == "callback_form":
            # "i already have a call booked at 9:30. can they just cover this on the same call?" while a new call's time
            # is asked (blind panel p54 A09): this case on that call's notes, never a second call booked.
            from actions.status import note_on_call  # (it imports this module)

            return await note_on_call(dispatcher, tracker, str(message.get("text") or ""))
        if message.get("repair") == "case_question":
            if message.get("care") in ("intolerance", "intolerance_unwell"):
                # "no, i left. im lactose intolerant so im not feeling great either" (safety.yml): heard first.
                dispatcher.utter_message(response=f"utter_{message['care']}_care")
            known = [a for a in message.get("answers") or [message.get("answer")] if a in domain.get("responses", {})]
            missed = repair.says("not_answered", message.get("text") or "")
            if known and all(worn_out(a, tracker, domain, missed) for a in known):
                # "you didnt answer me. is there a deadline or not" after that answer, in all its words, twice
                # (blind panel p44 02, 08): never the same paragraph a third time; a person, who can go further.
                return with_a_person(dispatcher, tracker, domain, "utter_answer_said_already")
            known, values = await fitted_answers(tracker, domain, known)
            if known and not message.get("answer_person"):
                # Questions the designers have answers for (catalog/answers.yml), each answered.
                from actions.closing import said_safety  # (it imports this module)

                gentle = any(a in AFTER_SAFETY for a in known) and said_safety(tracker)
                known = [AFTER_SAFETY.get(a, a) if gentle else a for a in known]
                say_answers(dispatcher, domain, known, tracker, **values)
                if gentle:
                    # "please just look after yourself" is the last word, never "is there anything else?" after it.
                    return [FollowupAction("action_listen")]
                return resume(dispatcher, tracker)
            # Their answer with a person, or no answer here: said plainly, a person offered; the second
            # time in other words, never the same paragraph again.
            say_answers(dispatcher, domain, known[:-1], tracker, **values)
            unknown = "utter_case_question_again" if no_answer_said(tracker, domain) else "utter_case_question"
            return with_a_person(dispatcher, tracker, domain, known[-1] if known else unknown, **values)
        if tracker.active_loop.get("name") and requested in FORM_REASONS:
            dispatcher.utter_message(response=FORM_REASONS[requested])
            return []
        explained = tracker.get_slot("explained_policies") or []
        policy_id = tracker.get_slot("policy_id") or (explained[-1] if explained else None)
        policy = catalog().policy(policy_id) if policy_id else None
        # Owed something after all ("why didn't my valid code work?"): the reason for that.
        entitled = bool(tracker.get_slot("entitled")) and policy is not None and policy.response("why_entitled")
        key = (policy.response("why_entitled") if entitled else policy.response("why")) if policy else None
        facts = tracker.get_slot("case_facts") or {}
        if policy is not None and not entitled and facts.get("coupon_honoured_before") and policy.response("why_used"):
            # "cant you just honour the 15" with the code's one goodwill extension given already (blind panel p54 A05):
            # said as the code's, never as if this customer had used it.
            key = policy.response("why_used")
        if key is None:
            dispatcher.utter_message(response="utter_why_nothing_explained")
            return []
        return say_why(dispatcher, tracker, domain, key, **template_values({}, tracker))


def worn_out(answer: Text, tracker: Tracker, domain: Dict[Text, Any], missed: bool = False) -> bool:
    """Whether the customer says the answer missed ("you didnt answer me") and saying it now could only
    repeat a paragraph this chat has had: it was said, and its shorter ``_again`` words too, or it has
    none. Asked again plainly ("sorry, what did the london calls cost again", "the amounts. how much was
    each call"), the answer is said again: the figures are what they asked for."""
    heard = answers_heard(tracker)
    again = f"{answer}_again"
    return missed and answer in heard and (again in heard or again not in domain.get("responses", {}))


def no_answer_said(tracker: Tracker, domain: Dict[Text, Any]) -> bool:
    """Whether the conversation has had "I'd rather not guess" already."""
    texts = {v.get("text") for v in domain.get("responses", {}).get("utter_case_question", [])}
    return any(text in texts for text in sent_texts(tracker))


# A question about a visit to come: "will you tell me next time", "in future", "before i order again".
NEXT_TIME = re.compile(
    r"\b(?:next time|in future|in the future|from now on|going forward|again|before i order)\b", re.I
)
# What was eaten or drunk, asked after: "what was in that muffin", "will they have the ingredient list when they call".
WHAT_WAS_EATEN = re.compile(
    r"\b(?:was in|were in|what was|that (?:muffin|one|drink|dish|sandwich|cake|cookie|latte)|(?:he|she|they|i) (?:ate|had|drank)"
    r"|ingredient list|when they call|they call"
    # "did it have nuts or not" after the reaction (blind panel p50 09)
    r"|did (?:it|that|the \w+) (?:have|contain)|(?:was|were) there (?:any )?\w+ in)\b",
    re.I,
)


def say_answers(
    dispatcher: CollectingDispatcher,
    domain: Dict[Text, Any],
    answers: List[Text],
    tracker: Optional[Tracker] = None,
    **values: Any,
) -> None:
    """The designers' answers (catalog/answers.yml responses) that the domain has, in order, with the
    case's ``values`` for their placeholders ("the calls to {international_destinations}").

    An answer this chat has heard already is said as its ``<answer>_again`` wording when the designers
    wrote one ("yes or no do i post the red dress back" after the way back was explained: blind panel
    p39 04), never the same paragraph word for word."""
    responses = domain.get("responses", {})
    heard = answers_heard(tracker) if tracker is not None else set()
    reacted = (
        tracker is not None
        and any(e.get("event") == "user" and (e.get("parse_data") or {}).get("safety") for e in tracker.events)
        # "but will you tell me next time if there's oat in something?", "what is in the pumpkin muffin?": before a
        # visit to come, that answer stands; only what was eaten is for the person who calls.
        and not NEXT_TIME.search(str((tracker.latest_message or {}).get("text") or ""))
        and bool(WHAT_WAS_EATEN.search(str((tracker.latest_message or {}).get("text") or "")))
    )
    # "will they have the ingredient list when they call?" after a child's reaction to a muffin said to be nut free
    # (blind panel p49 13): never "tell them about your allergy as you order".
    for answer in after_a_reaction(answers) if reacted else answers:
        if answer in responses:
            again = f"{answer}_again"
            said = again if answer in heard and again in responses else answer
            dispatcher.utter_message(response=said, **{**values, "care_line": settings().care_line})


def answers_heard(tracker: Tracker) -> Set[Text]:
    """The responses this chat's bot messages were said from (their ``utter_action``)."""
    return {
        str((e.get("metadata") or {}).get("utter_action"))
        for e in tracker.events
        if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action")
    }


async def fitted_answers(
    tracker: Tracker, domain: Dict[Text, Any], answers: List[Text]
) -> Tuple[List[Text], Dict[Text, Any]]:
    """``answers`` as they fit the case (the in-time answer as its too-late or undated wording: actions/in_time.py)
    and the case's placeholder values, looked up only when one of them has a placeholder of its own."""
    names = [name for a in answers for name in (a, f"{a}_again")]  # say_answers may say the second
    texts = [v.get("text") or "" for a in names for v in domain.get("responses", {}).get(a, [])]
    wanted = {name for t in texts for name in re.findall(r"\{(\w+)\}", t)} - {"care_line"}
    if not wanted:
        return answers, {}
    in_time_now: Optional[bool] = None
    if wanted <= OFFER_VALUES | {CODES_COMPARED, CODE_STATUS, CARE_HOURS}:
        values: Dict[Text, Any] = {}  # today's offer or the codes named only: no case's records needed
    else:
        facts = await gather_facts(tracker)
        values = template_values(facts, tracker)
        if in_time.DEADLINE_DAY in wanted:
            # "will it arrive by thursday?": the day named against the order's date (actions/in_time.py).
            asked = str((tracker.latest_message or {}).get("text") or "")
            day, in_time_now = in_time.in_time_values(asked, facts.get("promised_on"), business_today())
            values[in_time.DEADLINE_DAY] = day
    if wanted & OFFER_VALUES:
        offer = await company().current_offer()  # "any discount codes going?" (blind panel p36 23)
        values.update(offer_code=offer.get("code") or "", offer_percent=offer.get("percent") or "")
    if CARE_HOURS in wanted:
        from actions.hours import spoken_hours

        values[CARE_HOURS] = spoken_hours(settings().care_hours)  # "what hours are your specialists working?"
    if CODES_COMPARED in wanted:
        values[CODES_COMPARED] = await codes_compared.compared(tracker)  # "which one saves me more?"
    if CODE_STATUS in wanted:
        values[CODE_STATUS] = await codes_compared.code_status(tracker)  # "is WELCOME10 still good?"
    return [in_time.fitted(a, in_time_now) for a in answers], values


def say_why(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], key: Text, **values: Any
) -> List[EventType]:
    """The reason (response ``key``), or, when it was said already, a person offered instead."""
    said = set(sent_texts(tracker))
    reasons = [v.get("text") for v in domain.get("responses", {}).get(key, [])]
    # A reason with its placeholders filled ("SPRING15 has had its one already") is the same reason.
    filled = [re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(text)), re.S) for text in reasons if text]
    if any(pattern.fullmatch(text) for pattern in filled for text in said):
        # Asked again after hearing the reason: not the same paragraph, a person.
        return with_a_person(dispatcher, tracker, domain, "utter_why_again")
    dispatcher.utter_message(response=key, **values)
    return resume(dispatcher, tracker)


def with_a_person(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], response: Text, **values: Any
) -> List[EventType]:
    """``response`` with a button for a person; the open offer stays open.

    A waiting customer (in_queue) is in line for a person already: no button, and "a person can look"
    said as the one they are waiting for."""
    if tracker.get_slot("in_queue"):
        queued = f"{response}_queued"
        dispatcher.utter_message(response=queued if queued in domain.get("responses", {}) else response, **values)
        return [FollowupAction("action_listen")]
    person = dict(PERSON_BUTTON, title=first_text(domain, "utter_offer_human"))
    again = f"{response}_again"  # heard already: its shorter words (say_answers)
    if again in domain.get("responses", {}) and response in answers_heard(tracker):
        response = again
    buttons = beside_the_offer(tracker, person)
    gone = hidden_beside(response)  # "Then a remake is no use to you": no remake button beside it (answers.yml `hides`)
    buttons = [b for b in buttons if not any(f'"{key}"' in str(b.get("payload") or "") for key in gone)]
    dispatcher.utter_message(response=response, buttons=buttons, **values)
    return [FollowupAction("action_listen")]


def beside_the_offer(tracker: Tracker, person: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The person's button, with the open offer's buttons kept around it when the offer has no person of its own (a
    question beside a remake and a store credit, blind panel p64 P-08: the offer's buttons gone): the person before
    "None of these". An offer with its own "Talk to a person" keeps it for the way back (``resume``), and the person
    is offered alone here, as it always was."""
    buttons = last_offer_buttons(tracker) if offer_open(tracker) else []
    if not buttons or any('"human"' in str(b.get("payload") or "") for b in buttons):
        return [person]
    # The last buttons may carry this person already (the same question asked twice): one person button, never two.
    buttons = [b for b in buttons if b.get("payload") != person["payload"]]
    declines = [b for b in buttons if str(b.get("payload") or "").startswith("/deny")]
    return [b for b in buttons if b not in declines] + [person] + declines


# Words too common to tell whether an answer was said already in other words.
_COMMON = frozenset("that this with your have will when what from they them there their just about would".split())


def _words(text: Text) -> set:
    return {w for w in re.findall(r"[a-z0-9$.%']+", text.lower()) if len(w) > 3 and w not in _COMMON}


def said_this_turn(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The bot's messages since the customer's latest message."""
    said: List[Dict[Text, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            said.append(event)
    return said[::-1]


class ActionAnswerAlsoAsked(Action):
    """The designers' answers to a message's other questions (server/dialogue/also_asked.py), looked up
    for the case as the turn left it and said after its reply, each only when the turn has not
    already said it or its gist. A question no answer fits is left as it is, never guessed at."""

    def name(self) -> Text:
        return "action_answer_also_asked"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        responses = domain.get("responses", {})
        case_type, policy = tracker.get_slot("case_type"), tracker.get_slot("policy_id")
        granted = [str(e.get("alternative")) for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]
        granted += earlier(tracker.get_slot("case_facts")) + (["entitled"] if tracker.get_slot("entitled") else [])
        wanted: List[Text] = []
        told_by: Dict[Text, Set[Text]] = {}  # each answer's `told_by`: its news said by the turn's own reply
        if tracker.active_loop.get("name"):
            return []  # a form's question is waiting for its answer; the question is asked again if it matters
        records_asked: List[Text] = []  # "also is the 7.60 phone credit still on my account?"
        orders_asked: List[Text] = []  # "and has the grinder moved at all since this morning?"
        for question, before in (tracker.latest_message or {}).get("also_asked") or []:
            found = find_answer(question, case_type, granted, True, policy) or answer_anywhere(question)
            in_context = find_answer(f"{before} {question}", case_type, granted, True, policy)
            if found is None and in_context is not None and in_context.words.search(question):
                found = in_context  # "...the london calls. and how much did they cost me?"
            if found is None and asks_after_a_grant(question):
                records_asked.append(question)
            elif found is None:
                orders_asked.append(question)
            if found and found.response in responses and found.response not in wanted:
                wanted.append(found.response)
                told_by[found.response] = set(found.told_by)
        said = said_this_turn(tracker)
        names = {(e.get("metadata") or {}).get("utter_action") for e in said}
        heard = _words(" ".join(e.get("text") or "" for e in said))
        fresh = []
        for answer in wanted:
            if answer in names or f"{answer}_queued" in names or told_by[answer] & names:
                continue
            texts = [v.get("text") or "" for v in responses[answer]]
            if heard and any(_words(t) and len(_words(t) & heard) >= 0.6 * len(_words(t)) for t in texts):
                continue  # the turn said it in its own words ("it's expected on Thursday")
            fresh.append(answer)
        if fresh:
            fresh, values = await fitted_answers(tracker, domain, fresh)
            say_answers(dispatcher, domain, fresh, tracker, **values)
        for question in records_asked:
            await _grant_asked(dispatcher, tracker, question, names)
        told: Set[Text] = set()
        for question in orders_asked:
            await _other_order_asked(dispatcher, tracker, question, told)
        return []


# "is the 7.60 phone credit still on my account?", "did the refund go through": a grant's state asked after.
GRANT_ASKED = re.compile(
    r"\b(?:still|already|go(?:ne)?\s+through|went\s+through|on\s+(?:my|the)\s+(?:account|bill)|there|"
    r"applied|come\s+off|came\s+off|did|has|have|was)\b",
    re.I,
)


# "can i just have a credit", "i'd like a refund": a grant asked for, not asked after (a conversation of our own, 7
# December: "not going back there today. can i just have a credit" heard "I can't see one on your account").
GRANT_WANTED = re.compile(
    r"\b(?:can|could|may)\s+(?:i|we)\s+(?:just\s+|please\s+)?(?:have|get)\s+(?:a|an|some)\b"
    r"|\b(?:i\s+want|i'?d\s+like|i\s+would\s+like|give\s+me)\s+(?:a|an|some)\b",
    re.I,
)


def asks_after_a_grant(question: Text) -> bool:
    """A question beside another that asks after a credit, refund, exchange and the like (blind panel p51 23); not one
    that asks for one."""
    from actions.status_records import GRANT_KINDS

    return (
        bool(repair.named_kinds(question) & set(GRANT_KINDS))
        and bool(GRANT_ASKED.search(question))
        and not GRANT_WANTED.search(question)
    )


async def _grant_asked(dispatcher: CollectingDispatcher, tracker: Tracker, question: Text, names: Set[Any]) -> None:
    """The records' answer to a grant asked after beside another request ("can they just email me instead?
    also is the 7.60 phone credit still on my account?", blind panel p51 23), for a customer the chat
    knows: what was granted, when and whether it is applied, or that none is on the account. Nothing
    when the turn said a grant's state already, or when nobody is verified (nothing of an account is told)."""
    from actions.status_records import GRANT_KINDS, account_grant_lines
    from actions.verification import known_customer

    if not known_customer(tracker) or names & {"utter_status_applied", "utter_status_arranged_before"}:
        return
    named = repair.named_kinds(question) & set(GRANT_KINDS)
    if not await account_grant_lines(dispatcher, tracker, named):
        dispatcher.utter_message(response="utter_status_none_on_account", what=sorted(named)[0])


async def _other_order_asked(
    dispatcher: CollectingDispatcher, tracker: Tracker, question: Text, told: Set[Text]
) -> None:
    """Where another order of the known customer's stands, asked beside this case ("...I'd like my money back. and
    has the grinder moved at all since this morning?", blind panel p51 07): from its record, once a turn, never
    dropped. Only the customer the chat knows, only an order the question names by its item, never the case's own."""
    from actions.case import business_today, day_name
    from actions.verification import known_customer

    customer = known_customer(tracker)
    reference = (tracker.get_slot("case_facts") or {}).get("reference") or tracker.get_slot("order_id")
    if not customer:
        return
    named = await company().order_named(customer, question)
    order = await company().order(named) if named and named != reference and named not in told else None
    if order is None:
        return
    told.add(order.id)
    today = business_today()
    values = {"reference": order.id, "item": order.item}
    if order.delivered_on is not None:
        response, values["delivered_on"] = "utter_other_order_delivered", day_name(order.delivered_on)
    elif order.missed_on(today):
        response, values["promised_on"] = "utter_other_order_late", day_name(order.missed_on(today))
    elif not order.shipped:
        # "being packed" (blind panel p64 O-08: "with the courier, and on its way" about a jacket still with us).
        response, values["promised_on"] = "utter_other_order_not_sent", day_name(order.promised_on)
    else:
        response, values["promised_on"] = "utter_other_order_on_its_way", day_name(order.promised_on)
    dispatcher.utter_message(response=response, **values)
