"""A time for the call and something else in one message: the time taken, the rest never dropped.

"tomorrow noon. and what about the free year of service", "tomorrow 9am. also i want a refund
for them obviously": while the callback form asks for a time, the part with the time answers it,
and each other part is read alone. A question the designers have an answer for
(catalog/answers.yml) is marked `answers`, said as the time is taken; a request of its own (a case,
a remedy, something to make up for it) is kept as the message's `second_problem`, which the
booking offers to look at next (actions/second_problem.py `kept_aside`, then `come_back`).
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair
from gracious.answers import answers_anywhere, find_answers
from gracious.references import without_amounts
from server.dialogue import in_hand, offers, two_problems
from server.dialogue.form_readings import ON_THAT_CALL
from server.dialogue.readings import read_as

Parse = Callable[[str], Awaitable[Dict[str, Any]]]
# Readings of a part that ask for something of their own, besides the kinds of case.
REQUESTS = {"demand_compensation", "request_refund", "choose_alternative"}
CONFIDENCE = 0.6
# An order or bill number, a phone number: digits that are not a time.
NOT_A_TIME = re.compile(r"\b(?:lk|bl)[\s#-]*\d+|#\s*\d+|\b\d{5,}\b|\b\d{3}[\s.-]\d{4}\b", re.I)


def _timed(text: str) -> bool:
    """The text names a time or a day ("tomorrow noon"), not only a reference ("LK-10426")."""
    return repair.mentions_time(NOT_A_TIME.sub(" ", text))


# "ill take the credit tomorrow then": another option taken, not the call's time.
CHOOSES_ANOTHER = re.compile(r"\b(?:i'?ll|ill|i will|i'?d|id)\s+(?:take|have|go\s+(?:for|with))\b", re.I)


def the_time_told(text: str) -> str:
    """The words of a message that tell the call's time: its parts that are not questions, with a day named only in a
    question put first ("tomorrow, hmm, ...? maybe 10am" is "tomorrow maybe 10am")."""
    pieces = [p.strip() for p in re.findall(r"[^.!?\n]+[.!?]*", text or "") if p.strip(" .!?")]
    told = " ".join(p for p in pieces if not in_hand.is_question(p))
    days = (
        []
        if repair.DAY_TOLD.search(told)
        else [d for p in pieces if in_hand.is_question(p) for d in repair.DAY_TOLD.findall(p)]
    )
    return " ".join(days[:1] + [told]).strip()


def time_beside_questions(text: str, tracker: DialogueStateTracker) -> Optional[List[str]]:
    """ "tomorrow, hmm, would the specialist have my whole three months in front of them? maybe 10am" under "Call me back
    at a time that suits me" (blind panel p70 AB-02: "I'd rather not guess", the time lost): a time for the call told in
    a part of its own, beside questions the designers answer; the answers, in order. None when no part tells a time
    plainly or a question has no answer (read as before)."""
    pieces = [p.strip() for p in re.findall(r"[^.!?\n]+[.!?]*", text or "") if p.strip(" .!?")]
    # A time plainly named ("maybe 10am", "tomorrow at 2"), never a sum ("fine ill take the 10 dollars").
    told = [p for p in pieces if in_hand.only_a_time(without_amounts(p)) and not CHOOSES_ANOTHER.search(p)]
    asked = [p for p in pieces if p not in told]
    if not told or not asked or not all(in_hand.is_question(p) or len(p.split()) <= 2 for p in asked):
        return None
    granted = offers.granted(tracker)
    answers: List[str] = []
    for part in asked:
        if not in_hand.is_question(part):
            continue
        found = find_answers(
            part, tracker.get_slot("case_type"), granted, question=True, policy=tracker.get_slot("policy_id")
        ) or answers_anywhere(part, question=True, policy=tracker.get_slot("policy_id"))
        if not found:
            return None
        answers += [a.response for a in found if a.response not in answers]
    return answers


async def split(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker], parse: Parse) -> Optional[Dict]:
    """The parse as the form's answer, with the rest marked; None when the message holds nothing else."""
    text = parsed.get("text") or ""
    if tracker is None or tracker.active_loop_name != "callback_form" or parsed.get("safety"):
        return None
    if tracker.get_slot("requested_slot") != "callback_time" or text.startswith("/"):
        return None
    if ON_THAT_CALL.search(text):
        # "i already have a call booked at 9:30 ... can they just cover this on the same call?" (blind panel p54 A09): the
        # time of a call booked before, never this one's (server/dialogue/form_readings.py reads it).
        return None
    pieces = two_problems.parts(text)
    # "tomorrow 8am is fine. but will the dress still make it by saturday??" (blind panel p60 G01: the time asked
    # again): a question naming a day is the rest, beside another part that gives the time.
    asked = [(at, part) for at, part in pieces if _timed(part) and in_hand.is_question(part)]
    told = [(at, part) for at, part in pieces if _timed(part) and not in_hand.is_question(part)]
    rest = [(at, part) for at, part in pieces if not _timed(part)] + (asked if told else [])
    if not rest:
        return None
    outside = text
    for _, part in rest:
        outside = outside.replace(part, " ")
    if not _timed(outside):
        return None  # no time beside the rest: the form reads the message as it is
    answers: List[str] = []
    second: Optional[Dict[str, Any]] = None
    granted = offers.granted(tracker)  # a team the case went to counts ("will the ceo actually see this")
    for _, part in rest:
        # "but answer my question, what makes this time different" (blind panel p49 19): a question in its clause.
        asks = in_hand.is_question(part) or in_hand.opens_a_question(part)
        found = find_answers(
            part, tracker.get_slot("case_type"), granted, question=asks, policy=tracker.get_slot("policy_id")
        ) or answers_anywhere(part, question=asks, policy=tracker.get_slot("policy_id"))
        if found:
            answers += [a.response for a in found if a.response not in answers]
            continue
        alone = await parse(part)
        guess = alone.get("intent") or {}
        wanted = guess.get("name") in two_problems.case_types() | REQUESTS
        if second is None and wanted and guess.get("confidence", 0) >= CONFIDENCE:
            entities = {e["entity"]: e["value"] for e in alone.get("entities") or [] if e.get("entity")}
            second = {"intent": guess["name"], "text": part[:300], "entities": entities}
    if not answers and second is None:
        return None
    inside = [(at, at + len(part)) for at, part in rest]
    kept = [e for e in parsed.get("entities") or [] if not any(a <= int(e.get("start", 0)) < b for a, b in inside)]
    reading = read_as(parsed, "inform", "form_rest", kept)
    if answers:
        reading["answers"] = answers
    if second is not None:
        reading["second_problem"] = second
    return reading
