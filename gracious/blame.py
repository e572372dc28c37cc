"""Words that blame or lecture the customer, found the same way everywhere.

The lists are the designers' (catalog/blame_words.yml): ``phrases`` said word for
word, and ``lecturing`` patterns, word sequences with a few signs (see the file).
`make check` refuses a response or email that says either (``blaming_phrases`` and
``lecturing``), and the end-to-end tests refuse a reply with a phrase. Everything
counts as whole words, whatever the case and whichever apostrophe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import yaml

from gracious.settings import CATALOG_DIR

BLAME_FILE = CATALOG_DIR / "blame_words.yml"
# One word of a pattern, or one of its signs: ( | ) ? * ...
# The way to reword a sentence a pattern without its own `instead` finds.
REWORD = "say what happened and what we will do, without pointing at what the customer did"
_TOKEN = re.compile(r"\.\.\.|[()|?*]|[^\s()|?*]+")


def normal_text(value: str) -> str:
    """Lower case, with curly apostrophes made straight."""
    return value.lower().replace("\u2019", "'").replace("\u2018", "'")


def blame_phrases(path: Path = BLAME_FILE) -> List[str]:
    """The phrases in ``path``, normalised."""
    return [normal_text(str(p)) for p in yaml.safe_load(path.read_text(encoding="utf-8"))["phrases"]]


def blaming_phrases(text: str, phrases: Optional[Sequence[str]] = None, quotes_theirs: bool = True) -> List[str]:
    """Every blaming phrase ``text`` says as whole words (``phrases``: the designers' list). In a
    reply as sent, the customer's own words quoted back (“…”, as in utter_second_problem_next) are
    theirs, not ours; in a response as written (``quotes_theirs=False``) every word is the designer's."""
    said = normal_text(re.sub(r"“[^”]*”", " ", text) if quotes_theirs else text)
    listed = blame_phrases() if phrases is None else phrases
    return [phrase for phrase in listed if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", said)]


# -- lecturing patterns ----------------------------------------------------------------


@dataclass(frozen=True)
class Lecture:
    """One pattern of lecturing, and which way to reword a sentence it finds."""

    pattern: str
    instead: str

    @property
    def regex(self) -> "re.Pattern[str]":
        return compile_words(self.pattern)


def lecture_patterns(path: Path = BLAME_FILE) -> List[Lecture]:
    """The ``lecturing`` patterns in ``path``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")).get("lecturing") or []
    return [
        Lecture(str(entry["pattern"]), str(entry.get("instead") or REWORD))
        if isinstance(entry, dict)
        else Lecture(str(entry), REWORD)
        for entry in raw
    ]


def words(text: str) -> str:
    """The words of ``text`` as patterns read them: lower case, one space apart, a sentence
    end (. ! ? ;) kept as " . " so no pattern runs across it, every other sign dropped."""
    plain = re.sub(r"[.!?;]+(?=\s|$)", " . ", normal_text(text))
    plain = re.sub(r"[^\w'.]+|(?<!\w)'|'(?!\w)", " ", plain)
    return " " + " ".join(plain.split()) + " "


@lru_cache(maxsize=None)
def compile_words(pattern: str) -> "re.Pattern[str]":
    """A word pattern as a regular expression over ``words(text)``.

    ``(a|b c)`` is one of the choices, ``?`` after a word or a group makes it optional,
    ``*`` is any one word, ``...`` up to four words; every other token is a word.
    """
    tokens = _TOKEN.findall(normal_text(pattern))
    try:
        regex, rest = _sequence(tokens, 0)
    except ValueError as error:
        raise ValueError(f'the lecturing pattern "{pattern}" {error}') from None
    if rest != len(tokens) or not regex:
        raise ValueError(f'the lecturing pattern "{pattern}" has a bracket or bar out of place')
    return re.compile(r"(?<= )" + regex)


def _sequence(tokens: List[str], at: int) -> Tuple[str, int]:
    """The units from ``at`` up to a closing bracket or a bar, each with its trailing space."""
    parts: List[str] = []
    while at < len(tokens) and tokens[at] not in (")", "|"):
        token = tokens[at]
        if token == "(":
            choices = []
            while True:
                choice, at = _sequence(tokens, at + 1)
                choices.append(choice)
                if at >= len(tokens) or tokens[at] == ")":
                    break
            if at >= len(tokens):
                raise ValueError("has a bracket that is not closed")
            unit = "(?:" + "|".join(choices) + ")"
        elif token == "*":
            unit = r"[\w']+ "
        elif token == "...":
            unit = r"(?:[\w']+ ){0,4}"
        elif token == "?":
            raise ValueError("has a ? that follows nothing")
        else:
            unit = "".join(re.escape(w) + " " for w in words(token).split())
        at += 1
        if at < len(tokens) and tokens[at] == "?":
            unit, at = f"(?:{unit})?", at + 1
        parts.append(unit)
    return "".join(parts), at


def lecturing(text: str, patterns: Optional[Sequence[Lecture]] = None) -> List[Tuple[Lecture, str]]:
    """(pattern, the words as ``text`` says them) for every lecturing pattern ``text`` matches."""
    plain = words(text)
    found = []
    for lecture in lecture_patterns() if patterns is None else patterns:
        match = lecture.regex.search(plain)
        if match:
            found.append((lecture, said_as(text, match.group().split())))
    return found


def said_as(text: str, found: Sequence[str]) -> str:
    """The words ``found`` as ``text`` writes them (its case, commas and apostrophes)."""
    gap = r"[^\w'\u2019\u2018]+"
    pattern = gap.join(re.escape(w).replace("'", "['\u2019\u2018]") for w in found)
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return match.group() if match else " ".join(found)
