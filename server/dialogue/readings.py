"""How a message is given another reading: the intents a repair gives, and the small tools for it.

server/dialogue/repair.py decides when; these say what a reading is (the intent it
names, marked with the repair that named it) and which readings are never redone.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Sequence

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair, saying_no
from gracious.catalog import CatalogError, current_catalog
from gracious.choices import Option
from gracious.references import reference_kind
from gracious.saying_no import CALL_ASKED, NO_PERSON, NOT_THE_CEO, asks_for_a_person
from gracious.saying_no import PERSON_ASKED as PERSON_ASKED  # moved there; still read from here
from gracious.signals import about_staff_conduct, said_at_the_cafe, says_it_is_faulty, says_it_is_late
from server.dialogue.in_hand import WHERE_IS, asks_only
from server.dialogue.offers import OFFER_PAYLOAD, choice_words, new_order_or_bill
from server.dialogue.two_problems import case_types, served_wrong_apart

CANCEL = "cancel"
WHY = "ask_why"
STATUS = "ask_status"
# What a new reference for the case in hand can be read as ("actually it's LK-10426").
REFERENCE_READINGS = {"inform", "deny", "affirm", "nlu_fallback", "choose_alternative"}
# What "that's all, thanks" can be read as.
CLOSING_READINGS = {"deny", "thank", "affirm", "nlu_fallback", "goodbye", "greet"}
# What a short goodbye with a word of leaving ("whatever. bye") can be read as, besides the above.
LEAVING = {"cancel", "express_frustration", "out_of_scope"}
# What a short "why?" can be mistaken for (besides the case in hand).
WHY_READINGS = {WHY, "ask_policy", "nlu_fallback", "deny", "express_frustration", "out_of_scope", "inform", "affirm"}
# Intents never re-read: someone asking for a person or saying goodbye means it.
MEANT = {"request_human", "request_executive", "goodbye"}
# A code with a space or dash, named as a code: "summer 20 code", "code welcome-10".
SPACED_CODE = re.compile(
    r"\b([A-Za-z]{4,}[\s-]\d{2})\s+(?:code|coupon|promo|voucher)\b|\b(?:code|coupon|promo|voucher)\s+([A-Za-z]{4,}[\s-]\d{2})\b",
    re.I,
)

# Where a number was found: "found it in my email", "its on my confirmation email", "got it from my inbox".
FOUND_IN_MAIL = re.compile(
    r"\b(?:found|find|got|have|had|its|it'?s|it\s+is|was|is)\s+(?:it\s+)?(?:in|on|from)\s+(?:my|the|your|an?)\s+"
    r"(?:\w+\s+)?(?:e-?mails?|inbox|confirmation)\b"
    # "ok hang on, found the confirmation email. its LK-10422" (blind panel p58 D11: the email follow-up taken)
    r"|\b(?:found|got|have|dug up|pulled up)\s+(?:the|my|that)\s+(?:\w+\s+)?(?:e-?mail|confirmation)\b",
    re.I,
)


def read_as(parsed: Dict[str, Any], intent: str, repaired: str, entities: Optional[list] = None) -> Dict[str, Any]:
    """``parsed`` read as ``intent`` for certain, marked with the repair that read it so."""
    reread = dict(parsed)
    reread["intent"] = {"name": intent, "confidence": 1.0}
    reread["intent_ranking"] = [reread["intent"]]
    if entities is not None:
        reread["entities"] = entities
    reread["repair"] = repaired
    return reread


def second_reading(parsed: Dict[str, Any], dropped: str = WHY) -> Dict[str, Any]:
    """The classifier's next reading, with ``dropped`` taken out of its ranking."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != dropped]
    if not ranking:
        return parsed
    reread = dict(parsed, intent=ranking[0], intent_ranking=ranking)
    reread["repair"] = "not_why" if dropped == WHY else f"not_{dropped}"
    return reread


def entities_of(parsed: Dict[str, Any], *names: str) -> list:
    """The entities of ``parsed`` named ``names``."""
    return [e for e in parsed.get("entities") or [] if e.get("entity") in names]


# "forget the coupon", "never mind the code": the coupon dropped for something else.
DROPS_THE_COUPON = re.compile(
    r"\b(?:forget|never ?mind|nvm|drop|skip|leave|scrap|scratch)\s+(?:about\s+)?(?:the\s+|that\s+|my\s+)?"
    r"(?:coupon|code|promo|voucher|discount)",
    re.I,
)


def not_a_coupon(parsed: Dict[str, Any], tracker: DialogueStateTracker) -> Dict[str, Any]:
    """ "it hasnt gone out yet!! can you not just change the size", in another case, read
    as a coupon problem: without a code or a coupon word it isn't one."""
    text = parsed.get("text") or ""
    if (
        (parsed.get("intent") or {}).get("name") == "coupon_problem"
        and tracker.get_slot("case_type") not in (None, "coupon_problem")
        and not entities_of(parsed, "coupon_code")
        and not repair.says("coupon_words", text)
    ):
        return second_reading(parsed, "coupon_problem")
    if (
        (parsed.get("intent") or {}).get("name") == "coupon_problem"
        and DROPS_THE_COUPON.search(text)
        and not entities_of(parsed, "coupon_code")
        and any(reference_kind(e.get("value")) == "order" for e in entities_of(parsed, "order_id"))
    ):
        # "fine forget the coupon. where is my grinder LK-10423": the order, not the coupon again.
        return second_reading(parsed, "coupon_problem")
    return facts_decide(parsed)


def not_the_top(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Dict[str, Any]:
    """ "hi the headphones i got crackle in the left ear" read as wanting the CEO: with nobody at the
    top named (catalog/repair.yml `top_words`), the classifier's next reading."""
    text = parsed.get("text") or ""
    if (
        (parsed.get("intent") or {}).get("name") == "request_executive"
        and not text.startswith("/")
        and (tracker is None or tracker.get_slot("case_type") != "request_executive")
        and not repair.says("top_words", text)
    ):
        return second_reading(parsed, "request_executive")
    return parsed


# Below this share of the classifier's belief a reading is no candidate (as for the clarifying buttons).
CANDIDATE_CONFIDENCE = 0.12
# Candidates the facts cannot decide for: someone asked for.
SOMEONE = {"request_human", "request_executive", "request_callback"}


# "my grinder was supposed to come", "my parcel still hasnt": a thing of theirs, told of.
THING_OF_THEIRS = re.compile(r"\bmy\s+[a-z]+\s+(?:was|is|has|hasn'?t|still|never)\b", re.I)


# Something that did come, and isn't right: "came in red", "wrong size", "instead of".
WRONG_THING = re.compile(
    r"\b(?:wrong|instead|came\s+in|arrived\s+in|sent\s+(?:me\s+)?(?:the|a)\b|size|colou?r|broken|damaged|faulty|missing\s+(?:a|the|one))\b",
    re.I,
)


def facts_decide(parsed: Dict[str, Any]) -> Dict[str, Any]:
    """ "BL-30018 still missing its discount, can you credit it": unsure between a coupon and a bill,
    the classifier would have the customer choose; the bill number decides, as the catalog's `becomes`
    says it would once the case is open (a bill is a bill dispute, a café visit a remake), so nobody
    is asked which."""
    text = parsed.get("text") or ""
    name = (parsed.get("intent") or {}).get("name")
    named = bool(entities_of(parsed, "item") or entities_of(parsed, "order_id") or THING_OF_THEIRS.search(text))
    if (
        name in ("nlu_fallback", "complain_no_response", "report_wrong_item")
        and named
        and (says_it_is_late(text) or (name == "nlu_fallback" and WHERE_IS.search(text)))
        and not says_it_is_faulty(text)
        and not entities_of(parsed, "coupon_code")
        # "my sister priya ordered a coffee grinder, it didnt come" (blind panel p52 12) is late; "the dress came in
        # red, the navy one never came" is a wrong item.
        and not (name == "report_wrong_item" and WRONG_THING.search(text))
        # "my coffee was cold and the barista was rude, and also my order LK-10423 hasnt come": a café visit told
        # beside the order is a problem of its own, read part by part (server/dialogue/two_problems.py).
        and not served_wrong_apart(text)
    ):
        # "wow love how my grinder was supposed to come days ago and not a single email", "i dont want a call i want
        # to know where my coffee grinder is" (blind panel p49 05): the order that hasn't come, whatever else.
        return read_as(parsed, "check_order_status", "facts")
    if (
        name == "check_order_status"
        and says_it_is_faulty(text)
        and not says_it_is_late(text)
        and not WHERE_IS.search(text)
        and not said_at_the_cafe(text)
    ):
        # "my headphones LK-10426 keep cutting out on the left side" read as where they are (a conversation of our
        # own, 5 December): something that doesn't work, never "the courier marked it as delivered".
        return read_as(parsed, "report_wrong_item", "facts")
    if name != "nlu_fallback" or entities_of(parsed, "coupon_code"):
        return parsed
    if (
        says_it_is_faulty(text)
        and not said_at_the_cafe(text)
        and not repair.says("coupon_words", text)
        # "my shoes LK-10422 came scuffed. can you ring me": the call asked for (server/dialogue/repair.py).
        and not repair.asks_for_a_call(text)
    ):
        # "and the umbrella actually leaks too btw", "my umbrella leaks" (blind panel p48 19): something that doesn't
        # work, whatever the classifier couldn't place; the catalog's facts make it a faulty item.
        return read_as(parsed, "report_wrong_item", "facts")
    if about_staff_conduct(text) and not repair.asks_for_a_call(text) and not served_wrong_apart(text):
        # "thanks. tbh the guy at the counter rolled his eyes when i said it was wrong, not great" after a remake (a
        # conversation of our own, 6 December: "is it one of these?"): how they were treated, a complaint of its own.
        # With a cold latte told as well, two problems (server/dialogue/two_problems.py), never the latte dropped.
        return read_as(parsed, "complain_service", "facts")
    kind = reference_kind(next((e.get("value") for e in entities_of(parsed, "order_id")), None))
    facts = {"reference_kind": kind} if kind else {}
    if said_at_the_cafe(text):
        facts["item_category"] = "cafe"  # "a tiny cappuccino at the high st cafe, i paid for a large"
    if not facts or repair.says("coupon_words", text):
        return parsed
    ranked = [
        str(r.get("name"))
        for r in parsed.get("intent_ranking") or []
        if float(r.get("confidence") or 0) >= CANDIDATE_CONFIDENCE
    ]
    kinds = [name for name in ranked if name in (case_types() or ())]
    if len(kinds) < 2 or SOMEONE & set(ranked):
        return parsed  # a question about the record ("ask_status") is no other candidate
    followed = {current_catalog().follow(name, facts) for name in kinds}
    return read_as(parsed, followed.pop(), "facts") if len(followed) == 1 else parsed


def whole_message(entity: str, value: Any, text: str) -> Dict[str, Any]:
    """An entity a repair found in the whole message (a time, a topic, an option)."""
    return {"entity": entity, "value": value, "start": 0, "end": len(text), "extractor": "repair"}


# What an upset "no" to an open offer may have been read as: nothing with a move of its own.
VAGUE = {
    "nlu_fallback",
    "inform",
    "affirm",
    "express_frustration",
    "out_of_scope",
    "choose_alternative",
    "complain_service",
    "demand_compensation",
}


def upset_no(
    parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker], options: Sequence[Option], intent: Optional[str]
) -> Optional[Dict[str, Any]]:
    """ "NO. I NEEDED IT FOR SATURDAY", "no refund. i needed it for the weekend" to an open offer,
    naming nothing it takes: the feeling answered and the offer put again (express_frustration),
    never a choice, nor the case told again, nor a refund case opened for a refund refused."""
    text = parsed.get("text") or ""
    if tracker is None or tracker.get_slot("in_queue") or not any(o.payload.startswith(OFFER_PAYLOAD) for o in options):
        return None  # a waiting customer's words are read for the wait (server/dialogue/waiting.py)
    if tracker.get_slot("callback_id") and repair.mentions_time(text):
        return None  # "no, I said 12:30 not 10" with a call booked: the call moved (blind panel p39 23)
    words = choice_words()
    same_case = intent is not None and intent == tracker.get_slot("case_type")
    # "a refund won't fix it" read as a refund case: the option refused, never a case opened for it.
    refused_case = (
        intent in case_types()
        and not same_case
        and not new_order_or_bill(parsed, tracker)  # "not the credit, my bill BL-30018 is wrong too": a new case
        and saying_no.refuses(text, options, words)
    )
    # Otherwise said loud: a calm "i dont want a credit, i want to know when it arrives" is read as usual.
    if refused_case or (saying_no.loud(text) and (intent in VAGUE or same_case)):
        return read_as(parsed, "express_frustration", "upset_no")
    return None


# What an open form takes from a message as its answer (an email or phone checks who they are, and stays).
FORM_ANSWERS = {"coupon_code", "order_id", "time", "item", "amount", "alternative"}
# Readings that ask for someone already, each with its own move.
ASKED_SOMEONE = {"request_human", "request_executive", "request_callback"}


# Someone of the team named, however plainly: "a person", "an ordinary member of your staff", "someone".
TEAM_MEMBER = re.compile(rf"\b{saying_no.SOMEONE}", re.I)
# A call said to be unwanted beside the email: "by email rather than telephone", "not a phone call".
NOT_BY_PHONE = re.compile(
    r"\b(?:rather than|instead of|not|no)\s+(?:by\s+|a\s+|on\s+the\s+)?(?:tele)?(?:phone|call)(?:\s+call)?s?\b", re.I
)


def person_by_email(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "put me in touch with a person, but I would prefer they write to me by email rather than telephone",
    "Talk to a person. By email please." (blind panel p58 D3: the CEO's office, then a call's time asked): the team's
    email follow-up, a person who writes; never a call nor the CEO."""
    text = (parsed.get("text") or "").strip()
    if tracker is None or not text or text.startswith("/") or parsed.get("safety") or tracker.active_loop_name:
        return None
    if not (tracker.get_slot("case_type") or tracker.get_slot("handoff_id")):
        return None
    if not (repair.says("person", text) or TEAM_MEMBER.search(text)) or not repair.wants_email_instead(text):
        return None
    call_asked = repair.ASKS_FOR_A_CALL.search(NOT_BY_PHONE.sub(" ", text)) and not repair.refuses_call(text)
    if call_asked or repair.says("ceo_words", NOT_THE_CEO.sub(" ", text)):
        return None
    email = whole_message("alternative", "email_followup", text)
    return read_as(parsed, "choose_alternative", "switch_channel", [email, *entities_of(parsed, "email")])


def person_asked(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "i asked to be connected. please just connect me" mid-form or mid-case: a person, before any
    reading of the form, the topic or the buttons. Not while queued for one already (the waiting
    reading answers that: server/dialogue/waiting.py), and not a call asked for."""
    text = (parsed.get("text") or "").strip()
    intent = (parsed.get("intent") or {}).get("name")
    if tracker is None or not text or text.startswith("/") or parsed.get("safety") or parsed.get("language"):
        return None
    if tracker.get_slot("in_queue") or CALL_ASKED.search(text):
        return None
    if repair.says("ceo_words", text) and not NOT_THE_CEO.search(text):
        return None  # "I want to speak to your CEO. Not a manager, not a bot, the CEO. Put me through now.": the CEO
    if tracker.get_slot("requested_slot") == "callback_time" and repair.mentions_time(text):
        return None  # "tomorrow at 8 sharp. and it better be a manager": the time first (form_rest.py)
    if intent in ASKED_SOMEONE:
        # Read so already; only an answer for an open form is taken out of it.
        kept = _kept(parsed, tracker)
        if intent == "request_human" and len(kept) < len(parsed.get("entities") or []):
            return read_as(parsed, intent, "person", kept)
        return None
    if asks_for_a_person(text):
        # Asked in a sentence of its own, however long the complaint around it.
        return read_as(parsed, "request_human", "person", _kept(parsed, tracker))
    # "you're not a real person are you" names one without asking: the short list counts only beside another reading.
    short = len(text.split()) <= 20 and not NO_PERSON.search(text)
    # "third time: will a MANAGER be calling me?" asks about the person coming (an answer), it asks for nobody.
    if short and repair.asks_for_a_person(text) and intent != "bot_challenge" and not asks_only(text):
        return read_as(parsed, "request_human", "person", _kept(parsed, tracker))
    return None


def _kept(parsed: Dict[str, Any], tracker: DialogueStateTracker) -> list:
    """The message's entities, but none an open form would take as its answer ("SPRING15 but i said i
    want a person" fills no coupon slot, so the form lets the person through)."""
    if not tracker.active_loop_name:
        return list(parsed.get("entities") or [])
    return [e for e in parsed.get("entities") or [] if e.get("entity") not in FORM_ANSWERS]


# "i want 50 off", "give me 50 back": a sum asked for (money words after it, or a $ before it).
MORE_ASKED = re.compile(
    r"\b(?:i\s+want|i'?d\s+(?:like|want)|give\s+me|i\s+need|i\s+expect|i\s+deserve|at\s+least|more\s+like|make\s+it)"
    r"\s+(?:a\s+|like\s+|at\s+least\s+)?(?:\$\s*(\d{2,4})|(\d{2,4})\s*(?:\$|dollars?|bucks|quid|off|back|credit|compensation))",
    re.I,
)


# "can you make the credit 25 instead?" (blind panel p34 02): a bigger sum for the credit offered.
CREDIT_RAISED = re.compile(
    r"\b(?:make|raise|bump|up)\s+(?:the|that|my)\s+credit\s+(?:up\s+)?(?:to\s+)?\$?\s*\d{2,4}\b", re.I
)


def wants_more(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "10 bucks?? thats it? i want 50 off" while an offer is open: more asked for than it holds.
    Answered in the case (utter_answer_more_than_offered: more isn't mine to give, a person can look),
    then the same offer again; never a menu of readings, "I'd rather not guess", nor a new case."""
    text = parsed.get("text") or ""
    if tracker is None or text.startswith("/") or parsed.get("safety") or tracker.active_loop_name:
        return None
    offered = tracker.get_slot("offered_alternatives") or []
    if not _money_offered(offered) or tracker.get_slot("accepted_alternative"):
        return None  # with no money on offer ("make it stop raining"), a sum asked for is a claim (the limit said)
    if MORE_ASKED.search(text) is None and CREDIT_RAISED.search(text) is None:
        return None
    answer = "utter_answer_more_than_offered"
    return dict(read_as(parsed, WHY, "case_question"), answer=answer, answers=[answer], answer_person=False)


# A sum said to be no request: "who asked for 45 dollars??", "i never asked for 76", "i didnt ask for money".
NOT_ASKED = re.compile(
    r"\b(?:who|when did i|where did i)\s+(?:\w+\s+)?asked?\b|\b(?:i\s+)?(?:never|didn'?t|did\s+not|havent|haven'?t)\s+ask(?:ed)?\b",
    re.I,
)


def amount_pressed(
    parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker], text: str
) -> Optional[Dict[str, Any]]:
    """ "and the 5000?", "so 5000 yes or no" (blind panel p39 13): the sum asked for earlier in the chat,
    pressed again in a few words. A plain no, explained, with a person offered
    (utter_answer_amount_pressed); never "what's gone wrong" nor a menu of readings."""
    asked = tracker.get_slot("amount") if tracker is not None else None
    # A few words, or a sentence or two ("did you even read what i wrote? 1000 dollars. and free phone
    # service for life.": blind panel p42 22).
    if not asked or tracker is None or tracker.active_loop_name or len(text.split()) > 20 or text.startswith("/"):
        return None
    try:
        beyond = float(asked) > current_catalog().max_credit  # "the 25 please" at a $25 limit takes it
        paid = (tracker.get_slot("case_facts") or {}).get("order_total")
        if paid is not None and abs(float(asked) - float(paid)) < 0.01:
            return None  # "omg stop with the 75 dollars" about $75 headphones: the price paid (blind panel p47 06)
    except (CatalogError, ValueError, TypeError, AttributeError):
        return None
    whole = re.sub(r"\D", "", str(asked).split(".")[0]) if beyond else ""
    said = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # "5,000" is 5000
    if not whole or not re.search(rf"(?<![\d.]){whole}(?![\d])", said) or repair.asks_for_a_person(text):
        return None
    if NOT_ASKED.search(text):
        return None  # "who asked for 45 dollars?? im asking how i cancel" (blind panel p49 22): never asked for
    if len(text.split()) > 8 and not re.search(
        rf"\${whole}(?![\d])|(?<![\d.]){whole}\s*(?:dollars|bucks|usd)\b", said, re.I
    ):
        return None  # said at length, the sum is said as money: "my order 5000 something is late ..." is no sum
    answer = "utter_answer_amount_pressed"
    return dict(read_as(parsed, WHY, "case_question"), answer=answer, answers=[answer], answer_person=True)


def goodwill_asked(
    parsed: Dict[str, Any], text: str, intent: Optional[str], case_type: Optional[str]
) -> Optional[Dict[str, Any]]:
    """ "and the something extra for my trouble?", "yes or no, can you give me a goodwill credit" in a
    case: asked for, not asked about, nor out of scope (blind panel p34 08). The goodwill policy
    says what is in hand (catalog/repair.yml `asks_compensation`)."""
    if not case_type or intent not in ("out_of_scope", "nlu_fallback", "demand_compensation", "ask_policy"):
        return None
    if not repair.says("asks_compensation", text) or repair.asks_why(text):
        return None
    amounts = [e for e in parsed.get("entities") or [] if e.get("entity") == "amount"]
    return read_as(parsed, "demand_compensation", "compensation_asked", amounts)


def _money_offered(offered: Sequence[str]) -> bool:
    """A credit or a refund among the alternatives offered (catalog/policies.yml kinds)."""
    try:
        known = current_catalog().alternatives
    except CatalogError:
        return False
    return any(a in known and known[a].kind in ("credit", "refund") for a in offered)
