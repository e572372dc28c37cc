"""Words that drop a call already booked: "cancel the 3pm call please", "scrap the phone call",
"dont call me after all", "call it off".

Shared by the server's reading of a message once a call is booked (server/dialogue/form_readings.py)
and the callback form's validator (actions/schedule_callback.py), so both hear the same words.
Beside catalog/repair.yml's lists: "cancel" with a word for the call, or a refusal of calls.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from gracious import repair

# A word of dropping, then (within a few words, in the same sentence) the call: "scrap the phone call",
# "cancel the 3pm call please", "drop my callback", "forget about the call", "call it off".
DROPS_THE_CALL = re.compile(
    r"\b(?:cancel\w*|scrap|drop|ditch|(?<!n't\s)(?<!dont\s)(?<!not\s)(?<!never\s)forget(?:\s+about)?|(?:don'?t|dont|do\s+not|no\s+longer)\s+(?:need|want))"
    r"\s+(?:[\w':]+\s+){0,3}?(?:call|callback|call-back|call\s+back|ring|phone\s*call)\b(?!\s+me\b)"
    r"|\bcall\w*\s+(?:it\s+|that\s+|the\s+call\s+)?off\b",
    re.I,
)
# "cancel my order and call me at 3": a call asked for, whatever else is cancelled.
CALL_ME = re.compile(r"\b(?:call|ring|phone)\s+me\b(?!\s+(?:after all|any\s?more)\b)", re.I)


def drops_the_call(text: str) -> bool:
    """Whether the words drop a call: "cancel the 3pm call", "scrap the phone call", "dont call me after all"."""
    if not text or text.startswith("/"):
        return False
    if DROPS_THE_CALL.search(text) or repair.refuses_call(text):
        return True
    return repair.cancels_booked_call(text) and not CALL_ME.search(text)


CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))?\s*(am|pm|a\.m\.|p\.m\.)", re.I)
TWENTY_FOUR = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
# "the 3 o'clock one", "the call at 3", "the 11 call": an hour as people say it (1 to 7 is pm).
BARE = re.compile(r"\b(?:at\s+|the\s+)(\d{1,2})(?:\s*o'?\s?clock)?\b(?![:.]\d)|\b(\d{1,2})\s*o'?\s?clock\b", re.I)


def clock_named(text: str) -> Optional[Tuple[int, int]]:
    """The clock time a message names, as (hour, minute) on the 24-hour clock, or None:
    "the 3pm call" and "the 3 o'clock one" are (15, 0), "15:30" is (15, 30)."""
    text = text or ""
    found = CLOCK.search(text)
    if found:
        hour = int(found.group(1)) % 12 + (12 if found.group(3).lower().startswith("p") else 0)
        return hour, int(found.group(2) or 0)
    found = TWENTY_FOUR.search(text)
    if found:
        return int(found.group(1)), int(found.group(2))
    found = BARE.search(text)
    if found:
        hour = int(found.group(1) or found.group(2))
        if 1 <= hour <= 12:
            return (hour + 12 if hour <= 7 else hour), 0
    return None


# The repair mark of a reply to "Shall I cancel that one?" (server/dialogue/cancel_answer.py, action_cancel).
CANCEL_ANSWER = "cancel_answer"
# An answer to "Shall I cancel that one?": a yes, a no, or the time of the call meant ("the 3pm one").
YES = re.compile(
    r"^\W*(?:y(?:es|eah|ep|up|a)|sure|ok(?:ay)?|please|go ahead|do it|cancel (?:it|that|that one)|that one|correct)\b",
    re.I,
)
NO = re.compile(r"^\W*(?:no+|nope|nah|don'?t|do not|keep)\b|\bkeep (?:it|them|the call|both)\b|\bleave it\b", re.I)


def answer_to_cancel(text: str) -> Optional[str]:
    """How a reply answers "Shall I cancel that one?": "no" (keep it), "time" (a call named by its
    time), "yes", or None when it is not an answer."""
    text = text or ""
    if clock_named(text) is not None and not re.search(r"\bkeep\b", text, re.I):
        return "time"
    if NO.search(text):
        return "no"
    if YES.search(text):
        return "yes"
    return None
