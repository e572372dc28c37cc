"""A message of several parts read by its first when the whole confuses the classifier.

"hey the shoes i got are too small, can i swap for a 10? also how long does an exchange take" read
whole is a policy question (0.76); its first part alone is a wrong item (0.87). A case is told first
and asked about after (blind panel p35 03), so at the start of a case, when the whole message reads
as something vague or unsure and its first part reads as a case with confidence, the first part's
reading leads; the questions after it are answered once the case is open (server/dialogue/also_asked.py).
The entities stay the whole message's: a reference given anywhere in it is used.

Kind words first, then what went wrong ("the staff were friendly but my latte was cold", a conversation of our
own): read whole, a menu of guesses or frustration; the part after "but" is the case, when it reads as one
with confidence.

Read as "where is my order" although it came ("got my dress today but it's red?? i ordered navy"),
a message that says what was ordered is a wrong item when the classifier had that in mind too.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious.answers import parts
from gracious.signals import (
    COLOUR,
    NOT_FITTING,
    is_praise,
    said_at_the_cafe,
    says_it_is_faulty,
    says_it_is_late,
    tells_trouble,
)
from server.dialogue import two_problems

# Readings of a whole message that a clear first part may replace.
VAGUE = {"nlu_fallback", "ask_policy", "out_of_scope", "inform", "give_feedback", "check_order_status"}
# Something came, and not as ordered: "got my dress today but it's red?? i ordered navy" (blind panel p35 01).
ARRIVED = re.compile(r"\b(?:got|received|arrived|came|come|turned up|delivered|opened)\b", re.I)
NOT_AS_ORDERED = re.compile(
    r"\bi\s+(?:ordered|chose|picked|paid for|asked for|wanted)\b|\bwrong\s+(?:colou?r|size|one|item|shade)\b", re.I
)
# ...unless it may not have come at all: "i ordered a lamp and it still hasn't come".
MAYBE_NOT_CAME = re.compile(r"\b(?:has\s?n[o']?t|have\s?n[o']?t|not|never|did\s?n[o']?t|still|yet|where|when)\b", re.I)
# What was sent is not right, in so many words: "shoes too small", "its red not navy", "wrong size".
NOT_RIGHT = re.compile(
    rf"{NOT_FITTING.pattern}|\bwrong\s+(?:colou?r|size|one|item|thing|shade|model)\b|\b{COLOUR}\s*,?\s+(?:not|instead of)\s+(?:the\s+)?{COLOUR}\b",
    re.I,
)
# It may not have come ("its red not navy" says nothing of that; "still hasn't come" does).
NOT_CAME = re.compile(
    r"\b(?:has\s?n[o']?t|have\s?n[o']?t|did\s?n[o']?t|not|never)\s+(?:yet\s+)?(?:come|came|arrived?|here|turned up|been|shown|got)\b"
    r"|\b(?:still|yet|where|when)\b",
    re.I,
)
# "the staff were friendly but my latte was cold": kind words, then the rest.
KIND_BUT = re.compile(r"^(?P<kind>.+?)[,;.!]*\s+but\s+(?P<rest>.+)$", re.I | re.S)
# The share of the classifier's belief a wrong item needs to be taken over "where is it".
WRONG_ITEM_AT_LEAST = 0.12
# How sure the classifier must be of the first part, and of the whole for it to stand regardless.
SURE = 0.8


def _top(parsed: Dict[str, Any]) -> tuple:
    intent = parsed.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


async def reading(
    parsed: Dict[str, Any],
    tracker: Optional[DialogueStateTracker],
    parse: Callable[[str], Awaitable[Dict[str, Any]]],
) -> Dict[str, Any]:
    """The whole message's parse, or its first part's intent with the whole's entities."""
    text = (parsed.get("text") or "").strip()
    name, confidence = _top(parsed)
    if (
        tracker is not None
        and not tracker.get_slot("case_type")
        and name == "check_order_status"
        and ARRIVED.search(text)
        and NOT_AS_ORDERED.search(text)
        and not MAYBE_NOT_CAME.search(text)
    ):
        wrong = next((r for r in parsed.get("intent_ranking") or [] if r.get("name") == "report_wrong_item"), None)
        if wrong and float(wrong.get("confidence") or 0) >= WRONG_ITEM_AT_LEAST:
            # It came, so it isn't lost: what came is not what was ordered.
            return dict(parsed, intent=wrong, repair="not_as_ordered")
    if name == "report_wrong_item" and _never_came(text) and not (tracker and tracker.get_slot("case_type")):
        # "its about a rug i ordered that never came" (blind panel p48 20): nothing turned up, so nothing wrong
        # turned up; where the order is.
        late = {"name": "check_order_status", "confidence": 1.0}
        return dict(parsed, intent=late, intent_ranking=[late], repair="never_came")
    told = _told_what_is_wrong(parsed, tracker, text, name)
    if told is not None:
        return told
    after_kind_words = await _kind_words_then_trouble(parsed, tracker, text, name, parse)
    if after_kind_words is not None:
        return after_kind_words
    if (
        tracker is None
        or text.startswith("/")
        or tracker.get_slot("case_type")
        or tracker.active_loop_name
        or (name not in VAGUE and confidence >= SURE)
        # "the guy who made my flat white was super friendly, can you let him know" (a conversation of our own, 5
        # December): kind words alone, never its first part read as a complaint about the drink.
        or (name == "give_feedback" and is_praise(text))
    ):
        return parsed
    said = parts(text)
    if len(said) < 2:
        return parsed
    first = await parse(said[0])
    first_name, first_confidence = _top(first)
    if first_name == "report_wrong_item" and _never_came(said[0]):
        return parsed  # "its about a rug i ordered that never came, order LK-10430. will they know that?"
    if first_name == name or first_name not in (two_problems.case_types() or ()) or first_confidence < SURE:
        return parsed
    return dict(parsed, intent=first["intent"], intent_ranking=first.get("intent_ranking") or [], first_part=said[0])


async def _kind_words_then_trouble(
    parsed: Dict[str, Any],
    tracker: Optional[DialogueStateTracker],
    text: str,
    name: Optional[str],
    parse: Callable[[str], Awaitable[Dict[str, Any]]],
) -> Optional[Dict[str, Any]]:
    """ "the staff were friendly but my latte was cold": kind words, then something gone wrong, read by the part
    after "but" when that part alone is a case read with confidence; never "the staff were lovely but please tell
    them the music is loud" (a remark, no trouble: thanked for both, gracious/signals.praise_and_more)."""
    cases = two_problems.case_types() or frozenset()
    if tracker is None or tracker.get_slot("case_type") or tracker.active_loop_name or text.startswith("/"):
        return None
    found = KIND_BUT.search(text)
    if name in cases or not found or not is_praise(found.group("kind")) or not tells_trouble(found.group("rest")):
        return None
    rest = await parse(found.group("rest"))
    rest_name, rest_confidence = _top(rest)
    if rest_name not in cases or rest_confidence < SURE:
        return None
    # The kind words are thanked for before the sympathy (actions/empathize.py).
    ranking = rest.get("intent_ranking") or []
    return dict(
        parsed, intent=rest["intent"], intent_ranking=ranking, first_part=found["rest"], kind_words=found["kind"]
    )


def _never_came(text: str) -> bool:
    """It hasn't come ("a rug i ordered that never came"), and nothing is said to be wrong with a thing that did."""
    return says_it_is_late(text) and not says_it_is_faulty(text) and not NOT_RIGHT.search(text)


def _told_what_is_wrong(
    parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker], text: str, name: Optional[str]
) -> Optional[Dict[str, Any]]:
    """ "LK-10422 shoes too small", "the lamp from LK-10425 flickers": read as something vague (given
    details, "where is it") though it says what is wrong with a thing we sent, so "Could you tell me
    what's gone wrong?" (blind panel p36). A wrong item when it names the order or the item."""
    if (
        tracker is None
        or tracker.get_slot("case_type")
        or tracker.active_loop_name
        or text.startswith("/")
        or name not in VAGUE
        or parsed.get("safety")
    ):
        return None
    named = {e.get("entity") for e in parsed.get("entities") or []} & {"order_id", "item"}
    codes = [e.get("value") or "" for e in parsed.get("entities") or [] if e.get("entity") == "order_id"]
    if not named or any(not str(c).upper().startswith("LK") for c in codes) or said_at_the_cafe(text):
        return None
    if name == "check_order_status" and (NOT_CAME.search(text) or not ARRIVED.search(text)):
        return None  # "the jacket still hasn't come": where it is, whatever else it says
    if says_it_is_faulty(text) or NOT_RIGHT.search(text) or (ARRIVED.search(text) and NOT_AS_ORDERED.search(text)):
        wrong = {"name": "report_wrong_item", "confidence": 1.0}
        return dict(parsed, intent=wrong, intent_ranking=[wrong], repair="told_what_is_wrong")
    return None
