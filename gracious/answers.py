"""Answers to questions asked in the middle of a case (catalog/answers.yml).

"will whoever calls know about my order?" or "is the label free?" has a plain
answer the designers wrote; this finds it from the words of the question and the
kind of case in hand. Shared by the server (server/dialogue/repair.py marks the question) and
the actions (actions/digression.py says the answer). Read again when the file changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Pattern, Tuple

import yaml

from gracious import signals
from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at, plain, word_pattern

# A sentence that asks, with or without its question mark.
ASKS = re.compile(
    r"\?|^\W*(?:(?:ok|so|and|but|also|well)\W+)?(?:why|what|whats|how|when|where|who|which|is|are|does|do|did|"
    r"will|would|can|could|should)\b|\b(?:want to know|wondering|tell me (?:when|where|why|how|if|whether))\b"
    # "but seriously if the box is ruined what happens" (blind panel p42 11)
    r"|\bwhat happens\s*$|\bwhat then\s*$"
    # "whats on bill BL-30018? i need the amounts" (blind panel p42 23): figures asked for, not a question.
    r"|\b(?:need|want|like|give me|show me|list|tell me)\s+(?:the\s+|all\s+the\s+|a\s+)?(?:amounts|lines|breakdown|numbers)\b",
    re.I,
)
ANSWERS_FILE = CATALOG_DIR / "answers.yml"

# Answers for someone about to visit ("tell them about your allergy as you order"), never for someone who has had
# a reaction (blind panels p39 14, p49 13): to them, what was eaten is for whoever picks up the case.
BEFORE_A_VISIT = frozenset({"utter_answer_allergen_info", "utter_answer_ingredients_asked"})
AFTER_A_REACTION = "utter_answer_ingredients_after_reaction"
# "i want that looked into": asked after a reaction, taken up; never said unasked in the safety turn.
TOLD_WRONG = "utter_answer_allergen_told_wrong"
_QUESTION_WORD = r"(?:can|could|will|would|is|are|do|does|did|how|what|whats|when|where|why|who|which|should|shall)\b"
# Where a message's parts meet: a sentence's end, a line, or "and"/"also"/a comma before a question word
# ("...doesnt work, can i use it with WELCOME10", "call me at 9 and also can i change the address").
PARTS = re.compile(
    rf"(?<=[.!?;])\s+|\n+|\s*(?:,\s*|\s+)(?:(?:and\s+)?also|and|plus|oh and|btw|by the way)\s+(?={_QUESTION_WORD})"
    rf"|,\s+(?={_QUESTION_WORD})",
    re.I,
)


@dataclass(frozen=True)
class Answer:
    id: str
    words: Pattern[str]
    case_types: Tuple[str, ...]
    after: Tuple[str, ...]
    response: str
    statement: bool = False
    person: bool = False
    policies: Tuple[str, ...] = ()
    # Only with one of these words as well ("ship" and "canada"): an answer about one thing, not the topic.
    also: Optional[Pattern[str]] = None
    # Asked anywhere, in a case or not: no policy's general wording covers it ("do you ship to canada").
    anywhere: bool = False
    # Never with one of these: "its not like i was roaming" is no question about roaming (blind panel p42 05).
    unless: Optional[Pattern[str]] = None
    # Answers this one's wording says already: "has it shipped? and when will it get here" gets one.
    covers: Tuple[str, ...] = ()
    # An offered option that is this answer's news ("whats this add on thing" with the add-on's button
    # showing): while it is on offer, asking about it is asking for that option (server/dialogue/typed_choices.py).
    option: str = ""
    # Responses that give this answer's news: not said after one of them in the same turn ("is that still
    # on track?" beside the order's own line with its date, blind panel p44 01).
    told_by: Tuple[str, ...] = ()
    # Never after one of these (`after` marks): an exchange on offer (`offered_exchange`) is no exchange past its
    # window (blind panel p69 Y-02 heard "Past the 30 days an exchange isn't something I can offer" at 10 days).
    not_after: Tuple[str, ...] = ()
    # Never with a phrase of this list of catalog/signals.yml: "ok forget the taxi" (`errand_let_go`) asks no taxi.
    unless_signal: str = ""
    # Offered options this answer says are no use now ("Then a remake is no use to you"): their buttons are not shown
    # beside it.
    hides: Tuple[str, ...] = ()

    def fits(self, text: str) -> bool:
        """The question has one of the answer's words (and one of its `with` words, when it has them),
        and none of its `unless` words nor of its `unless_signal` list."""
        if self.unless is not None and self.unless.search(text or ""):
            return False
        if self.unless_signal and signals.said(self.unless_signal, text or ""):
            return False
        return bool(self.words.search(text or "")) and (self.also is None or bool(self.also.search(text or "")))


@lru_cache(maxsize=4)
def _answers(path: Path, modified_ns: int) -> Tuple[Answer, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(
        Answer(
            str(a["id"]),
            word_pattern([str(w) for w in a.get("words") or []]),
            tuple(a.get("case_types") or ()),
            tuple(a.get("after") or ()),
            str(a["response"]),
            bool(a.get("statement")),
            bool(a.get("person")),
            tuple(a.get("policies") or ()),
            word_pattern([str(w) for w in a["with"]]) if a.get("with") else None,
            bool(a.get("anywhere")),
            word_pattern([str(w) for w in a["unless"]]) if a.get("unless") else None,
            tuple(a.get("covers") or ()),
            str(a.get("option") or ""),
            tuple(a.get("told_by") or ()),
            tuple(a.get("not_after") or ()),
            str(a.get("unless_signal") or ""),
            tuple(a.get("hides") or ()),
        )
        for a in raw.get("answers") or []
    )


def answers() -> Tuple[Answer, ...]:
    return _answers(ANSWERS_FILE, changed_at(ANSWERS_FILE))


def hidden_beside(response: str) -> Tuple[str, ...]:
    """The offered options whose buttons are not shown beside this answer's response (its `hides`)."""
    return next((a.hides for a in answers() if a.response == response.removesuffix("_again")), ())


def has_left_the_cafe(text: str) -> bool:
    """ "cold coffee. station cafe. no need new coffee, i go home": the customer has left the café already, in the words
    of the answer `cafe_not_going_back` (one list for both: the case's fact `left_the_cafe` and that answer)."""
    return any(a.id == "cafe_not_going_back" and a.fits(text) for a in answers())


def told_already(response: str, said: Iterable[Optional[str]]) -> bool:
    """Whether a response said this turn gives the news of the answer ``response`` (its `told_by`)."""
    said = set(said)
    return any(a.response == response and set(a.told_by) & said for a in answers())


def answer_for(
    text: str, case_type: Optional[str], granted: Iterable[str] = (), question: bool = True
) -> Optional[str]:
    """The response that answers this question in a case of this kind, after what was
    granted in the chat (alternative ids), or None. ``question``: the message asks;
    otherwise only the answers marked `statement` apply."""
    found = find_answer(text, case_type, granted, question)
    return found.response if found else None


def find_answers(
    text: str,
    case_type: Optional[str],
    granted: Iterable[str] = (),
    question: bool = True,
    policy: Optional[str] = None,
) -> List[Answer]:
    """Every answer the message asks for, in its order: "so do i keep the lamp then? and
    does the credit expire?" gets both. Each sentence is read alone; a message none of
    whose sentences finds one is read whole."""
    granted = tuple(granted)
    return _sentence_by_sentence(text, question, lambda said, asks: find_answer(said, case_type, granted, asks, policy))


def _sentence_by_sentence(text: str, question: bool, find: Callable[[str, bool], Optional[Answer]]) -> List[Answer]:
    """The answers ``find`` gives each sentence of the message, in its order, without those another one's
    wording covers; the whole message read once when no sentence alone finds one."""
    text = plain(text)  # "wat number will u call from" asks what "what number will you call from" asks
    found: List[Answer] = []
    for sentence in re.findall(r"[^.!?\n]+[.!?]*", text or ""):
        # "i dont want money. will you actually pass it on": that sentence asks.
        answer = find(sentence, question or bool(ASKS.search(sentence)))
        if answer and answer not in found:
            found.append(answer)
    if not found:
        whole = find(text, question)
        found = [whole] if whole else []
    # A word that rules an answer out rules it out in any sentence: "im talking about the CALL. move it to today at
    # 12 not tomorrow 10am" asks nothing about a remake tomorrow (blind panel p48 13).
    found = [a for a in found if a.unless is None or not a.unless.search(text)]
    covered = {c for a in found for c in a.covers}
    return [a for a in found if a.id not in covered]


def find_answer(
    text: str,
    case_type: Optional[str],
    granted: Iterable[str] = (),
    question: bool = True,
    policy: Optional[str] = None,
) -> Optional[Answer]:
    granted = set(granted)
    for answer in answers():
        if not question and not answer.statement:
            continue
        if answer.case_types and case_type not in answer.case_types:
            continue
        if answer.after and not granted & set(answer.after):
            continue
        if granted & set(answer.not_after):
            continue
        if answer.policies and policy not in answer.policies:
            continue
        if answer.fits(text):
            return answer
    return None


def earlier(case_facts: Optional[dict]) -> List[str]:
    """What the record had when its case was opened (an earlier chat's credit, a replacement under way:
    actions/granted_before.py), as the `after` marks an answer may name: `earlier_<kind>` (`earlier_credit`,
    `earlier_replacement`), and for a replacement its alternative, granted today or before today
    (`earlier_replacement_overnight_today`, `earlier_gift_replacement_sent`: actions/case.py)."""
    facts = case_facts if isinstance(case_facts, dict) else {}
    kinds = [str(k) for k in facts.get("arranged_before") or []]
    marks = [f"earlier_{k}" for k in kinds]
    which = facts.get("replacement_before")
    if "replacement" in kinds and which:
        marks.append(f"earlier_{which}_" + ("sent" if facts.get("replacement_sent") else "today"))
    if facts.get("updates_on"):
        marks.append("earlier_delivery_updates")  # signed up for in another chat (actions/case.py)
    return marks


def answer_anywhere(text: str, question: bool = True, policy: Optional[str] = None) -> Optional[Answer]:
    """The answer marked `anywhere` that the question asks for ("do you ship to canada"), in a case
    or not: what no policy covers is answered honestly, never with a topic's general wording. An answer
    limited to the policy in hand counts too, in file order ("do i need the receipt?" about a café visit
    gets the café's answer, before the one about orders and bills: blind panel p46 24)."""
    return next(
        (
            a
            for a in answers()
            if (a.anywhere or (policy is not None and policy in a.policies and not a.case_types and not a.after))
            and (question or a.statement)
            and a.fits(text)
        ),
        None,
    )


def answers_anywhere(text: str, question: bool = True, policy: Optional[str] = None) -> List[Answer]:
    """Every `anywhere` answer the message asks for, sentence by sentence in its order ("whats todays offer?
    can i put it on the jacket i already ordered?" gets both, blind panel p44 15); the whole message read
    once when no sentence alone finds one."""
    return _sentence_by_sentence(text, question, lambda said, asks: answer_anywhere(said, asks, policy))


def parts(text: str) -> List[str]:
    """The message's parts, in order, each a sentence or a clause that opens a question; a word or
    two ("hi,", "ok.") belongs to the part after it."""
    found: List[str] = []
    carried = ""
    for part in PARTS.split(plain(text or "")):
        part = f"{carried} {part or ''}".strip()
        if not part.strip(" .,!?"):
            continue
        if len(part.split()) < 3:
            carried = part
            continue
        found.append(part)
        carried = ""
    return found + [carried] if carried.strip(" .,!?") else found


def after_a_reaction(responses: Iterable[str], asked: bool = True) -> List[str]:
    """``responses`` for someone who has had a reaction: an answer for before a visit becomes, once, what happens
    about what was eaten when they asked; unasked ("my daughter has a nut allergy and her lips are swelling": blind
    panel p50 09), it is not said at all."""
    said: List[str] = []
    for response in responses:
        if (response in BEFORE_A_VISIT or response == TOLD_WRONG) and not asked:
            continue  # "...the girl at the counter said they were nut free!!!": safety first, nothing answered unasked
        response = AFTER_A_REACTION if response in BEFORE_A_VISIT else response
        if response not in said:
            said.append(response)
    return said
