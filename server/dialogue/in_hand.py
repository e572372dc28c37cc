"""What a conversation has in hand, as server/dialogue/repair.py reads it: a question, a case,
something granted or booked, the customer's previous message, a new phone number.

Pure functions of the message and the tracker, apart so the repair reading itself
stays one readable table of moves.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair, signals
from gracious.choices import ASKING, QUESTION
from gracious.contact_details import without_phones
from gracious.references import find
from gracious.saying_no import asks_for_a_person
from server.dialogue import two_problems

# Words that ask for a call, not merely mention calls ("call me", "a call back", "ring me").
ASKS_FOR_A_CALL = repair.ASKS_FOR_A_CALL  # (kept here for the readings that name it)


# "ok but WHEN will it actually get here", "also is there any way to stop roaming":
# a question after a word or two of lead-in, with no question mark.
LED_IN_QUESTION = re.compile(
    r"^(?:(?:ok|okay|so|but|and|well|right|hang on|wait|also|oh|hmm|um|lol|yeah|fine|actually)\W+){1,4}"
    r"(?:why|what|whats|how|when|where|who|which|is|are|does|(?:do|did)\s+(?:i|you|we|they|u)|will|would|can|could|should|shall)\b"
)


# A question inside a statement, without a question mark: "so if i go back to checkout will it work now or what" (blind
# panel p47 12), "will it come by friday or not".
INNER_QUESTION = re.compile(
    r"\b(?:will|would|does|is|can)\s+(?:it|they|that|this)\b.*\b(?:or what|or not)\W*$"
    r"|\bif\b.*\b(?:will|would)\s+(?:it|they|that|this)\s+(?:work|go through|come|arrive|apply)\b"
)


def is_question(text: str) -> bool:
    said = " ".join(text.lower().split())
    return bool(
        QUESTION.search(said) or ASKING.search(said) or LED_IN_QUESTION.search(said) or INNER_QUESTION.search(said)
    )


def opens_a_question(text: str) -> bool:
    """A question mark, or a sentence or clause that opens with a question word ("you skipped my
    question, what did the london calls cost": blind panel p34 07); "can you..." is a request."""
    said = " ".join(text.lower().split())
    return any(QUESTION.search(c.strip()) for c in re.split(r"[.,;!]+\s+", said) if c.strip())


# Words that say nothing of what the case is about by themselves.
_PLAIN = frozenset(
    "this that there they them then than have with what your were was been being just still really about from even"
    " again also said told know like well yeah yes please thanks thank would could should never".split()
)


def more_of_the_case(text: str, tracker: DialogueStateTracker) -> bool:
    """ "yes the calls were to a number in Spain that I have never heard of and on days I was in hospital" once the
    bill's calls were told: a statement of some length, about something the customer named earlier in the case."""
    if len(text.split()) < 8 or is_question(text):
        return False
    earlier = {
        w
        for e in tracker.events
        if isinstance(e, UserUttered) and e.text and e.text != text
        for w in re.findall(r"[a-z]{4,}", e.text.lower())
    }
    return any(w in earlier and w not in _PLAIN for w in re.findall(r"[a-z]{4,}", text.lower()))


WHERE_IS = re.compile(
    r"\b(?:where(?:'s|s| is)?\s+(?:is\s+)?(?:my|our|the|it)|where(?:'s| is)|status of|when (?:will|does|is) (?:it|my|the)"
    r"|track\w*)\b",
    re.I,
)


# When an order gets here: "i just want to know when it gets here", "when will it be delivered".
ARRIVAL_ASKED = re.compile(
    r"\bwhen\b[^.?!]{0,30}?\b(?:arrive[sd]?|arriving|get(?:s|ting)? here|come[s]?|coming|(?:be\s+)?deliver(?:ed|y)?"
    r"|be here|turn(?:s)? up|show(?:s)? up|reach(?:es)? me|ship(?:s|ped)?|dispatch\w*|land[s]?|expect (?:it|them))\b",
    re.I,
)
# What else may be waited for: "when will my refund arrive" is no question about the order.
NOT_THE_ORDER = re.compile(r"\b(?:refund|money|credit|label|call|email|replacement|new one|exchange)\b", re.I)


def arrival_asked(tracker: DialogueStateTracker, text: str) -> bool:
    """ "i dont want to change anything, i just want to know when it gets here" about an order not yet delivered, in
    another kind of case about it (blind panel p60 G12: out of scope, then "I'd rather not guess"): where it is."""
    facts = tracker.get_slot("case_facts") or {}
    if tracker.active_loop_name or tracker.get_slot("case_type") in (None, "check_order_status"):
        return False
    about_an_order = tracker.get_slot("case_type") in two_problems.ORDER_KINDS
    if about_an_order and not (facts.get("reference_kind") == "order" and facts.get("reference_found")):
        return False  # an order's case with no order found: a question about that case
    if facts.get("reference_kind") == "order" and facts.get("order_delivered"):
        return False  # (in a bill's case the order is found from the account or asked for)
    if any(isinstance(e, dict) and e.get("state") in ("done", "before") for e in tracker.get_slot("settled") or []):
        return False  # "when will it arrive?" after a replacement is about the replacement
    if facts.get("reference_kind") == "bill" and (facts.get("granted_kinds") or facts.get("arranged_before")):
        # "my app still shows 76 dollars owing, so where is it" about a bill's credit given before (blind panel p65 R-03:
        # "Which order is it?"): the credit, never an order.
        return False
    return bool(ARRIVAL_ASKED.search(text) or WHERE_IS.search(text)) and not NOT_THE_ORDER.search(text)


# Delivery updates asked for in words: "can you send me tracking emails instead", "tracking emails please".
UPDATES_ASKED = re.compile(
    r"\b(?:tracking|delivery|shipping)\s+(?:e-?mails?|updates?|info|notifications?)\b|\be-?mail\s+updates?\b"
    r"|\bupdates?\s+(?:by|via|over)\s+e-?mail\b|\be-?mail\s+me\s+(?:the\s+)?(?:tracking|updates)\b",
    re.I,
)


# "no tracking please", "the refund, without the updates": updates turned down beside the stop-updates words.
NO_UPDATES = re.compile(r"\b(?:no|not|without)\s+(?:any\s+|the\s+)?(?:tracking|delivery\s+updates|updates)\b", re.I)


def updates_asked(tracker: DialogueStateTracker, text: str) -> bool:
    """ "hmm actually if its nearly here maybe ill just keep it. can you send me tracking emails instead" about an order
    on its way (blind panel p61 J09: the refund talked of three times): its delivery updates, offered or not."""
    facts = tracker.get_slot("case_facts") or {}
    if tracker.active_loop_name or facts.get("reference_kind") != "order" or not facts.get("reference_found"):
        return False
    if facts.get("order_delivered") or "delivery_updates" in (tracker.get_slot("granted_alternatives") or []):
        return False
    return bool(UPDATES_ASKED.search(text)) and not (signals.asks_to_stop_updates(text) or NO_UPDATES.search(text))


# A question after a detail of the case in hand ("can you see who the courier is?", "which depot is it in?").
WHO_OR_WHICH = re.compile(r"\s*(?:(?:and )?(?:can|could) you (?:see|tell me|find out|check) )?(?:who|which)\b", re.I)


def question_about_the_case(
    text: str, intent: Optional[str], case_type: Optional[str], tracker: DialogueStateTracker, items: Iterable[str] = ()
) -> bool:
    """A question during a case the classifier filed as another kind of complaint, or
    as the same one again after something was granted."""
    if not case_type or not tracker.get_slot("policy_id") or not opens_a_question(text):
        return False
    cases = two_problems.case_types()
    if intent == "check_order_status" and case_type not in two_problems.ORDER_KINDS and WHERE_IS.search(text):
        return False  # "where is my order LK-10424", in a case about no reply: the order's case
    if intent in two_problems.case_types() and _another_item(items, tracker):
        return False  # "my coffee grinder order is late... where is it" in the cold coffee's case (p36 22)
    other_case = intent in cases and intent != case_type
    # "can you see who the courier is?" filed as the same case again: a detail asked about, not the case anew.
    detail = intent == case_type and bool(WHO_OR_WHICH.match(text))
    again = (intent == case_type and bool(tracker.get_slot("accepted_alternative"))) or detail
    return other_case or again or intent in ("out_of_scope", "nlu_fallback", "give_feedback", "choose_alternative")


def _another_item(items: Iterable[str], tracker: DialogueStateTracker) -> bool:
    """Whether the message names an item (``items``), and not the one the case in hand is about."""
    held = (tracker.get_slot("item") or "").lower()
    named = [str(item).lower() for item in items if item]
    return bool(held and named) and not any(item in held or held in item for item in named)


def case_for(reference: str, parsed: Dict[str, Any], case_type: Optional[str]) -> str:
    """The kind of case a reference opens: a coupon, a bill, or the order case in hand."""
    if any(
        e.get("entity") == "coupon_code"
        for e in [e for e in parsed.get("entities") or [] if e.get("entity") == "coupon_code"]
    ):
        return "coupon_problem"
    if reference.upper().startswith("BL-"):
        return "dispute_charge"
    return (
        case_type
        if case_type in ("report_wrong_item", "request_refund", "check_order_status")
        else "check_order_status"
    )


def new_number(text: str) -> Optional[str]:
    """A full phone number in the message, said as the one to use ("use 555 0142"), or given on its own
    ("555 0101", "its 555 0101"): after a call booked on the account's number, the one to ring."""
    found = [f for f in find(text) if f.entity == "phone" and len(re.sub(r"\D", "", f.value)) >= 7]
    wants = re.search(r"\b(?:use|on|number|instead|new|call me on|ring me on|old)\b", text, re.I)
    rest = text
    for f in found:
        rest = rest.replace(f.value, " ")
    bare = len(re.findall(r"[^\W\d_]+", rest)) <= 2
    return found[-1].value if found and (wants or bare) else None


def previous_text(tracker: DialogueStateTracker) -> str:
    """The customer's message before this one ("what are your hours?" before "i meant the cafe")."""
    said = [e.text or "" for e in tracker.events if isinstance(e, UserUttered)]
    return said[-1] if said else ""


def said_last_turn(tracker: Optional[DialogueStateTracker]) -> List[str]:
    """The responses the assistant said since the customer's last message (their names)."""
    said: List[str] = []
    for event in reversed(tracker.events if tracker is not None else []):
        if event.type_name == "user":
            break
        if event.type_name == "bot":
            said.append(str((getattr(event, "metadata", None) or {}).get("utter_action") or ""))
    return said


# Said last turn, they make "send it again" the label's email: "tell me and I'll send it again".
OFFERS_TO_RESEND = {"utter_answer_return_label", "utter_answer_return_label_again", "utter_resend_done"}


def resend_asked(text: str, tracker: Optional[DialogueStateTracker]) -> bool:
    """ "resend the label", "i never got the label" in a case, or "yes please send it again" just after the label's
    answer offered it (blind panel p50 24): our email, sent again (actions/status_records.resend)."""
    if repair.asks_to_resend(text):
        return True
    if tracker is None:
        return False
    if repair.label_never_came(text):
        # In a case, or coming back in a new chat: "hi again, i chatted earlier about the red dress. the return label
        # never showed up in my email?" (blind panel p66 S-01b: told it "went to your email").
        return True
    return bool(repair.RESEND.search(text)) and bool(OFFERS_TO_RESEND & set(said_last_turn(tracker)))


def something_settled(tracker: DialogueStateTracker) -> bool:
    """Whether this conversation granted, took back or booked anything."""
    if tracker.get_slot("settled") or tracker.get_slot("callback_id"):
        return True
    return any(isinstance(e, SlotSet) and e.key == "callback_id" and e.value for e in tracker.events)


def call_was_booked(tracker: DialogueStateTracker) -> bool:
    """Whether a call was booked in this chat at some point (and may since have been cancelled)."""
    return any(isinstance(e, SlotSet) and e.key == "callback_id" and e.value for e in tracker.events)


def resizable_started(tracker: DialogueStateTracker) -> Optional[str]:
    """The exchange or replacement this chat started that still stands (the last one), whose size may change."""
    started = [
        str(e.get("alternative"))
        for e in tracker.get_slot("settled") or []
        if isinstance(e, dict) and e.get("kind") in ("exchange", "replacement") and e.get("state") == "done"
    ]
    return started[-1] if started else None


# "did you actually send that email?", "nothing in my inbox yet": about an email we sent.
ABOUT_MAIL = repair.ABOUT_MAIL  # the same words the answer (actions/status_records.py) looks for
# "did the credit go through?": about a grant, asked in any chat.
GONE_THROUGH = re.compile(
    r"\b(?:go|gone|went)\s+(?:through|thru)\b|\bdid (?:i|you) (?:get|give|apply|actually)\b", re.I
)


def asks_where_things_stand(text: str, tracker: DialogueStateTracker, named: bool) -> bool:
    """A question about what was done: after something was settled in this chat, or naming
    it in a case, or about an email we sent or a grant gone through (the records answer)."""
    if not repair.asks_status(text):
        return False
    about_records = bool(ABOUT_MAIL.search(text)) or (
        bool(GONE_THROUGH.search(text)) and bool(repair.named_kinds(text))
    )
    # "i checked my account and i dont see it" with the record's credit given in another chat (blind panel p58 D7).
    granted_before = bool((tracker.get_slot("case_facts") or {}).get("granted_kinds"))
    return something_settled(tracker) or named or about_records or granted_before


YES_OR_NO = re.compile(r"^\W*(?:(?:just|so|ok|now)\s+)?(?:yes or no|yes/no|y/n|yes or not|true or false)\W*$", re.I)


def asks_only(text: str) -> bool:
    """ "third time: will a MANAGER be calling me?": a question about a person, not a request for one."""
    # "so will the 4pm person know about the sandwich charge or not. yes or no" (blind panel p49 18): the demand for a
    # straight answer asks too.
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text or "") if s.strip() and not YES_OR_NO.match(s)]
    return bool(sentences) and all(is_question(s) for s in sentences) and not asks_for_a_person(text)


# "i'm logged in cant you see it" with the signed-in customer's record already in hand (blind panel p38).
SEE_IT = re.compile(
    r"\b(?:can'?t|cant|can ?not) you see (?:it|that|them|my (?:bill|order|account))\b"
    r"|\b(?:i'?m|i am) (?:already )?(?:logged|signed) in\b"
    r"|\byou (?:should|can|must) (?:be able to )?see (?:it|that|them)\b",
    re.I,
)


def reference_again(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "LK-10422" typed when that order is already the one in hand (looked up from the signed-in
    account before it was asked for): said to be the one, and back to where we were; never "what's
    gone wrong?" as if the case were new."""
    from server.dialogue.readings import WHY, read_as

    text = (parsed.get("text") or "").strip()
    held = re.sub(r"\D", "", str(tracker.get_slot("order_id") or "")) if tracker is not None else ""
    given = [
        re.sub(r"\D", "", str(e.get("value") or ""))
        for e in parsed.get("entities") or []
        if e.get("entity") == "order_id"
    ]
    in_hand = (
        bool(held) and tracker is not None and not tracker.active_loop_name and bool(tracker.get_slot("case_type"))
    )
    # "i'm logged in cant you see it": yes, the record in hand is theirs.
    sees_it = in_hand and not given and len(text.split()) <= 12 and bool(SEE_IT.search(text))
    if not sees_it and (
        not held
        or text.startswith("/")
        or tracker is None
        or tracker.active_loop_name
        or not tracker.get_slot("case_type")
        or not given
        or set(given) != {held}
        or len(text.split()) > 5
        or is_question(text)  # "where is my order LK-10424" asks about it
    ):
        return None
    marks = {
        "answer": "utter_answer_same_reference",
        "answers": ["utter_answer_same_reference"],
        "answer_person": False,
    }
    return dict(read_as(parsed, WHY, "case_question"), **marks)


def only_a_time(text: str) -> bool:
    """ "monday 10am", "tomorrow at 2 please": a time and nothing else."""
    return (
        repair.mentions_time(text)
        # A day, a part of the day or a clock time said as one ("it was 4.50 each time" is a price, a conversation of
        # our own, 5 December).
        and bool(repair.NAMES_WHEN.search(without_phones(text)))
        and len(text.split()) <= 5
        and "?" not in text
        and not re.search(r"\b(?:no|not|dont|don't|cancel|email|instead)\b|\d{4,}", text, re.I)
    )


def time_entity(text: str) -> Dict[str, Any]:
    """The whole message as the time of a call (the callback form reads the time in it)."""
    return {"entity": "time", "value": text, "start": 0, "end": len(text), "extractor": "typed_choice"}


# "I suppose 10 is better than nothing. I will take that." just after today's offer was told (blind panel p72 AF-12:
# "None of these", read from "nothing"): the option the answer was about, taken.
TAKES_THAT = re.compile(
    r"\b(?:i'?ll|ill|i\s+will|i'?d|i\s+would|let\s+me|can\s+i|could\s+i|i\s+can)\s+(?:just\s+)?"
    r"(?:take|have|use|go\s+with|go\s+for|try)\s+(?:that|it|this|that\s+one|that\s+code|that\s+offer|the\s+offer)\b"
    r"|\b(?:that|it)\s+(?:will|'?ll)\s+do\b",
    re.I,
)
NOT_THAT = re.compile(r"\b(?:not|don'?t|dont|won'?t|wont|never|rather\s+not)\b", re.I)


def takes_that(text: str) -> bool:
    """ "I will take that", "ill use it", "that'll do": what was just told, taken plainly (no "not" beside it)."""
    return bool(TAKES_THAT.search(text or "")) and not NOT_THAT.search(text or "")
