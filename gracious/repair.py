"""The repair words of catalog/repair.yml: is this message a cancel, a correction, a switch?

Shared by the server (bot/repair.py reads a message in the light of the conversation)
and the actions (the forms' validators). Pure functions of the text; the file is read
again when it changes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Pattern

import yaml

from gracious.wordlists import word_pattern

WORDS_FILE = Path(__file__).resolve().parent.parent / "catalog" / "repair.yml"
LISTS = (
    "cancel", "cancel_booked", "call_words", "no_reference", "email_instead", "no_call", "correction", "why", "goodbye", "closing", "change_choice", "no_email",
)


@lru_cache(maxsize=4)
def _patterns(path: Path, modified_ns: int) -> Dict[str, Pattern[str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: word_pattern(raw.get(name) or []) for name in LISTS}


def says(kind: str, text: str) -> bool:
    """Whether ``text`` has a word or phrase of the list ``kind`` (one of LISTS)."""
    if kind not in LISTS:
        raise KeyError(kind)
    return bool(text) and bool(_patterns(WORDS_FILE, WORDS_FILE.stat().st_mtime_ns)[kind].search(text))


def wants_email_instead(text: str) -> bool:
    """'i dont want a call. EMAIL.', 'can you email me instead': write, don't call."""
    return says("email_instead", text)


def refuses_call(text: str) -> bool:
    return says("no_call", text)


def cancels(text: str) -> bool:
    """'never mind', 'forget it': leave what is in hand. Short messages only, so a
    story that merely contains 'leave it' is not read as a cancel."""
    return says("cancel", text) and len(text.split()) <= 8


def has_no_reference(text: str) -> bool:
    return says("no_reference", text)


def corrects(text: str) -> bool:
    return says("correction", text)


def cancels_booked_call(text: str) -> bool:
    return says("cancel_booked", text) and says("call_words", text)


def asks_why(text: str) -> bool:
    """A short 'why?' or 'how come' (a long message is a new story, not a why)."""
    return says("why", text) and len(text.split()) <= 10


_TIME_WORDS = (
    r"\d|\b(?:noon|midday|morning|afternoon|evening|tonight|lunch|today|tomorrow|tmrw|tmr|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|o'clock|oclock)\b"
)


def mentions_time(text: str) -> bool:
    """Whether the text names a time or a day in some way (a digit counts)."""
    return bool(re.search(_TIME_WORDS, text or "", re.IGNORECASE))


_DAY_WORDS = (
    r"\b(?:today|tonight|tomorrow|tmrw|tmr|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tue|tues|wed|thu|thurs|fri|sat|sun|weekend|week|next|\d{1,2}(?:st|nd|rd|th)|"
    r"jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\b"
)


def mentions_day(text: str) -> bool:
    """Whether the text names a day, not only a time of day."""
    return bool(re.search(_DAY_WORDS, text or "", re.IGNORECASE))
