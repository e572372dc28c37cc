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
        parts.append(r"\s+".join(re.escape(w) for w in stem.split()) + star)
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)
