"""Words that drop a call already booked: "cancel the 3pm call please", "scrap the phone call",
"dont call me after all", "call it off".

Shared by the server's reading of a message once a call is booked (server/dialogue/form_readings.py)
and the callback form's validator (actions/schedule_callback.py), so both hear the same words.
Beside catalog/repair.yml's lists: "cancel" with a word for the call, or a refusal of calls.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional, Tuple

from gracious import repair

# A word of dropping, then (within a few words, in the same sentence) the call: "scrap the phone call",
# "cancel the 3pm call please", "drop my callback", "forget about the call", "call it off".
# Not after a refusal ("don't cancel the call", "please never drop my callback"): that keeps it.
_NOT_SAID = r"(?<!n't\s)(?<!n’t\s)(?<!dont\s)(?<!not\s)(?<!never\s)"
_DAYS = r"today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DROPS_THE_CALL = re.compile(
    rf"\b{_NOT_SAID}(?:cancel\w*|scrap|drop|ditch|forget(?:\s+about)?|(?:don'?t|dont|do\s+not|no\s+longer)\s+(?:need|want))"
    r"\s+(?:[\w':]+\s+){0,3}?(?:call|callback|call-back|call\s+back|ring|phone\s*call)\b(?!\s+me\b)"
    r"|\bcall\w*\s+(?:it\s+|that\s+|the\s+call\s+)?off\b"
    # "cancel the 2pm one pls", "cancel tomorrows 5pm one" (blind panel p39 17): a call named by its hour;
    # "cancel the tomorrow one please. keep the monday one" (blind panel p49 19): or by its day.
    rf"|\b{_NOT_SAID}cancel\w*\s+(?:the\s+|that\s+|my\s+)?(?:(?:{_DAYS})'?s?\s+)?"
    r"\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm|o'?clock)?\s+(?:ones?|booking|appointment)\b"
    rf"|\b{_NOT_SAID}cancel\w*\s+(?:the\s+|that\s+|my\s+)?(?:{_DAYS})'?s?\s+(?:one|booking|appointment)\b"
    # "cancel everything except the 2pm one", "cancel both 9:30 ones" (blind panel p54 A10): calls, all but one or all.
    rf"|\b{_NOT_SAID}cancel\w*\s+(?:everything|all|both|them\s+all)\b[^.!?]*?"
    r"\b(?:except|apart\s+from|other\s+than|besides|ones|calls?)\b",
    re.I,
)
# A sentence that keeps the call or asks about a cancel, not one that drops it: "don't cancel it", "is it cancelled?",
# "I don't want to cancel the call at 3", "why did you cancel my call?", "did you cancel it?".
KEEPS_OR_ASKS = re.compile(
    r"\b(?:not|never|dont|\w+n't)\s+(?:[\w']+\s+){0,3}?(?:cancel|scrap|drop|ditch)"
    r"|\b(?:why|how come|who)\b[^.!?]*\b(?:cancel|scrap|drop|ditch)"
    r"|\b(?:did|have|has|had)\s+(?:you|someone|somebody|they|it|he|she|we)\s+(?:\w+\s+)?(?:cancel|scrap|drop|ditch)"
    # "so is my 9am call tomorrow cancelled or not?" (blind panel p35 04): asks, and cancels nothing.
    r"|\b(?:is|are|was|were)\b[^.!?]*\bcancel\w*[^.!?]*\?|\bcancel\w*\s+or\s+not\b",
    re.I,
)


def meant(text: str) -> str:
    """The sentences that could drop a call: not those that keep it or ask about a cancel."""
    sentences = re.split(r"(?<=[.!?\n])", text.replace("’", "'"))
    return " ".join(s for s in sentences if not KEEPS_OR_ASKS.search(s))


# "cancel my order and call me at 3": a call asked for, whatever else is cancelled.
CALL_ME = re.compile(r"\b(?:call|ring|phone)\s+me\b(?!\s+(?:after all|any\s?more)\b)", re.I)


def cancels_booked(text: str) -> bool:
    """catalog/repair.yml's "cancel" words and a word for the call, in a sentence that doesn't ask
    about a cancel ("also did you cancel the tomorrow one or do i have 2 now": blind panel p35 18)."""
    return repair.cancels_booked_call(_calls_part(text))


def _calls_part(text: str) -> str:
    """What the words say of calls: the sentences that ask or keep left out (``meant``), and anything else to cancel
    (``OTHER_CANCELLED``) taken out; the verb stays for whatever follows it ("cancel the whole order and the call")."""
    return OTHER_CANCELLED.sub(lambda m: " cancel " if m.group(0).lower().startswith("cancel") else " ", meant(text))


def drops_the_call(text: str) -> bool:
    """Whether the words drop a call: "cancel the 3pm call", "scrap the phone call", "dont call me after all"."""
    if not text or text.startswith("/"):
        return False
    text = _calls_part(text)
    if DROPS_THE_CALL.search(text) or repair.refuses_call(text):
        return True
    return repair.cancels_booked_call(text) and not CALL_ME.search(text)


# "the person on that call knows i want the jacket cancelled?" (blind panel p64 O-12, where the call was the one
# cancelled): something else to cancel, said beside the call, drops no call.
_THINGS = r"(?:order|jacket|coat|dress|shoes|boots|item|parcel|refund|exchange|replacement|subscription|plan|headphones|grinder|lamp|purchase)"
OTHER_CANCELLED = re.compile(
    rf"\b(?:the|my|this|that|whole)\s+(?:\w+\s+)?{_THINGS}\s+(?:to\s+be\s+)?cancel+ed\b"
    rf"|\bcancel\w*\s+(?:the|my|this|that)\s+(?:whole\s+|entire\s+|\w+\s+)?{_THINGS}\b",
    re.I,
)


CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))?\s*(am|pm|a\.m\.|p\.m\.)", re.I)
TWENTY_FOUR = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
# "the 3 o'clock one", "the call at 3", "the 11 call": an hour as people say it (1 to 7 is pm).
BARE = re.compile(r"\b(?:at\s+|the\s+)(\d{1,2})(?:\s*o'?\s?clock)?\b(?![:.]\d)|\b(\d{1,2})\s*o'?\s?clock\b", re.I)


# "the 930 one", "930am", "the 1030 call" (blind panel p54 A10): hours and minutes run together, only beside a word of
# the call or of the clock, so an order's digits are never a time.
COMPACT = re.compile(r"\b([1-9]|1[0-2])([0-5]\d)\s*(am|pm)?(?=\s*(?:am|pm|one|ones|call|calls|slot|booking)\b)", re.I)


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
        hour = int(found.group(1))
        # "the 6:30 one" is half past six in the evening, as a bare "6" is (blind panel p72 AF-05: asked "which one"
        # twice); "06:30" is the morning, said so.
        evening = 1 <= hour <= 7 and not found.group(1).startswith("0")
        return (hour + 12 if evening else hour), int(found.group(2))
    found = COMPACT.search(text)
    if found and found.group(3):
        return int(found.group(1)) % 12 + (12 if found.group(3).lower() == "pm" else 0), int(found.group(2))
    if found:
        hour = int(found.group(1))
        return (hour + 12 if hour <= 7 else hour), int(found.group(2))
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
    r"^\W*(?:please\s+)?(?:y(?:es|eah|ep|up|a)|sure|ok(?:ay)?|go ahead|do it|cancel (?:it|that|that one)|that one|correct)\b",
    re.I,
)
NO = re.compile(
    r"^\W*(?:please\W+)?(?:no+|nope|nah|don'?t|do not|keep)\b|\bkeep (?:it|them|the call|both)\b|\bleave it\b"
    r"|\b(?:not|never|dont|\w+n't)\s+(?:[\w']+\s+){0,3}?cancel",
    re.I,
)


def answer_to_cancel(text: str) -> Optional[str]:
    """How a reply answers "Shall I cancel that one?": "no" (keep it), "time" (a call named by its
    time), "yes", or None when it is not an answer. A no comes first: "No, don't cancel the 3pm one!"
    names a time but keeps the call."""
    text = (text or "").replace("’", "'")
    if NO.search(text):
        return "no"
    if clock_named(text) is not None:
        return "time"
    if YES.search(text):
        return "yes"
    return None


# The sentence or clause that cancels ("cancel the tomorrow one please" in "... keep the monday one"), and one that
# keeps a call ("keep 8.15", "leave the monday one").
_CLAUSE = re.compile(r"[.;!?,]+|\s(?:and|but)\s", re.I)
CANCELS = re.compile(r"\b(?:cancel|scrap|drop|ditch|call\w*\s+(?:it\s+)?off)", re.I)
_KEEPS = re.compile(r"\b(?:keep|leave|still want|stick with|hold on to)\b", re.I)
_DAY_WORD = re.compile(rf"\b({_DAYS})\b", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def dropped_part(text: str) -> str:
    """The words about the call to drop: the clauses that cancel, else all but those that keep one ("then cancel the
    tomorrow one please. keep 8.15": blind panel p49 19, where 8.15 is the call kept)."""
    clauses = [c.strip() for c in _CLAUSE.split(meant(text or "")) if c.strip()]
    cancelling = [c for c in clauses if CANCELS.search(c) and not _KEEPS.search(c)]
    if cancelling and any(clock_named(c) or _DAY_WORD.search(c) for c in cancelling):
        return ", ".join(cancelling)
    return ", ".join(c for c in clauses if not _KEEPS.search(c))


# A call moved in the same breath: "make it 2pm not 12", "move the other one to 3", "change it to wednesday 7pm".
_MOVES = re.compile(
    r"\b(?:make\s+(?:it|that|the\s+other(?:\s+one)?)|move|moved|change|switch|push|bring|instead|rather|not\s+\d)\b",
    re.I,
)


def moved_part(text: str) -> str:
    """The clauses that move a call, beside those that cancel one ("wait no, make it 2pm not 12. and cancel the 5pm one":
    blind panel p69 Y-06, where the move was dropped): "" when none does. Only with a time or a day in them."""
    clauses = [c.strip() for c in _CLAUSE.split((text or "").replace("\u2019", "'")) if c.strip()]
    moving = [
        c for c in clauses if not CANCELS.search(c) and _MOVES.search(c) and (clock_named(c) or _DAY_WORD.search(c))
    ]
    return ", ".join(moving)


def days_named(text: str, today: date) -> Tuple[date, ...]:
    """The days ``text`` names for a call ("the tomorrow one", "monday's"), or none: today's weekday is today's or a
    week on."""
    word = _DAY_WORD.search(text or "")
    if word is None:
        return ()
    day = word.group(1).lower()
    if day == "today":
        return (today,)
    if day == "tomorrow":
        return (today + timedelta(days=1),)
    ahead = (_WEEKDAYS.index(day) - today.weekday()) % 7
    return (today + timedelta(days=ahead),) if ahead else (today, today + timedelta(days=7))
