"""Two problems in one message: take the first, note the second, come back to it.

"my bill BL-30017 is wrong and my order LK-10423 still hasn't come" is read by the
classifier as one intent, and the second problem is dropped. Here a message that
opens a case is split where a customer joins two thoughts ("and", "also", a new
sentence ...); each part is read alone. When two parts open different kinds of case,
the message keeps the first (with only that part's references), and the second is
kept in the parse as `second_problem` (its intent, the customer's own words and its
references). action_empathize notes it; when the first case is settled,
action_apply_alternative offers to look at it, with the customer's words quoted.
"""

from __future__ import annotations

import json
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Reversible, Set, Tuple

from rasa.shared.core.events import BotUttered, UserUttered

from gracious import references, repair, signals
from gracious.catalog import CatalogError, current_catalog
from gracious.second_problem import latest_told
from gracious.signals import about_staff_conduct, said_at_the_cafe, says_it_is_faulty, says_it_is_late

# Where a customer starts a second thought.
JOINERS = re.compile(
    # "two things: where is my jacket, and also why..." (blind panel p60 G12): a colon starts a thought too.
    r"(?:[.!?;:]+\s+|\s*,?\s*\b(?:and also|and then|and|also|plus|as well as|on top of that|another thing|oh and|"
    r"btw|by the way|not to mention)\b\s*|\s+\(?[2-4][).]\s+)",
    re.IGNORECASE,
)
NOT_WANTED = re.compile(r"\b(?:don'?t|do not|not|never|no longer)\s+(?:want|need|asking|after|looking)\b", re.I)
# How sure the classifier must be of each part alone.
CONFIDENCE = 0.8
# A part that names its own order or bill, in a message naming two.
CONFIDENCE_WITH_ITS_OWN_RECORD = 0.5
MIN_WORDS = 3
Parse = Callable[[str], Awaitable[Dict[str, Any]]]


def case_types() -> frozenset:
    """The intents that open a case (catalog/policies.yml), read again when it changes.

    None while the catalog has a mistake and no good version to serve (logged once by
    gracious/catalog.py): every message is then read as it is, without the case reading,
    so a greeting or a request for a person is still answered; a complaint, an order or a
    question about a policy reaches the actions that need the catalog, which cannot answer it
    until the file is fixed (the customer gets the apology).
    """
    try:
        return current_catalog().case_types
    except CatalogError:
        return frozenset()


QUOTED = re.compile(r'"[^"\n]{1,160}"|“[^”\n]{1,160}”')


def parts(text: str) -> List[Tuple[int, str]]:
    """The thoughts in a message, each with where it starts; only parts of a few words."""
    found, start = [], 0
    for joiner in JOINERS.finditer(text):
        found.append((start, text[start : joiner.start()]))
        start = joiner.end()
    found.append((start, text[start:]))
    return [(at, part.strip()) for at, part in found if len(part.split()) >= MIN_WORDS]


# What was served, wrong in itself: "my latte was stone cold" (a problem of its own beside the staff's manner).
SERVED_WRONG = re.compile(
    r"\b(?:cold|lukewarm|luke\s+warm|stale|burnt|burned|mouldy|moldy|raw|undercooked|watery|sour|spilt|spilled|"
    r"wrong\s+(?:drink|order|size|milk|coffee|one)|not\s+what\s+i\s+ordered|tiny|missing|forgot)\b",
    re.I,
)


def served_wrong_apart(text: str) -> bool:
    """ "my latte was stone cold and the guy at the counter rolled his eyes at me", or the eye roll first (blind panels
    p64 P-02, p62 L-02: the latte dropped): a part of the message, apart from the staff's manner, says what was served
    was wrong, so the message holds two problems, the manner and what was served."""
    return any(SERVED_WRONG.search(part) and not about_staff_conduct(part) for _, part in parts(text))


async def split(parsed: Dict[str, Any], parse: Parse) -> Dict[str, Any]:
    """The parse of the message, with a second problem set apart when there is one."""
    text = parsed.get("text") or ""
    intent = (parsed.get("intent") or {}).get("name")
    if intent == "nlu_fallback":
        # Unsure of the whole because it holds two things: the classifier's best reading.
        ranked = [r.get("name") for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
        intent = ranked[0] if ranked else None
    if intent not in case_types() or parsed.get("safety") or parsed.get("language") or text.startswith("/"):
        return parsed
    # Words quoted from someone else ('he said "obviously not, read the board"', blind panel p49 14) tell no
    # problem of their own: blanked, keeping every other word where it was.
    pieces = parts(QUOTED.sub(lambda m: " " * len(m.group(0)), text))
    if len(pieces) < 2:
        return parsed
    read: List[Tuple[int, str, Dict[str, Any]]] = []
    # Two orders or bills named, each in a part of its own: two problems, however unsure the classifier is of one
    # part's wording ("the dress from LK-10421 is red but i ordered navy, and also my jacket LK-10424 hasnt shipped
    # yet", a conversation of our own, 5 December: the dress's part read at 0.798 and the dress was dropped).
    named = _records(text)
    joined_next = False
    for index, (at, part) in enumerate(pieces):
        if joined_next:
            joined_next = False
            continue  # read with the part before it
        if NOT_WANTED.search(part) or repair.says("not_answered", part):
            # "I don't want money" says what the problem isn't; "you didnt answer" is about this chat (p45 23)
            continue
        alone = await parse(part)
        guess = alone.get("intent") or {}
        own_record = len(named) >= 2 and bool(_records(part))
        sure = CONFIDENCE_WITH_ITS_OWN_RECORD if own_record else CONFIDENCE
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if (
            own_record
            and not (guess.get("name") in case_types() and guess.get("confidence", 0) >= sure)
            and following is not None
            and not _records(following[1])
        ):
            # "1) my shoes from LK-10422 are size 9 | too small, can i exchange for 9.5?" (blind panel p61 J12: the
            # shoes' number taken for a bill): a record's part and the words after it that say what is wrong, read
            # together.
            whole = text[at : following[0] + len(following[1])]
            together = await parse(whole)
            if (together.get("intent") or {}).get("name") in case_types():
                part, alone, guess, joined_next = whole, together, together.get("intent") or {}, True
        kinds_of_record = {references.reference_kind(r) for r in _records(part)}
        bill_read = guess.get("name") == "dispute_charge" and own_record and kinds_of_record == {"order"}
        if bill_read and (told := told_kind(part)):
            # An order's part read as a bill's ("my shoes from LK-10422 are size 9 and too small"): what its words tell.
            guess = {"name": told, "confidence": 1.0}
            alone = dict(alone, intent=guess)
        if guess.get("name") in case_types() and guess.get("confidence", 0) >= sure:
            read.append((at, part, alone))
        elif about_staff_conduct(part) and "complain_service" in case_types():
            # "my latte was stone cold and the guy at the counter rolled his eyes at me" (blind panel p64 P-02, p62
            # L-02: the latte dropped): how they were treated, before or after what they were served, is a problem of
            # its own.
            read.append((at, part, dict(alone, intent={"name": "complain_service", "confidence": 1.0})))
        elif (own_record or _names_an_item(alone)) and (its_kind := told_kind(part)) in case_types():
            # "...and my headphones LK-10426 crackle in the left ear" read alone as "inform" (blind panel p54 B02: the
            # headphones dropped, and their number taken for the late grinder's): a fault or a lateness said in words,
            # about its own order, is a problem of its own.
            # So is one about an item named, with no number: "...AND my coffee grinder is 3 days late" beside a roaming
            # bill (blind panel p64 P-07: the grinder dropped).
            read.append((at, part, dict(alone, intent={"name": its_kind, "confidence": 1.0})))
    kinds = [alone["intent"]["name"] for _, _, alone in read]
    if kinds == ["complain_service"] and intent == "report_wrong_item" and read[0][0] > 0 and served_wrong_apart(text):
        # "got a latte at ur cafe this morning and it was stone cold and the guy at the till rolled his eyes when i said
        # so" (blind panel p67 U-07: the eye roll dropped): what was served, read whole, and how they were treated.
        at, words, alone = read[0]
        return dict(
            parsed,
            entities=[e for e in parsed.get("entities") or [] if int(e.get("start", 0)) < at],
            second_problem={"intent": "complain_service", "text": words[:300], "entities": {}},
        )
    second, same = None, None
    for i, kind in enumerate(kinds):
        if kind == kinds[0] and not _two_records(read[0][1], read[i][1]):
            continue
        if (
            kinds[0] == "complain_service"
            and kind == "report_wrong_item"
            and about_staff_conduct(text)
            and not served_wrong_apart(text)
        ):
            # "the guy at the harbour cafe was so rude to me today. i asked if the espresso was decaf and he rolled
            # his eyes" (blind panel p49 14): the espresso is where it happened, not a second problem. An eye roll and
            # then "my latte was cold" are two.
            return parsed
        told = text[read[0][0] + len(read[0][1]) : read[i][0] + len(read[i][1])]
        # "where is my coffee grinder?? ... also the headphones i got are crackling" (blind panel p54 B02): what crackles
        # has arrived, so it is another order than the one that hasn't.
        arrived = (
            says_it_is_late(text[: read[i][0]]) and says_it_is_faulty(read[i][1]) and not says_it_is_late(read[i][1])
        )
        one = _one_problem(kinds[0], read[i][2], read[i][1], arrived or _elsewhere(read[0], read[i], told))
        if one is None:
            second = i
            break
        # "i got my order LK10421 and its the wrong dress": one problem, told in two parts; a later part may still
        # be another ("... nobody told me anything. also the headphones ...": blind panel p54 B02).
        same = same or one
    if second is None:
        if same is None:
            return parsed
        return dict(
            parsed, intent={"name": same, "confidence": 1.0}, intent_ranking=[{"name": same, "confidence": 1.0}]
        )
    first = read[0][2]
    at, words, alone = read[second]
    split_parse = dict(parsed)
    split_parse["intent"] = {"name": same, "confidence": 1.0} if same else first["intent"]
    # References in the second part belong to the second problem.
    split_parse["entities"] = [e for e in parsed.get("entities") or [] if int(e.get("start", 0)) < at]
    split_parse["second_problem"] = {
        "intent": alone["intent"]["name"],
        "text": words[:300],
        "entities": {e["entity"]: e["value"] for e in alone.get("entities") or [] if e.get("entity")},
    }
    return split_parse


# Kinds of case about one order: told in two parts, they are one problem unless the
# second part names another order.
ORDER_KINDS = {"report_wrong_item", "check_order_status", "request_refund"}
# What a customer wants for the problem they just told, said as a case of its own.
REMEDIES = {"request_refund", "demand_compensation"}
# "nobody told me anything" beside a late order is part of it; "ive emailed you twice" is not.
# The very top asked for in so many words: "I want to speak to your CEO".
TOP = re.compile(r"\b(?:ceo|c\.e\.o|chief executive|managing director|president|owner|head office|the top)\b", re.I)
CONTACT = re.compile(r"\b(?:e-?mail\w*|call\w*|rang|phoned|messag\w*|wrote|written|contact\w*|repl\w*|chat\w*)\b", re.I)


def _two_records(first: str, other: str) -> bool:
    """Two parts each naming an order or bill of its own, not the same one ("my headphones LK-10426 crackle in the left
    ear and also the grinder LK-10423 is super loud", a conversation of our own, 6 December: the grinder dropped)."""
    mine, theirs = _records(first), _records(other)
    return bool(mine and theirs and not mine & theirs)


def _records(text: str) -> Set[str]:
    """The orders and bills a text names; never a sum or a phone number ("the charges of ninety-six dollars", blind
    panel p62 L05: read as a record of its own, and one matter told as two)."""
    return {r.value for r in references.find(text) if r.entity == "order_id"}


def _names_an_item(parsed: Dict[str, Any]) -> bool:
    return any(e.get("entity") == "item" for e in parsed.get("entities") or [])


def told_kind(part: str) -> Optional[str]:
    """The kind of case a part's own words tell: a fault ("crackle in the left ear"), an order that hasn't come, or
    one that doesn't fit ("size 9 and too small, can i exchange for 9.5")."""
    if says_it_is_faulty(part):
        return "report_wrong_item"
    if says_it_is_late(part):
        return "check_order_status"
    if signals.says_it_does_not_fit(part) or signals.wants_an_exchange(part):
        return "request_refund"
    return None


def _elsewhere(first: Tuple[int, str, Dict[str, Any]], second: Tuple[int, str, Dict[str, Any]], told: str) -> bool:
    """Whether the second part is about something else than the first: the café after an order ("my
    grinder still isn't here, and then I went to your cafe... my flat white was stone cold", blind
    panel p36 22), or another item named."""
    if said_at_the_cafe(told) and not said_at_the_cafe(first[1]):
        return True
    if says_it_is_faulty(first[1]) and says_it_is_late(second[1]) and not says_it_is_faulty(second[1]):
        # "my headphones crackle in the left ear now AND my grinder still hasnt shown up" (blind panel p48 24): what
        # crackles has arrived, so what hasn't shown up is another order.
        return True
    items = [
        {e.get("value", "").lower() for e in p[2].get("entities") or [] if e.get("entity") == "item"}
        for p in (first, second)
    ]
    return bool(items[0] and items[1] and not items[0] & items[1])


# A bill's reference ("BL-30019", "bl 30019"); the words naming a phone bill are catalog/repair.yml `phone_bill`.
BILL_CODE = re.compile(r"\bbl[\s-]*\d+\b", re.I)


def _names_a_bill(words: str) -> bool:
    return repair.says("phone_bill", words) or bool(BILL_CODE.search(words))


def _one_problem(first: str, second: Dict[str, Any], words: str, elsewhere: bool = False) -> Optional[str]:
    """The kind of the one problem two parts tell, or None when they are two problems."""
    kind = (second.get("intent") or {}).get("name")
    other_order = (
        elsewhere
        or any(e.get("entity") == "order_id" for e in second.get("entities") or [])
        or bool(re.search(r"\b(?:other|another|second|different)\s+(?:order|parcel|delivery)\b", words, re.I))
    )
    if first in ORDER_KINDS and kind in ORDER_KINDS and not other_order:
        # What went wrong is the problem; "i got my order" or "where is it" is its setting.
        return kind if first == "check_order_status" else first
    if kind == "complain_no_response" and first in ORDER_KINDS and not CONTACT.search(words):
        return first
    if kind == "complain_no_response" and first == "dispute_charge" and not signals.OUR_CALL_NEVER_CAME.search(words):
        # "why did you charge me for london calls?? i never called london" (a conversation of our own, 5 December):
        # the calls on the bill, one problem; never "two things" with our silence as the second.
        return first
    if kind == "request_executive" and first in ("complain_no_response", "complain_service") and TOP.search(words):
        # "NOBODY called me back like they promised. I want to speak to your CEO" (blind panel p43 08): the CEO
        # asked for because of it, one problem; never "two things" and another callback first.
        return kind
    if kind in ("request_executive", "request_human") and first in ORDER_KINDS | {"dispute_charge", "coupon_problem"}:
        # "The brass lamp I bought from you is BROKEN ... I want to speak to your CEO right now" (blind panel p60 J04:
        # "two things", the CEO never answered): who they want to handle it, one problem; the offer names them.
        return first
    if first == "coupon_problem" and kind == "dispute_charge" and not _names_a_bill(words) and not other_order:
        # "your WELCOME10 code isnt working. i type it in and nothing happens, price stays the same" (blind panel
        # p47 12): the price the code should have cut, one problem; never "two things".
        return first
    named = {e.get("entity") for e in second.get("entities") or []} & {"order_id", "item"}
    if kind in REMEDIES and first not in REMEDIES | {"request_executive"} and not named and not other_order:
        # "you charged me twice!!! I want one refunded NOW": what they want for it, not a second problem
        # (blind panel p36 09).
        return first
    return None


# Words after "my" or "the" that name no thing of their own ("my own", "the same").
THING_WORDS = frozenset("own same other first last whole order bill problem issue thing stuff".split())


def moving_on(text: str, pending: Any, offered: bool = False) -> Optional[str]:
    """The pending problem's opening (``/intent{entities}``) when a short message moves on to it, else None.
    ``offered``: the assistant has just offered to look at it ("Now, the other thing you mentioned ...
    Shall we look at that next?"), so naming it in a few words is enough ("oh ok good. the bill?", blind
    panel p43 13)."""
    if not isinstance(pending, dict) or not pending.get("intent") or text.startswith("/"):
        return None
    if len(text.split()) > 12 and not asks_for_the_other_one(text):
        # "ok but what about the charges? I want them removed, ..." (blind panel p43 17): its first sentence.
        sentences = re.split(r"(?<=[.!?])\s+", text.strip())
        first, last = sentences[0], sentences[-1]
        if len(first.split()) <= 12 and first != text.strip():
            opened = _moving_on(first, pending, False)  # a long message is never a bare yes to the offer
            if opened is not None:
                return opened
        # "oh ok, my sister must have sorted that on my account then. fine. so what about the bill?" (blind panel p72
        # AF-01: "I'd rather not guess"): its last sentence, when nothing before it asks or wants anything.
        before = " ".join(sentences[:-1])
        if len(sentences) > 1 and len(last.split()) <= 12 and "?" not in before and not _WANTS.search(before):
            # Moving on said in words, and the problem named: never a bare "where is it" after another problem told.
            return _moving_on(last, pending, False, must_name=True)
        return None
    return _moving_on(text, pending, offered)


# Said before a move to the other problem, something still wanted in this one: "I want a refund now. and the bill?".
_WANTS = re.compile(
    r"\b(?:want|need|refund\w*|replac\w*|exchang\w*|credit|cancel\w*|call|ring|email|send|still|but|wrong|broken)\b",
    re.I,
)


def _moving_on(text: str, pending: Dict[str, Any], offered: bool, must_name: bool = False) -> Optional[str]:
    short = len(text.split()) <= 6
    if not (offered and short) and not repair.says("moving_on", text):
        return None  # "my coffee grinder order is late. ..." to the offer of the café problem is no yes to it
    try:
        needs = current_catalog().case_needs(pending["intent"])
    except CatalogError:
        needs = "nothing"
    named = f"names_{needs}" in repair.LISTS and repair.says(f"names_{needs}", text)
    # Its own reference named: "and the summer20 thing?" (blind panel p44 15).
    named = named or any(
        re.sub(r"\W", "", str(v)).lower() in re.sub(r"\W", "", text).lower()
        for v in (pending.get("entities") or {}).values()
        if len(re.sub(r"\W", "", str(v))) >= 5
    )
    # The thing it was about named again: "ok whatever, and the grinder??" after "AND my grinder still hasnt shown up"
    # (blind panel p48 24).
    things = re.findall(r"\b(?:my|the|our|your|that|this)\s+([a-z]{4,})\b", str(pending.get("text") or "").lower())
    named = named or any(re.search(rf"\b{re.escape(t)}s?\b", text, re.I) for t in things if t not in THING_WORDS)
    if not ((repair.says("other_one", text) and not must_name) or named):
        return None
    return opening(pending, text)


def opening(pending: Dict[str, Any], text: str = "") -> str:
    """The pending problem's opening (``/intent{entities}``), with an order or bill named in ``text`` when it had none."""
    entities = dict(pending.get("entities") or {})
    given = references.first(text, "order_id")
    if given and "order_id" not in entities:
        entities["order_id"] = given  # "the ROAMING BILL. BL-30019. you said youd come back to it" (p42 21)
    return f"/{pending['intent']}" + (json.dumps(entities) if entities else "")


def remedy_of_pending(alternative: Any, pending: Any) -> bool:
    """Whether ``alternative`` is a remedy for the pending problem's kind of case, and so asked for it: "remake pls"
    with the eye roll's options on offer and the cold latte noted (a re-read of panel L-02: "I can't offer that one")."""
    if not alternative or not isinstance(pending, dict) or not pending.get("intent"):
        return False
    try:
        catalog = current_catalog()
    except CatalogError:
        return False
    kinds = {pending["intent"], *(new for new, _ in catalog.becomes.get(pending["intent"], ()))}
    return any(
        str(alternative) in {o.id for o in (*p.alternatives, *p.entitled_alternatives)}
        for p in catalog.policies
        if kinds & set(p.case_types)
    )


# "you said there were two things and youd come back to the other one. what was the other one" (blind panel p54 A06).
OTHER_ONE_ASKED = re.compile(
    r"\b(?:what|which)\s+(?:was|is|were)\s+the\s+(?:other|second|2nd)\s+(?:one|thing|problem|issue)\b"
    r"|\byou\s+said\b[^.?!]{0,60}\bcome\s+back\s+to\b",
    re.I,
)


def asks_for_the_other_one(text: str) -> bool:
    """The other problem asked after, in so many words."""
    return bool(OTHER_ONE_ASKED.search(text or ""))


def second_problem_told(events: Reversible[Any]) -> bool:
    """Whether a message of this chat told a second problem."""
    parses = (getattr(e, "parse_data", None) for e in reversed(events) if getattr(e, "type_name", "") == "user")
    return latest_told(parses) is not None


def offered_next(events: Reversible[Any]) -> Optional[Dict[str, Any]]:
    """The problem the assistant offered to look at next since the customer's last message
    (actions/second_problem.py `come_back`: its first button opens it), as a pending problem, else None."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, BotUttered) and (event.metadata or {}).get("utter_action") == "utter_second_problem_next":
            payload = str((((event.data or {}).get("buttons") or [{}])[0]).get("payload") or "")
            found = re.match(r"^/(\w+)(\{.*\})?$", payload, re.S)
            if not found:
                return None
            try:
                entities = json.loads(found.group(2)) if found.group(2) else {}
            except ValueError:
                entities = {}
            return {"intent": found.group(1), "entities": entities if isinstance(entities, dict) else {}}
    return None
