"""Care-team hours: whether people are in, and when they are next."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Dict, Optional, Tuple

Hours = Dict[int, Tuple[int, int]]


def is_open(moment: datetime, hours: Hours) -> bool:
    span = hours.get(moment.weekday())
    return span is not None and span[0] <= moment.hour < span[1]


def next_opening(moment: datetime, hours: Hours) -> Optional[datetime]:
    """The first moment at or after ``moment`` when the team is in."""
    if not hours:
        return None
    if is_open(moment, hours):
        return moment
    for days in range(0, 8):
        day = (moment + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        span = hours.get(day.weekday())
        if not span:
            continue
        start = day.replace(hour=span[0])
        if start >= moment:
            return start
    return None


def fit_to_hours(wanted: datetime, hours: Hours) -> datetime:
    """``wanted`` if the team is in then, else the next time they are."""
    return next_opening(wanted, hours) or wanted


def spoken_time(moment: datetime, now: datetime) -> str:
    """'today at 3:00 pm', 'tomorrow at 9:30 am', 'Monday 30 November at 8:00 am'."""
    clock = moment.strftime("%-I:%M %p").lower()
    if moment.date() == now.date():
        return f"today at {clock}"
    if moment.date() == (now + timedelta(days=1)).date():
        return f"tomorrow at {clock}"
    return f"{moment.strftime('%A %-d %B')} at {clock}"
