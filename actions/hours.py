"""Care-team hours: whether people are in, and when they are next."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

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


# An evening time asked just after the team goes home is brought forward to their last call that day, not to the
# next morning (for someone at work all morning), when it is this close.
EVENING_REACH = timedelta(hours=2)
LAST_CALL_BEFORE_CLOSING = timedelta(minutes=15)


def nearest_in_hours(wanted: datetime, hours: Hours, now: datetime) -> datetime:
    """``wanted`` if the team is in then; else the team's last call that day when ``wanted`` is just after
    they go home (and that is still to come), or the next time they are in, whichever is nearer. On a day the team
    is not in at all, the same clock time on the next day they are, when they are in then."""
    later = fit_to_hours(wanted, hours)
    span = hours.get(wanted.weekday())
    if not span and later.date() > wanted.date():
        # "tomorrow at 11am" said on a Saturday, nobody in on Sunday: Monday at 11am, the hour kept, never the
        # Monday opening at 8 that nobody asked for.
        kept = later.replace(hour=wanted.hour, minute=wanted.minute)
        return kept if is_open(kept, hours) else later
    if later == wanted or not span or span[1] >= 24:
        return later
    closing = wanted.replace(hour=span[1], minute=0, second=0, microsecond=0)
    last_call = closing - LAST_CALL_BEFORE_CLOSING
    if closing <= wanted <= closing + EVENING_REACH and last_call > now and wanted - last_call < later - wanted:
        return last_call
    return later


def spoken_time(moment: datetime, now: datetime) -> str:
    """'today at 3:00 pm', 'tomorrow at 9:30 am', 'Monday 30 November at 8:00 am'."""
    clock = moment.strftime("%-I:%M %p").lower()
    day = moment.strftime("%A %-d %B")
    if moment.date() == now.date():
        return f"today at {clock}"
    if moment.date() == (now + timedelta(days=1)).date():
        # After midnight "tomorrow" is easily taken for the day just begun, so the day is named too
        # ("tomorrow at 10:00 am (Saturday 5 December)" at 3 am on Friday: blind panel p46 01).
        return f"tomorrow at {clock}" + (f" ({day})" if now.hour < SMALL_HOURS_END else "")
    return f"{day} at {clock}"


def zone_said(zone: str) -> str:
    """ "America/New_York" as "New York time": the business's clock named, for a customer who may be on another."""
    place = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{place} time" if place and place.upper() not in ("UTC", "GMT") else "UTC"


def back_at(back: Optional[datetime], now: datetime, zone: str) -> str:
    """When the team is next in, with the business's clock named: "today at 9:00 am, New York time" (blind panel p54
    B: "back today at 9:00 am" read past noon by a customer on another clock); "soon" with no opening known."""
    return f"{spoken_time(back, now)}, {zone_said(zone)}" if back else "soon"


# Up to this hour of the night, "today" and "tomorrow" come with the day's name.
SMALL_HOURS_END = 5


def _day_word(moment: datetime, now: datetime) -> str:
    if moment.date() == now.date():
        return "today"
    if moment.date() == (now + timedelta(days=1)).date():
        return "tomorrow"
    return DAY_NAMES[moment.weekday()]


def example_times(now: datetime, hours: Hours) -> Tuple[str, str]:
    """Two times worth suggesting as examples when asking when to call ("today at 4pm", "tomorrow
    morning"), both inside care hours as seen from ``now``: at 11 pm, "today at 4pm" is a time
    already gone (blind panel p44 04, 06, 09, 10, 11, 14)."""
    whole = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    first = fit_to_hours(whole, hours)
    later = first.replace(hour=0) + timedelta(days=1)
    second = fit_to_hours(later, hours)
    part = "morning" if second.hour < 12 else "afternoon"
    return f"{_day_word(first, now)} at {_hour(first.hour)}", f"{_day_word(second, now)} {part}"


def our_clock(now: datetime, zone: str) -> str:
    """The team's clock as the customer hears it: '8:25 pm New York time' (a customer elsewhere
    heard "that time has already gone by" at their 9pm and was lost: blind panel p43 06, 15, 20)."""
    return f"{now.strftime('%-I:%M %p').lower()} {zone_said(zone)}"


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def always_open(hours: Hours) -> bool:
    """Whether the team is in around the clock, every day ("mon-sun 0-24")."""
    return all(hours.get(day) == (0, 24) for day in range(7))


def _hour(hour: int) -> str:
    if hour in (0, 24):
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def _days(first: int, last: int) -> str:
    if first == 0 and last == 6:
        return "every day"
    if first == last:
        return f"on {DAY_NAMES[first]}"
    if last == first + 1:
        return f"on {DAY_NAMES[first]} and {DAY_NAMES[last]}"
    return f"{DAY_NAMES[first]} to {DAY_NAMES[last]}"


def spoken_hours(hours: Hours) -> str:
    """The care hours as said in a sentence ("Our care team is in ..."): "from 8am to 8pm Monday to
    Friday and from 9am to 5pm on Saturday", "around the clock Monday to Friday", "" for none."""
    runs: List[List[Any]] = []  # [first day, last day, span]: consecutive days with the same hours
    for day in range(7):
        span = hours.get(day)
        if span and runs and runs[-1][1] == day - 1 and runs[-1][2] == span:
            runs[-1][1] = day
        elif span:
            runs.append([day, day, span])
    pieces = [
        f"{'around the clock' if span == (0, 24) else f'from {_hour(span[0])} to {_hour(span[1])}'} {_days(a, b)}"
        for a, b, span in runs
    ]
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1] if pieces else ""
