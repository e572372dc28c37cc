"""Word lists designers keep in YAML, matched as whole words in what a customer typed.

A trailing * matches any ending ("damn*" matches "damned"); a phrase matches with any
spacing between its words ("log in" matches "log  in"). Case is ignored.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Dict, Iterable, Tuple

# How long a file's change time is trusted before it is looked at again: word lists are
# matched dozens of times a message, and a designer's edit is live within a second.
RECHECK_SECONDS = 1.0
_seen: Dict[str, Tuple[float, int]] = {}


def changed_at(path: Path) -> int:
    """When ``path`` last changed (ns), looked up at most once a second per file: the
    key that reloads a cached word list after a designer's edit."""
    key = os.fspath(path)
    now = time.monotonic()
    seen = _seen.get(key)
    if seen is None or now - seen[0] >= RECHECK_SECONDS:
        seen = (now, os.stat(key).st_mtime_ns)
        _seen[key] = seen
    return seen[1]


def word_pattern(words: Iterable[str]) -> "re.Pattern[str]":
    """One compiled pattern that finds any of the words or phrases."""
    parts = []
    for word in words:
        word = str(word).strip()
        if not word:
            continue
        stem, star = (word[:-1], r"\w*") if word.endswith("*") else (word, "")
        # "no, thanks" too, and "add-on" for "add on"
        parts.append(r"(?:\s*,?\s+|\s*-\s*)".join(re.escape(w) for w in stem.split()) + star)
    if not parts:
        return re.compile(r"(?!x)x")
    # Edges by word characters, not \b: "20%" and "$25" are found too.
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


# Chat spellings read as the words they stand for ("can u just ring me in an hour insted", "wat number"):
# the readings' patterns and the designers' answers are written for the words, so a typo does not hide them.
CHAT_SPELLINGS = {
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "wat": "what",
    "wot": "what",
    "wht": "what",
    "whta": "what",
    "insted": "instead",
    "instaed": "instead",
    "instad": "instead",
    "isntead": "instead",
    "forevr": "forever",
    "4ever": "forever",
    "thx": "thanks",
    "thnx": "thanks",
    "thanx": "thanks",
    "ty": "thanks",
    "pls": "please",
    "plz": "please",
    "cna": "can",
    "cn": "can",
    "k": "ok",
    "kk": "ok",
    "wen": "when",
    "whn": "when",
    "b4": "before",
    "hw": "how",
    "nd": "and",
    "any1": "anyone",
    "some1": "someone",
    "sum1": "someone",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2day": "today",
    "rng": "ring",
    "cal": "call",
    "calll": "call",
    "numbr": "number",
    "nmber": "number",
    "plase": "place",
    "qeue": "queue",
    "que": "queue",
    "queu": "queue",
    "wating": "waiting",
    "stil": "still",
}
_CHAT_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, CHAT_SPELLINGS), key=len, reverse=True)) + r")\b", re.I
)


def plain(text: str) -> str:
    """``text`` with chat spellings written out ("can u ring me insted" reads "can you ring me instead")."""
    return _CHAT_WORD.sub(lambda m: CHAT_SPELLINGS[m.group(0).lower()], text or "")
