"""Times for a call said from now: "in an hour", "in 30 mins", "a couple of hours from now".

Read in the business's timezone (``now`` is aware) and rounded up to a time a person can keep:
the next 5 minutes for a wait under an hour, the next quarter hour for longer. "later this
afternoon" or "later today" name no time: the form asks for one rather than guess.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Optional, Text

_AMOUNT = r"(a couple of|couple of|a couple|half an?|an?|one|two|three|four|five|six|\d{1,3})"
_UNIT = r"(hours?|hrs?|minutes?|mins?)"
IN_A_WHILE = re.compile(
    rf"\bin\s+(?:about\s+|around\s+|roughly\s+|like\s+|maybe\s+|say\s+)?{_AMOUNT}\s*{_UNIT}"
    rf"|\b{_AMOUNT}\s*{_UNIT}\s+from\s+now\b",
    re.I,
)
COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# "later this afternoon", "later today", "sometime later": a wish for later, not a time.
VAGUE_LATER = re.compile(
    r"\b(?:later|sometime)\s+(?:on\s+)?(?:today|this\s+(?:morning|afternoon|evening)|in\s+the\s+day|on)\b"
    r"|^\W*(?:later|sometime later|some time later)\W*$",
    re.I,
)


def minutes_from_now(text: Text) -> Optional[float]:
    """How long from now the customer asked for, in minutes, or None."""
    match = IN_A_WHILE.search(text or "")
    if not match:
        return None
    amount = (match.group(1) or match.group(3)).lower()
    unit = (match.group(2) or match.group(4)).lower()
    if "half" in amount:
        count = 0.5
    elif "couple" in amount:
        count = 2.0
    else:
        count = float(COUNTS.get(amount) or int(amount))
    return count * 60 if unit.startswith("h") else count


def rounded_up(moment: datetime, step: int) -> datetime:
    """``moment`` up to the next whole ``step`` minutes (itself when already on one)."""
    if moment.minute % step or moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=step - moment.minute % step)
    return moment


def in_a_while(text: Text, now: datetime) -> Optional[datetime]:
    """'in an hour' at 13:02 is 14:15; 'in 30 mins' is 13:35: from now, rounded up."""
    minutes = minutes_from_now(text)
    if minutes is None:
        return None
    return rounded_up(now + timedelta(minutes=minutes), 5 if minutes < 60 else 15)


def vaguely_later(text: Text) -> bool:
    """ "later this afternoon", "later today": later, but no time a person could ring at."""
    return bool(VAGUE_LATER.search(text or ""))
