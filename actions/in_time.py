"""Whether an order on its way comes in time for the day the customer needs it by.

"will it arrive by thursday? i need it for a trip" (a conversation of our own, 5 December) was
told the order's date and then "I can't change how an order is sent", a no to something never
asked, when the date was two days before Thursday. The answer (catalog/answers.yml
``in_time_for_day``) compares the two: in time, it says so; too late, it says that, and what a
person can still look at (``utter_answer_in_time_for_day_late``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional, Text, Tuple

from actions.case import day_name

IN_TIME = "utter_answer_in_time_for_day"
TOO_LATE = "utter_answer_in_time_for_day_late"
UNDATED = "utter_answer_in_time_for_day_undated"
# The placeholder only this answer has: the day the customer named, as they would say it.
DEADLINE_DAY = "deadline_day"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_NAMED = re.compile(
    r"\b(?P<day>monday|tuesday|tues|wednesday|weds|thursday|thurs|friday|saturday|sunday)\b|\b(?P<weekend>weekend)\b|"
    r"\b(?P<tomorrow>tomorrow|tmrw|tmr)\b",
    re.I,
)


def deadline(text: Text, today: date) -> Optional[date]:
    """The first day the text names ("by thursday", "before the weekend", "tomorrow"): the next one from today
    (today itself when it is that day), or None when it names none."""
    for found in DAY_NAMED.finditer(text or ""):
        if found.group("tomorrow"):
            return today + timedelta(days=1)
        if found.group("weekend"):
            wanted = WEEKDAYS.index("saturday")
        else:
            prefix = found.group("day").lower()[:3]
            wanted = next(i for i, name in enumerate(WEEKDAYS) if name.startswith(prefix))
        return today + timedelta(days=(wanted - today.weekday()) % 7)
    return None


def in_time_values(text: Text, promised_on: Optional[date], today: date) -> Tuple[Text, Optional[bool]]:
    """The day named as the answer says it (``deadline_day``), and whether the promised date is on or before it
    (None: no date to compare, never said to be in time)."""
    day = deadline(text, today)
    if day is None or promised_on is None:
        return "", None
    first = DAY_NAMED.search(text or "")
    spoken = "the weekend" if first is not None and first.group("weekend") else day_name(day)
    return spoken, promised_on <= day


def fitted(answer: Text, in_time: Optional[bool]) -> Text:
    """The in-time answer; its too-late wording when the date comes after the day named; its undated wording when
    there is no date or no day to compare."""
    if answer != IN_TIME or in_time:
        return answer
    return UNDATED if in_time is None else TOO_LATE
