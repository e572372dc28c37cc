"""action_explain_policy: say what the rule is and why, without blame."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import granted_before, verification
from actions.case import after_events, catalog, gather_facts, latest_intent, template_values
from actions.digression import answers_heard, resume, say_why
from actions.hours import always_open, spoken_hours
from gracious import repair
from gracious.catalog import Policy
from gracious.settings import settings
from gracious.signals import asks_about_a_code, asks_without_end, said_at_the_cafe

# What a person does, not the chat: a case whose options are only these goes to someone, with what the customer says.
FOR_A_PERSON = {"human", "callback", "email_followup", "ceo_office"}


def for_a_person(policy: Policy) -> bool:
    """Whether the policy's options only bring a person (a payment taken twice: a billing specialist finds it)."""
    kinds = {a.id for a in list(policy.alternatives) + list(policy.entitled_alternatives)}
    return bool(kinds) and kinds <= FOR_A_PERSON


QUESTION_LEAD = re.compile(r"\s*(?:why|what|how|when|where|who|which|is|are|can|could|will|would|do|does|did)\b", re.I)


def tells_more(tracker: Tracker) -> bool:
    """ "yes twice, i can see two payments of 120 on my card": more of the case told, not a question."""
    text = str((tracker.latest_message or {}).get("text") or "")
    return len(text.split()) >= 4 and "?" not in text and not QUESTION_LEAD.match(text)


# Words that tell nothing of the case by themselves.
_PLAIN_WORDS = frozenset(
    "this that there they them then than have with what your youre you're just still really about from been being"
    " even again also said told tell know like well okay yeah yes please thanks thank would could should cant can't"
    " dont don't doesnt doesn't isnt isn't wont won't ridiculous unbelievable joke joking seriously honestly literally"
    " insane crazy absurd annoying annoyed angry furious mad upset rubbish useless terrible awful".split()
)


def tells_something_new(tracker: Tracker) -> bool:
    """Whether the latest message tells more than the customer said before: "this is ridiculous, BL-30017 is wrong"
    once the bill was told wrong tells nothing new (a conversation of our own, 7 December: "Thank you, that helps")."""
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    if len(said) < 2:
        return True
    earlier = set(re.findall(r"[a-z0-9']+", " ".join(said[:-1]).lower()))
    new = [
        w
        for w in re.findall(r"[a-z0-9']+", said[-1].lower())
        if len(w) >= 4 and w not in earlier and w not in _PLAIN_WORDS and not re.search(r"\d", w)
    ]
    return len(new) >= 2


class ActionExplainPolicy(Action):
    """Finds the policy for the case in the catalog and explains it.

    For a plain question ('what is your return policy?') it gives the policy's
    general wording. For a case it reads the records first: where they show the
    customer is owed something after all, it says so and moves to putting it
    right; when the customer presses after a no, it holds the line kindly.
    """

    def name(self) -> Text:
        return "action_explain_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        policies = catalog()
        explained = list(tracker.get_slot("explained_policies") or [])

        if latest_intent(tracker) == "ask_policy":
            topic = tracker.get_slot("policy_topic")
            policy = policies.for_topic(topic) if topic else None
            in_hand = policies.policy(tracker.get_slot("policy_id") or "") if policy is None else None
            if policy is None and in_hand is None:
                # No topic the classifier could name ("the discount policy", "do international calls get
                # the discount?"): the one the words name, never the menu of policies again (p36 18).
                words = " ".join(str(t) for t in (topic, (tracker.latest_message or {}).get("text")) if t)
                named = repair.topic_named(words)
                policy = policies.for_topic(named) if named else None
            if in_hand is not None:
                # "WHY is the discount only for domestic calls?" about the case in hand:
                # its reason in other words, not a menu of policies.
                key = in_hand.response("why") or in_hand.responses["general"]
                return say_why(dispatcher, tracker, domain, key, **template_values({}, tracker))
            if policy is None:
                dispatcher.utter_message(response="utter_ask_policy_topic")
                return []
            values = template_values({}, tracker)
            general = policy.responses["general"]
            if policy.id == "opening_hours" and said_at_the_cafe(_recent_words(tracker)):
                general = "utter_policy_cafe_hours"  # "what time do your cafés open?"
            elif policy.id == "opening_hours":
                # The care hours as configured (GRACIOUS_CARE_HOURS), in words; around the clock, no "outside those hours".
                values["care_hours"] = spoken_hours(settings().care_hours)
                general = "utter_policy_hours_always" if always_open(settings().care_hours) else general
            dispatcher.utter_message(response=general, **values)
            # A question in the middle of an offer or a form: answered, then back to it.
            return [SlotSet("explained_policies", explained + [policy.id])] + resume(dispatcher, tracker)

        facts = await gather_facts(tracker)
        checked: List[EventType] = []
        added: List[EventType] = []  # more of the case told (utter_policy_details_added), kept with it
        if facts.get("verification_needed") and not facts.get("verification_failed"):
            # The account's details given after a skipped check: checked now, the record opened on a match.
            checked = await verification.checked_in_passing(dispatcher, tracker, facts.get("reference") or "")
            if any(e.get("name") == verification.VERIFIED_SLOT for e in checked):
                tracker = after_events(tracker, checked)
                facts = await gather_facts(tracker)
        # The kind of case follows the facts: a bill number given to a refund is a bill.
        case_type = policies.follow(tracker.get_slot("case_type") or "", facts) or None
        policy = policies.select(case_type, facts) if case_type else None
        if policy is None:
            dispatcher.utter_message(response="utter_ask_what_happened")
            return []

        if facts.get("verification_needed"):
            # Not verified for the record: how the rule works in general, nothing of the account.
            if not facts.get("verification_failed"):
                general = without_sympathy(policy.responses["general"], tracker, domain)
                if f"{general}_again" in domain.get("responses", {}) and general in answers_heard(tracker):
                    # "if WE sent the wrong item, do you send the right one free? yes or no" (blind panel p54 B07): the
                    # rule said already, its short yes; never the same paragraph again.
                    general = f"{general}_again"
                dispatcher.utter_message(response=general, **template_values(facts, tracker))
            return checked + [
                *([SlotSet("case_type", case_type)] if case_type != tracker.get_slot("case_type") else []),
                SlotSet("policy_id", policy.id),
                SlotSet("entitled", False),
                SlotSet("company_at_fault", False),
                SlotSet("case_facts", _storable(facts)),
            ]
        entitled = policy.entitles(facts)
        role = explain_role(policy, facts, explained)
        # What the record has already (an earlier chat's credit, a replacement under way): said first,
        # and instead of an explanation that would promise it again or a remedy it can no longer have.
        before = await granted_before.arranged(facts)
        wording = [
            str(v.get("text") or "") for v in domain.get("responses", {}).get(policy.responses.get(role, ""), [])
        ]
        asked = (tracker.latest_message or {}).get("text") or ""
        told = 0
        # "any news on my coffee grinder?" with its credit given before (blind panel p50 22): where it is first, then
        # what the record has.
        where_first = bool(before and granted_before.WHERE_ASKED.search(asked)) and not (
            granted_before.replaces_explanation(policy, role, before, facts, asked, wording)
        )

        def say_before() -> int:
            facts[granted_before.ARRANGED] = granted_before.said_kinds(before)
            return granted_before.say(
                dispatcher,
                facts.get("reference") or "",
                before,
                tracker.get_slot("case_type") or "",
                answers_heard(tracker),
                facts,
            )

        if before and not where_first:
            told = say_before()
        if granted_before.replaces_explanation(policy, role, before, facts, asked, wording) and facts.get("over_limit"):
            # "I want $1000 compensation ... Non negotiable." on a record with its credit given already
            # (blind panel p42 22): the sum asked for gets its plain no, never only the earlier credit.
            dispatcher.utter_message(response=granted_before.SUM_REFUSED, **template_values(facts, tracker))
        elif before and not told and granted_before.replaces_explanation(policy, role, before, facts, asked, wording):
            # What the record has was said above in this chat: never the same lines again (p43 13, 17, 18, 23).
            dispatcher.utter_message(response="utter_policy_said_above", **template_values(facts, tracker))
        elif not granted_before.replaces_explanation(policy, role, before, facts, asked, wording):
            said = without_sympathy(asked_only(policy.responses[role], tracker, domain), tracker, domain)
            if (
                policy.id in explained
                and facts.get("reference")
                and said_before(tracker, said)
                and not (for_a_person(policy) and tells_more(tracker))
                and (tracker.latest_message or {}).get("repair") != "more_told"
            ):
                # The same findings on the same record again (blind panel p35: 13 of 24): said to be above,
                # and what next. Without a record nothing was set out, and the short general words stand (p36 09).
                # A sum or a demand made just now is answered instead ("give me all the bill free, 107 dollars, or i go
                # to my lawyer", blind panel p64 O-10): its plain no, and what I can do below.
                said = demand_answer(tracker, facts) or "utter_policy_said_above"
            elif policy.id in explained and said_before(tracker, said):
                # "i want the manager to know his name is something like jake, afternoon shift yesterday" (blind
                # panel p45 10): more details of the same case, taken in; never the same paragraph again.
                said = "utter_policy_details_added" if tells_something_new(tracker) else "utter_policy_heard_again"
                details = str(tracker.get_slot("case_details") or "")
                more = str(tracker.latest_message.get("text") or "")
                if more and more not in details:
                    added = [SlotSet("case_details", f"{details}\n{more}".strip()[:2000])]  # "it's with your case now"
            dispatcher.utter_message(response=said, **template_values(facts, tracker))
            if facts.get("over_limit") and policy.id not in explained and policy.id not in OWN_LIMIT_WORDS:
                # "3 days late ... I want $200 for the hassle" (blind panel p46 21): the sum asked for is answered
                # with the case's own findings, plainly, never passed over for a $10 credit on its own.
                dispatcher.utter_message(response="utter_sum_beyond_limit", **template_values(facts, tracker))
        if where_first:
            say_before()
        followed = [SlotSet("case_type", case_type)] if case_type != tracker.get_slot("case_type") else []
        return (
            checked
            + followed
            + added
            + [
                SlotSet("policy_id", policy.id),
                SlotSet("entitled", entitled),
                SlotSet("company_at_fault", bool(facts.get("company_error") or facts.get("order_late"))),
                SlotSet("case_facts", _storable(facts)),
                SlotSet("explained_policies", explained + ([] if policy.id in explained else [policy.id])),
            ]
        )


def demand_answer(tracker: Tracker, facts: Dict[Text, Any]) -> Optional[Text]:
    """The plain no to a sum beyond the limit, or a demand with no end to it ("free coffee for a year"), made in the
    latest message; None when it made none."""
    latest = tracker.latest_message or {}
    if facts.get("over_limit") and any(e.get("entity") == "amount" for e in latest.get("entities") or []):
        return "utter_sum_beyond_limit"
    if asks_without_end(latest.get("text") or ""):
        # "free coffee for a year", "all the bill free": past anything on offer. "Something for my trouble" is no
        # demand beyond the limit: what is on offer may be just that, and is set out below.
        return "utter_demand_beyond_limit"
    return None


# Policies whose own words answer a sum asked for (the limit, or that nobody can do it).
OWN_LIMIT_WORDS = {"goodwill_limit", "beyond_anyone", "beyond_anyone_cafe"}


def _recent_words(tracker: Tracker) -> Text:
    """The customer's last two messages: "i meant the cafe" after asking for the hours."""
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return " ".join(said[-2:])


def explain_role(policy: Policy, facts: Dict[str, Any], explained: List[Text]) -> Text:
    """Which of the policy's responses explains it now: entitled, pressed, or explain."""
    if not facts.get("customer_id") and "no_account" in policy.responses:
        # A guest asking for something for the trouble, or pressing for it (blind panels p47 19, p48 19): a credit
        # goes on an account, so none is named that can't be given.
        return "no_account"
    if policy.entitles(facts) and "entitled" in policy.responses:
        return "entitled"
    if policy.id in explained and "pressed" in policy.responses:
        return "pressed"
    if facts.get("asked_loosely") and "asked_loosely" in policy.responses:
        return "asked_loosely"
    if facts.get("no_number") and "no_number" in policy.responses:
        return "no_number"
    if facts.get("coupon_honoured_here") and "honoured_here" in policy.responses:
        return "honoured_here"  # "ok nvm ill stick with spring15" after it was honoured here (blind panel p43 10)
    return "explain"


def apologises(policy_response: Text, domain: Dict[Text, Any]) -> bool:
    """Whether a response already says sorry (so nothing else in the turn needs to)."""
    variations = domain.get("responses", {}).get(policy_response) or []
    return any(re.search(r"\b(sorry|apologi[sz]e)", v.get("text") or "", re.I) for v in variations)


# Owning the mistake in so many words: "That mistake is ours", "this one is on us".
OWNS_IT = re.compile(r"\b(?:mistake is ours|our mistake|our fault|on us, not you|this one is on us)\b", re.I)


def owns_it(policy_response: Text, domain: Dict[Text, Any]) -> bool:
    """Whether every variation of a response owns the mistake already (so the sorry before it need not)."""
    variations = domain.get("responses", {}).get(policy_response) or []
    return bool(variations) and all(OWNS_IT.search(v.get("text") or "") for v in variations)


# The playbook's two moves of feeling, each once a reply: naming the customer's feeling (move 3,
# empathize) and saying sorry (move 4, apologize and own it). A second of either reads as stacked
# ("I understand..." then "I understand", or "I'm sorry" then the policy's "I'm sorry").
APOLOGY = re.compile(r"\b(?:sorry|apologi[sz]\w*)", re.IGNORECASE)
EMPATHY = re.compile(
    r"\b(?:understand\w*|frustrat\w*|i hear you|i can hear|i can imagine|i can see why"
    r"|i get it|feel the same|upset|annoy\w*|disappoint\w*|letdown|nuisance|worr(?:y|ying|ied|ies)|unsettling)",
    re.IGNORECASE,
)


def apologetic(text: Text) -> bool:
    """Whether a sentence says sorry."""
    return bool(APOLOGY.search(text or ""))


def apology_said(tracker: Tracker) -> bool:
    """Whether this reply (what the assistant said since the customer's last message) said sorry already."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and apologetic(event.get("text") or ""):
            return True
    return False


def asked_only(response: Text, tracker: Tracker, domain: Dict[Text, Any]) -> Text:
    """``response``, or its ``_asked`` twin when the customer only asked about a code ("is spring15 still
    valid?"), never said it failed: the facts, with no "I'm sorry it didn't go through" (blind panel p39)."""
    twin = f"{response}_asked"
    said = str((tracker.latest_message or {}).get("text") or "")
    return twin if twin in domain.get("responses", {}) and asks_about_a_code(said) else response


def without_sympathy(response: Text, tracker: Tracker, domain: Dict[Text, Any]) -> Text:
    """``response``, or its ``_without_sympathy`` twin in the domain (the same facts and ownership, no
    "I'm sorry") when this reply said sorry already: one apology a reply, the first one."""
    twin = f"{response}_without_sympathy"
    return twin if twin in domain.get("responses", {}) and apology_said(tracker) else response


# Facts read fresh whenever they are wanted, never kept in the tracker: a bill's calls line by line are
# said only when asked for (actions/digression.py case_values), and would weigh on every event after.
UNSTORED = frozenset({"bill_lines"})


def _storable(facts: Dict[str, Any]) -> Dict[str, Any]:
    """Facts as JSON-friendly values for the tracker and the handoff summary."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in facts.items() if k not in UNSTORED}


class ActionAnswerPolicyQuestion(ActionExplainPolicy):
    """A plain policy question in the middle of a form: the general wording, then back.

    The same answer as action_explain_policy gives a question; named apart so the
    playbook check can tell an answer to a question from a case's "no".
    """

    def name(self) -> Text:
        return "action_answer_policy_question"


def said_before(tracker: Tracker, response: Text) -> bool:
    """Whether this conversation has had ``response`` already (its name, as the server logs it)."""
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == response for e in tracker.events
    )
