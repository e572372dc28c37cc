"""A day and a time typed in another language, in English words (catalog/languages.yml `time_words`).

"mañana a las 10" is "tomorrow at 10": the callback form reads it as it reads any time (actions/callback_time.py),
so a customer who writes in Spanish while we ask when to call is booked, never asked again in English
(blind panel p48 21). Read again when the file changes; designers add words, no Python.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, List, Tuple

import yaml

from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at

WORDS_FILE = CATALOG_DIR / "languages.yml"


@lru_cache(maxsize=4)
def _words(modified_ns: int) -> Dict[str, List[Tuple["re.Pattern[str]", str]]]:
    raw = (yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}).get("time_words") or {}
    return {
        str(code): [
            (re.compile(rf"(?<!\w){re.escape(str(said))}(?!\w)", re.I), str(english))
            for said, english in sorted((words or {}).items(), key=lambda w: -len(str(w[0])))
        ]
        for code, words in raw.items()
    }


# "9h", "14h30", "9 h": the hour as French and others write it (blind panel p50 23 booked "demain matin 9h" at 10).
CLOCK_WITH_H = re.compile(r"\b([01]?\d|2[0-3])\s?h\s?([0-5]\d)?(?!\w)", re.I)


def in_english(text: str, language: str) -> str:
    """``text`` with the language's words for a day and a time put in English; the rest as it was."""
    for pattern, english in _words(changed_at(WORDS_FILE)).get(language, []):
        text = pattern.sub(english, text)
    return with_clock_hours(text)


def with_clock_hours(text: str) -> str:
    """ "9h" as "9:00", "14h30" as "14:30": an hour written with h, in any language."""
    return CLOCK_WITH_H.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)


def names_a_time(text: str, language: str) -> bool:
    """Whether the text says a day or a time in that language ("mañana a las 10", "demain")."""
    return in_english(text, language) != text
