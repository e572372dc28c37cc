"""A typed reply that says no, or shouts, is not a choice unless it clearly picks one.

"NO. I NEEDED IT FOR SATURDAY" to an offer of a replacement and a refund is upset, not a
refund asked for, and a grant cannot be taken back at the desk. Only a clear pick counts:
the button's words ("A full refund"), its place said calmly ("2", "the first one"), or a clause that
names one option and nothing refused ("no, the refund please", "I'll take the money back").
A message that says no or shouts and names an option less clearly is asked about first; one
that names none is answered as the feeling it is (server/dialogue/typed_choices.py,
actions/apply_alternative.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping, Sequence

import yaml

from gracious import repair
from gracious.choices import _AGREE, _NEGATED, _SETTLED_BY_THEMSELVES, CHOOSING, Option, _position, _score
from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at, word_pattern

WORDS_FILE = CATALOG_DIR / "choice_words.yml"

# "no", "NO.", "nope", "nah", "never", "absolutely not" opening the message ("no problem" is a yes).
_OPENS_WITH_NO = re.compile(
    r"^\W*(?:no+|nope|nah|never|no way|absolutely not|not at all|hell no)\b(?!\s*(?:problem|worries|prob)\b)", re.I
)
# A leading "no," before a pick: "NO, the refund" (not "no refund").
_LEADING_NO = re.compile(r"^\W*(?:no+|nope|nah)\s*[,.!;:]+\s*", re.I)
# Record numbers and codes are written in capitals by everyone: not shouting.
_CODE = re.compile(r"\S*\d\S*")
_CLAUSES = re.compile(r"[.!?,;\n]+|\bbut\b|\band\b", re.I)


def says_no(text: str) -> bool:
    """The message opens with a no ("NO. I needed it for Saturday", "nope, not that")."""
    return bool(_OPENS_WITH_NO.search(text or ""))


def shouting(text: str) -> bool:
    """Written in capitals: a few words at least, nearly every letter upper case."""
    letters = [c for c in _CODE.sub(" ", text or "") if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def refuses(text: str, options: Sequence[Option], words: Mapping[str, Sequence[str]]) -> bool:
    """An offered option named to refuse it ("no refund", "I don't want the credit")."""
    # Quotes are no words: 'I dont want some "office team"' refuses the office team (blind panel p44 11).
    said = " ".join(re.sub(r"[\"“”‘’]|(?<!\w)'|'(?!\w)", " ", text or "").lower().split())
    # "no i dont want a person" (blind panel p59 F07: a person brought): the opening no is its own word, so the
    # negation that follows covers what is refused ("dont want a person"), never only "no i dont want".
    # Both readings count: "NO REFUND" is the no of the refund itself.
    wanted = _NEGATED.sub(" ", said)
    unled = _NEGATED.sub(" ", re.sub(r"^\W*(?:no+|nope|nah)\b[\s,.!]*", " ", said))
    return any(
        not o.declines and _score(said, o, words) > min(_score(wanted, o, words), _score(unled, o, words))
        for o in options
    )


def loud(text: str) -> bool:
    """A no, or capitals ("YES PLEASE" in capitals is still a yes)."""
    agrees = re.match(rf"^\W*{_AGREE}\b", " ".join((text or "").lower().split()))
    return says_no(text) or (shouting(text) and not agrees)


def upset(text: str, options: Sequence[Option], words: Mapping[str, Sequence[str]]) -> bool:
    """A no, capitals, or an option refused: what is typed needs a clear pick to be a choice."""
    return loud(text) or refuses(text, options, words)


def clear_pick(text: str, options: Sequence[Option], words: Mapping[str, Sequence[str]], key: str) -> bool:
    """Whether the message clearly picks the option ``key``: its button's words, its place, or a
    clause naming it alone, nothing refused there, with a word of taking it or in a few words."""
    said = " ".join((text or "").lower().split())
    index = next((i for i, o in enumerate(options) if o.key == key), None)
    if index is None:
        return False
    if said.strip(" .!?") == options[index].title.lower().strip(" .!?"):
        return True
    real = [i for i, o in enumerate(options) if not o.declines]
    # A place counts only said calmly: in "NO. THIS IS THE SECOND TIME" it is no pick at all.
    place = None if loud(text) else _position(said, len(real))
    if place is not None:
        return real[place] == index
    for clause in _CLAUSES.split(_LEADING_NO.sub("", said)):
        clause = clause.strip()
        if not clause or _NEGATED.search(clause) or _SETTLED_BY_THEMSELVES.search(clause) or says_no(clause):
            continue
        scores = {i: _score(clause, o, words) for i, o in enumerate(options)}
        named = scores[index] > 0 and all(s < scores[index] for i, s in scores.items() if i != index)
        if named and (CHOOSING.search(clause) or len(clause.split()) <= 4):
            return True
    return False


def doubtful(text: str, options: Sequence[Option], words: Mapping[str, Sequence[str]], key: str) -> bool:
    """A typed choice of ``key`` that says no, shouts or refuses something, without clearly picking it."""
    return upset(text, options, words) and not clear_pick(text, options, words, key)


# "please just connect me", "put me through to someone", "can i get a human pls", "i said PERSON",
# "Could I please be put through to one of your team?", "speak with a member of staff", "chat with a real person":
# a person asked for in words the designers' short list (catalog/repair.yml `person`) does not hold.
SOMEONE = (
    r"(?:(?:a|an|one|some)\s+)?(?:(?:real|actual|live|human)\s+)?(?:human|person|people|agent|someone|somebody"
    r"|staff(?:\s+member)?|(?:member|one|some)\s+of\s+(?:your\s+|the\s+)?(?:staff|team|people)|(?:your\s+)?team)\b"
)
PERSON_ASKED = re.compile(
    # "$200 is fair for what you put me through" (blind panel p46 21) is no person asked for.
    r"(?<!you )(?<!they )(?<!you've )(?<!youve )\b(?:connect|transfer|put)\s+me\s*"
    r"(?:through(?!\s+(?:hell|this|that|so\b|a lot|all\b|enough|the wringer|it\b))|to\b|with\b|$|[.!,])"
    r"|\b(?:be|get|getting)\s+connected\b"
    r"|\b(?:be|get)\s+(?:put|transferred)\s+(?:through|to\b)"
    r"|\b(?:get|give|bring|find|want|need)\s+(?:me\s+)?(?:a |an |to a |to an )?(?:(?:real|actual|live)\s+)?(?:human|person|agent)\b"
    r"|\b(?:get|give|bring|find)\s+me\s+(?:someone|somebody)\b"
    # "yeah please get someone to check the setting" (blind panel p47 02): a person to look at it, not the CEO.
    r"|\b(?:get|have)\s+(?:someone|somebody|a person)\s+(?:to\s+)?(?:check|look|sort|fix|review|go through)\b"
    rf"|\b(?:talk|speak|chat)\s+(?:to|with|w/?)\s+{SOMEONE}"
    r"|\bi\s+said\s+(?:a\s+|an\s+)?(?:person|human|agent)\b"
    # "Kindly pass my disappointment to a person." (blind panel p64 O-11: trapped in the order form, then a code
    # honoured for it).
    # ("send it to someone else" is a parcel's address, never a person asked for.)
    r"|\bpass\s+(?:it|this|that|my\s+\w+|these\s+\w+|them)\s+(?:on\s+)?to\s+(?:a\s+|an\s+)?"
    r"(?:(?:real|actual)\s+)?(?:person|human|someone|somebody|manager|supervisor|agent)\b"
    r"|\bhand\s+(?:it|this|that|me)\s+(?:over\s+)?to\s+(?:a\s+|an\s+)?(?:person|human|manager|supervisor|agent)\b"
    r"|^\W*(?:a\s+)?(?:(?:real|actual)\s+)?(?:person|human|agent|operator|representative)\W*(?:pls|please|now)?\W*$",
    re.I,
)
# "not the CEO", "I did not ask for the CEO", "never wanted your ceo": the CEO named only to be turned down.
NOT_THE_CEO = re.compile(
    r"\b(?:not|didn'?t|did not|never|no)\s+(?:ask(?:ed)?\s+for\s+|want(?:ed)?\s+|need\s+)?(?:the\s+|your\s+)?"
    r"(?:ceo|boss|owner|top|chief executive)\b",
    re.I,
)
# "i don't need a person", "do i need a person to approve it?": not asked for.
NO_PERSON = re.compile(
    r"\b(?:don'?t|do not|dont|no|never)\s+(?:need|want)\b|^\W*(?:do|does|did|will|would|is|are|was|why|what|how|when|where|who|which)\b",
    re.I,
)
_SENTENCES = re.compile(r"(?<=[.!?\n])\s*|\bbut\b", re.I)


def asks_for_a_person(text: str) -> bool:
    """A sentence of ``text`` asks for a person: "I'd like to speak to someone about it." at the end of a
    long complaint, "no. PERSON. please", "SPRING15 but i said i want a person"."""
    for sentence in _SENTENCES.split(text or ""):
        sentence = sentence.strip()
        if (
            sentence
            and PERSON_ASKED.search(sentence)
            and not NO_PERSON.search(sentence)
            and not CALL_ASKED.search(sentence)
        ):
            return True
    return False


# "connect me to someone who can call me back": a call, which has its own reading.
CALL_ASKED = re.compile(r"\b(?:call|ring|phone)\s+(?:me|us|back)\b|\bcall\s?-?backs?\b", re.I)


# "hmm no, I don't really want a phone call", "I'd rather not have a call": the call declined,
# in words the designers' list (catalog/repair.yml `no_call`) does not hold.
_NO_CALL = re.compile(
    r"\b(?:don'?t|do not|dont|didn'?t)\s+(?:really\s+|actually\s+)?(?:want|need)\s+(?:a\s+|any\s+|the\s+)?(?:phone\s*)?call\b"
    r"|\b(?:rather|prefer)\s+not\s+(?:to\s+)?(?:have\s+|get\s+|take\s+)?(?:a\s+)?(?:phone\s*)?call\b",
    re.I,
)


def refuses_call(text: str) -> bool:
    """The customer would rather not be called."""
    return repair.refuses_call(text) or bool(_NO_CALL.search(text or ""))


@lru_cache(maxsize=4)
def _file(modified_ns: int) -> Mapping[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}


def choice_words() -> Mapping[str, Sequence[str]]:
    """The designers' choice words (catalog/choice_words.yml), for the actions; read again when it changes."""
    return _file(changed_at(WORDS_FILE)).get("words") or {}


@lru_cache(maxsize=4)
def _patterns(modified_ns: int) -> Mapping[str, "re.Pattern[str]"]:
    words = _file(modified_ns).get("words") or {}
    return {key: word_pattern(listed) for key, listed in words.items() if listed}


def choice_pattern(key: str) -> "re.Pattern[str] | None":
    """One pattern of an option's choice words, compiled once per version of the file; None when it has none."""
    return _patterns(changed_at(WORDS_FILE)).get(key)
