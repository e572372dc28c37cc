"""Word lists designers keep in YAML, matched as whole words in what a customer typed.

A trailing * matches any ending ("damn*" matches "damned"); a phrase matches with any
spacing between its words ("log in" matches "log  in"). Case is ignored.
"""

from __future__ import annotations

import re
from typing import Iterable


def word_pattern(words: Iterable[str]) -> "re.Pattern[str]":
    """One compiled pattern that finds any of the words or phrases."""
    parts = []
    for word in words:
        word = str(word).strip()
        if not word:
            continue
        stem, star = (word[:-1], r"\w*") if word.endswith("*") else (word, "")
        parts.append(r"\s+".join(re.escape(w) for w in stem.split()) + star)
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)
