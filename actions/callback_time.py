"""What time a customer means for a call: "tomorrow after lunch, maybe 2ish", "make it
1130", "tonight like 8", read with dateparser and fitted to the care team's hours."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Optional, Text, Tuple

from dateparser import DateDataParser
from dateparser.search import search_dates

from actions.callback_relative import in_a_while, vaguely_later
from actions.hours import fit_to_hours, nearest_in_hours
from gracious.references import without_amounts
from gracious.repair import DAY_WORD
from gracious.settings import settings

# A bare hour a person would mean in the afternoon ("at 2", "2ish"): 1 to 7 is pm.
# An ordinal ("the 3rd") is no hour; "3 this afternoon" is (blind panel p43 06 booked 2pm for it).
BARE_HOUR = re.compile(
    r"(?<![\d:/.-])\b(?:at|around|about|by|maybe|say|say about)?\s*(\d{1,2})(?::(\d\d))?(?:\s*ish)?\b(?!\s*(?:am|pm|a\.m|p\.m|:|\d|-|/|\.\d|%|days?|hours?|mins?|minutes?)|(?:st|nd|rd|th)\b)",
    re.I,
)
LATENESS = re.compile(
    r"\b(?:a|an|one|two|three|four|five|six|seven|\d+)\s+(?:whole\s+|full\s+)?(?:days?|weeks?|months?|hours?)\s+"
    r"(?:late|overdue|ago|behind|past|now|already|and\s+(?:still|nothing))\b",
    re.I,
)
SINCE = re.compile(
    r"\b(?:more than|over|under|less than|past|within|been|beyond|outside(?: of)?(?: the)?)\s+(?:a|an|one|two|three|\d+)"
    r"[\s-]+(?:days?|weeks?|months?|years?)\b(?:\s+(?:ago|old|since|window|return window))?|\b\d+[\s-]+days?\s+(?:window|rule|policy|return)",
    re.I,
)
# When a delivery comes, not when to call: "my replacement dress, is it actually coming tomorrow?" in the call's
# form (blind panel p45 13, booked for 10am without a time given).
DELIVERY_DAY = re.compile(
    r"\b(?:coming|arriving|arrive|arrives|delivered|deliver|delivering|delivery|shipping|ship|ships|shipped|"
    r"get here|be here|be with me|reach me|turn up|show up|dispatched|go out|goes out)\s+"
    r"(?:by\s+|on\s+|before\s+|for\s+)?(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
# A question (the time, the number) is asked at most twice; then the customer is offered a way on.
MAX_TIME_ATTEMPTS = 2
SOON = re.compile(
    r"\b(now|asap|as soon as|right away|straight away|immediately|soonest|earliest|whenever|any ?time)\b", re.I
)
PART_OF_DAY = {"after lunch": 13, "morning": 10, "lunch": 12, "noon": 12, "afternoon": 14, "evening": 18, "tonight": 18}


SHORTHAND = [
    (re.compile(r"\b(?:tmrw|tmr|tmrow|tmoro|tomoz|2moro|2morrow|tomorow|tommorow|tommorrow)\b", re.I), "tomorrow"),
    (re.compile(r"\b(?:tonite|2nite)\b", re.I), "tonight"),
    (re.compile(r"\b2day\b", re.I), "today"),
]


CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))?\s*(am|pm)\b", re.I)
# Marks no one uses to say when they are free, but code does.
CODE_LIKE = re.compile(r"[=;{}<>`\\]|--|/\*|\b(?:select|drop|insert|delete|update|union)\s+\w", re.I)


NUMBERS = {w: i for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_HOUR = r"(\d{1,2}|" + "|".join(NUMBERS) + r")"
# "half four" and "half past 4" are 4:30, "quarter to five" 4:45 (never "half an hour").
SPOKEN = re.compile(
    rf"\b(half|quarter|\d{{1,2}}|ten|twenty|twenty-five|five)\s+(?:(past|after|to|till)\s+)?{_HOUR}\b", re.I
)
# "from ten to twelve", "between 2 to 4": the start of a range, never minutes to the hour.
RANGE_START = re.compile(r"\b(?:from|between)\s*$", re.I)
SPOKEN_MINUTES = {"half": 30, "quarter": 15, "five": 5, "ten": 10, "twenty": 20, "twenty-five": 25}
WORD_MINUTES = {"fifteen": "15", "thirty": "30", "forty-five": "45", "forty five": "45"}
# "4.30pm", "at 4.30", "16.30": a clock time written with a dot, as many people do.
DOTTED = re.compile(r"(?<![\d.$£€])\b([01]?\d|2[0-3])\.([0-5]\d)(?![.\d%])", re.I)
# "today 8.30", "tomorrow 9.15" (blind panel p70 AA-09: booked at 10:00): a day just before is a time's too.
TIME_WORD = re.compile(
    r"\b(?:at|to|for|by|around|about|until|till|from|after|before|make it|say|today|tomorrow|tonight"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|afternoon|evening)\s*$",
    re.I,
)


def _spoken(text: Text) -> Text:
    """Times said the way people say them, written as a clock: "half four" is "4:30", "quarter to
    five" "4:45", "4.30pm" "4:30pm", "16.30" "16:30" (so none is read as 4:00, or missed)."""

    def spoken(match: "re.Match[str]") -> str:
        amount, link, hour_word = match.group(1).lower(), (match.group(2) or "").lower(), match.group(3).lower()
        hour = NUMBERS.get(hour_word) or int(hour_word)
        if link in ("to", "till") and (amount not in SPOKEN_MINUTES or RANGE_START.search(text[: match.start()])):
            return match.group(0)  # "from 2 to 4", "9 to 11", "1 till 3": a range, not 3:58
        if amount in SPOKEN_MINUTES:
            minutes = SPOKEN_MINUTES[amount]
        elif link and int(amount) < 60:
            minutes = int(amount)  # "20 past 3"
        else:
            return match.group(0)
        if not 1 <= hour <= 12 or (not link and amount != "half"):
            return match.group(0)  # "five four" is no time; "half four" is British for 4:30
        if link in ("to", "till"):
            hour, minutes = (hour - 2) % 12 + 1, 60 - minutes
        return f"{hour}:{minutes:02d}"

    text = SPOKEN.sub(spoken, text)
    # "four thirty", "five fifteen": the hour and its minutes in words.
    text = re.sub(
        rf"\b({'|'.join(NUMBERS)})\s+(fifteen|thirty|forty-five|forty five)\b",
        lambda m: f"{NUMBERS[m.group(1).lower()]}:{WORD_MINUTES[m.group(2).lower()]}",
        text,
        flags=re.I,
    )

    def dotted(match: "re.Match[str]") -> str:
        before = text[: match.start()]
        after = text[match.end() :]
        timed = (
            re.match(r"\s*(?:am|pm|a\.m|p\.m)", after, re.I)
            or TIME_WORD.search(before)
            or not re.sub(
                r"\b(?:please|pls|thanks|then|ok|okay)\b|[\s?!.,]", "", text.replace(match.group(0), ""), flags=re.I
            )
        )
        return f"{int(match.group(1))}:{match.group(2)}" if timed else match.group(0)

    return DOTTED.sub(dotted, text)


def _hour_minute(clock: "re.Match[str]") -> Tuple[int, int]:
    hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "pm" else 0)
    return hour, int(clock.group(2) or 0)


def _clock(text: Text) -> Text:
    """Spell out bare hours the way they are meant: "maybe 2ish" is "2pm", "at 9" is "9am"."""
    for shorthand, word in SHORTHAND:
        text = shorthand.sub(word, text)

    # "make it 1130", "at 930": a clock time written without its colon.
    text = re.sub(
        r"\b(at|make it|around|by|for)\s+(\d{1,2})([0-5]\d)\b(?!\s*(?:%|dollars?))",
        lambda m: f"{m.group(1)} {int(m.group(2))}:{m.group(3)}",
        text,
        flags=re.I,
    )
    # "tonight, like 8" or "this evening at 7": later in the day, whatever the hour.
    later = bool(re.search(r"\b(?:tonight|evening|afternoon)\b", text, re.I))

    def fix(match: "re.Match[str]") -> str:
        hour = int(match.group(1))
        if not 1 <= hour <= 12:
            return match.group(0)
        minutes = f":{match.group(2)}" if match.group(2) else ""
        afternoon = hour <= 7 or hour == 12 or (later and hour < 12)
        return f" at {hour}{minutes}{'pm' if afternoon else 'am'}"

    return BARE_HOUR.sub(fix, text)


# A time asked for today ("later today 6pm", "tonight at 7", "this evening").
TODAY = re.compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", re.I)
# "no i said MONDAY 4:45 not today" (blind panel p54 B10): today turned down.
NOT_TODAY = re.compile(r"\bnot\s+(?:for\s+)?(?:today|tonight)\b", re.I)
SAID_TIME = re.compile(
    r"\b(?:i said|i meant|i asked for|make it|should be|change it to|move it to|can we do|could we do|"
    r"can you do|could you do|how about|what about|instead|"
    r"(?:move|change|push|switch|put)\s+(?:it|that|the|my|our)?\s*(?:call\s+|one\s+)?(?:to|till|until|back to))\b",
    re.I,
)
CALL_ME = re.compile(r"\b(?:call|ring|phone)\s+(?:me|us)\b", re.I)


# "tomorrow morning, before 10" (blind panel p36 16, booked at 10:00): an hour before the time named.
BEFORE = re.compile(r"\bbefore\s+(\d{1,2})(?::(\d{2}))?(?:\s*(am|pm|a\.m\.|p\.m\.))?(?![\d:])", re.I)
# "not before 5pm though", "dont call me before 5", "no earlier than 5": from that hour on, never an hour before it (blind
# panel p66 T-01: booked for 4pm, inside the hours she said she couldn't take a call).
NOT_BEFORE = re.compile(
    r"\b(?:not|no|never|n[o']?t\s+\w+\s+(?:me\s+)?(?:at\s+all\s+)?|dont\s+\w+\s+(?:me\s+)?(?:at\s+all\s+)?)\s*"
    r"(?:before|earlier\s+than)\s+(\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)(?![\d:])",
    re.I,
)


def _an_hour_before(match: "re.Match[str]") -> str:
    hour, minute, half = int(match.group(1)), match.group(2) or "00", (match.group(3) or "").replace(".", "")
    if not 1 <= hour <= 12:
        return match.group(0)
    earlier = hour - 1 or 12
    if half.lower() == "pm" and hour == 12:
        half = "am"  # "before 12pm" is 11am
    return f"at {earlier}:{minute}{half}"


# "not today or tomorrow, and only after 6pm", "tomorrow, not today": days ruled out (blind panels p66 T-10, p67 U-05:
# booked for today).
NOT_DAYS = re.compile(
    r"\b(?:not|no|never|nothing)\s+(today|tomorrow)(?:\s*(?:,|or|and|nor)\s*(today|tomorrow))?\b", re.I
)


def without_days_ruled_out(text: Text, now: datetime) -> Text:
    """``text`` with the days it rules out taken away, and, when no other day is named, the first day left named."""
    found = NOT_DAYS.search(text or "")
    if found is None:
        return text
    ruled = {d.lower() for d in found.groups() if d}
    rest = text[: found.start()] + " " + text[found.end() :]
    if DAY_WORD.search(rest):
        return rest
    first = (now + timedelta(days=2)).strftime("%A") if "tomorrow" in ruled else "tomorrow"
    return text[: found.start()] + first + text[found.end() :]  # in its place: "..., but Wednesday, and only after 6pm"


def _asked_clause(text: Text) -> Text:
    """ "saturday 11 is the BRUNCH, not the call. call me today at 4pm": the sentence that
    asks for the call, when another sentence names a time for something else."""
    # Commas part clauses too: "no i said morning, 10 is too late, make it 8am".
    clauses = [
        c for c in re.split(r"[.;,!?\n]+", text or "") if c.strip() and not re.match(r"\s*instead of\b", c, re.I)
    ]
    if len(clauses) < 2:
        return text
    timed = re.compile(r"\d|today|tomorrow|morning|afternoon|evening", re.I)
    # "TODAY at 1?? I said tomorrow after 3pm": what they said they said is the time.
    said = [c for c in clauses if SAID_TIME.search(c) and timed.search(c)]
    if said:
        # "tomorrow at 11. actually no wait, make it 1130": the day said before still holds.
        day = DAY_WORD.search(text)
        return said[-1] if DAY_WORD.search(said[-1]) or not day else f"{day.group(0)} {said[-1]}"
    asked = [c for c in clauses if CALL_ME.search(c) and timed.search(c)]
    # Another clause that says no, or names an order or bill ("...before it ships, LK-10424"): its numbers are no time.
    other = [
        c
        for c in clauses
        if asked and c is not asked[-1] and re.search(r"\bnot\b|n't\b|\bisnt\b|\b[a-z]{2}-?\d{4,}\b|\d{4,}", c, re.I)
    ]
    return asked[-1] if other else text


# A day or a part of one, named for the call.
DAY_OR_PART = re.compile(
    r"\b(?:today|tomorrow|tonight|morning|afternoon|evening|lunch|noon|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b",
    re.I,
)


# The words a short answer about the call's time is made of ("now is good", "right now please", "im free now").
CALL_TIME_FILLER = frozenset(
    "now right just please pls plz ok okay yes yeah yep sure is good fine works great thanks that would be me "
    "i im i'm am free available totally then".split()
)


def _about_something_else(text: Text) -> bool:
    """ "its unplugged now" (a conversation of our own, 5 December): a short message whose words, besides the time,
    are about something other than the call."""
    words = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in CALL_TIME_FILLER]
    return len(words) >= 2


# 745, 1030: a clock time without its colon; never a longer number, a year, a price, a count ("500 minutes") or a
# group of a phone number ("555 1122").
WITHOUT_COLON = re.compile(
    r"(?<![\d:.,$£€#+-])(?<!\d\s)\b([1-9]|1[0-2])([0-5]\d)(?=(?:\s*(?:am|pm))?\b)(?![\d:.,%-])(?!\s\d)"
    r"(?!\s*(?:minutes?|mins?|dollars?|pounds?|euros?|gb|mb|texts?|calls?|messages?|days?|hours?|items?|units?)\b)",
    re.I,
)


def parse_callback_time(text: Text, now: datetime, fit: bool = True) -> Optional[datetime]:
    """The moment the customer asked for, in the business's timezone, or None.

    ``now`` is timezone-aware. A day without a time means mid-morning (or the
    part of the day named); 'now' or 'asap' means the next quarter hour.
    """
    hours = settings().care_hours
    if CODE_LIKE.search(text or ""):
        return None  # "' OR 1=1 --", "1'; DROP TABLE users": not a time, whatever dateparser makes of it
    # "10%", "$25" or "the 7.60" is never a time (dateparser would read a month into it).
    # Nor "it was like 9 bucks" (blind panel p60 H12, booked for 9 o'clock).
    text = without_amounts(re.sub(r"\d+(?:\.\d+)?\s?%", " ", text or ""))
    # "its about my coffee grinder thats like a week late" (blind panel p43 18, booked a week ahead): how late
    # or how long ago something was is never a time for the call.
    text = DELIVERY_DAY.sub(" ", LATENESS.sub(" ", text))
    # "i know is more than 30 days", "its been over 30 days" (blind panel p59 F05, booked a month ahead): how long since
    # something, never when to call.
    text = SINCE.sub(" ", text)
    # "call me about my bill BL-30019 tomorrow morning": a reference is no part of a time, and dateparser finds no
    # date at all beside one (booked for this morning instead of tomorrow's).
    text = re.sub(r"\b(?:lk|bl)[\s-]?\d{4,6}\b|#\s?\d{4,6}\b", " ", text, flags=re.I)
    # "no i meant today, friday at 2pm" said on a Friday (blind panel p46 04, moved to the Friday after): today's
    # own weekday, without "next", is today.
    text = without_days_ruled_out(text, now)
    today_name = now.strftime("%A")
    text, weekdays_named = re.subn(rf"(?<!\bnext\s)\b{today_name}\b", "today", text, flags=re.I)
    weekday_named = weekdays_named > 0
    text = re.sub(r"\btoday\W+today\b", "today", text, flags=re.I)
    text = _spoken(text)
    text = re.sub(
        r"\b(\d{1,3})\.(\d{2})\b", lambda m: " " if int(m.group(1)) > 12 or int(m.group(2)) >= 60 else m.group(0), text
    )
    # "745 is fine" to "the soonest is 7:45 pm" (blind panel p73 AG-08: "I didn't catch a time"), "1030 tomorrow" (was
    # 10:00): a clock time written without its colon.
    text = WITHOUT_COLON.sub(r"\1:\2", text)
    text = _clock(BEFORE.sub(_an_hour_before, NOT_BEFORE.sub(r"at \1", _asked_clause(text))))
    if re.search(r"\bwhere(?:'s|\s+is|\s+are)\b", text, re.I) and not CLOCK.search(text) and not DAY_WORD.search(text):
        return None  # "ok. so where is my grinder right now" (blind panel p43 18): a question, never a time
    if (
        re.search(r"\b(?:what|which)\s+(?:hours|times?)\b", text, re.I)
        and not CLOCK.search(text)
        and not DAY_WORD.search(text)
    ):
        return (
            None  # "hmm what hours are your people available?" (blind panel p72 AF-02, booked at 10): asked, not told
        )
    later = in_a_while(text, now)
    if later is not None:
        return fit_to_hours(later, hours) if fit else later
    if vaguely_later(text) and not CLOCK.search(text):
        return None  # "later this afternoon": asked for a time, never a guess at one
    named = CLOCK.search(text) or DAY_OR_PART.search(text)
    # "i am at the cafe now" is not a time for a call; "now please", "call me asap" are.
    about_the_call = (len(text.split()) <= 6 and not _about_something_else(text)) or re.search(
        r"\b(?:call|ring|phone|soon|asap|whenever|any ?time)\b", text, re.I
    )
    if not about_the_call and not named:
        # "its unplugged now. can i get a refund?" asked for a time (a conversation of our own, 5 December): that
        # "now" is about the lamp, never a call booked for the team's next opening.
        text = re.sub(r"\b(?:right\s+|just\s+|for\s+|by\s+)?now\b", " ", text, flags=re.I)
    if (
        named
        and not CLOCK.search(text)
        and SOON.search(text)
        and not DAY_OR_PART.search(re.sub(r"\btoday\b", " ", text, flags=re.I))
    ):
        # "as soon as possible please, today if you can" (blind panel p52 05): as soon as may be, never 10am.
        named = None
    if SOON.search(text) and not named and about_the_call:
        # "asap"; but "tomorrow, any time after 3" names its time.
        soon = now + timedelta(minutes=15)
        soon = soon.replace(minute=(soon.minute // 15) * 15, second=0, microsecond=0)
        return fit_to_hours(soon, hours) if fit else soon
    lowered = text.lower()
    # From the start of a word: "afternoon" must not read as "noon".
    part_hour = next((h for word, h in PART_OF_DAY.items() if re.search(rf"\b{word}", lowered)), None)
    if part_hour == 13:
        text = re.sub(r"\bafter lunch\b", "", text, flags=re.I)
    local_now = now.replace(tzinfo=None)
    parser_settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now}
    parser = DateDataParser(languages=["en"], settings=dict(parser_settings, RETURN_TIME_AS_PERIOD=True))
    found = search_dates(text, languages=["en"], settings=parser_settings)
    # "the jacket LK-10424, needs to be M not S" while the call's time is asked (blind panel p58 D1, booked at 10am):
    # a size letter is no day, whatever dateparser makes of it.
    found = [f for f in found or [] if re.search(r"\d", f[0]) or len(re.sub(r"\W", "", f[0])) > 2]
    # search_dates finds the phrase but misreads some times in it ("tomorrow at 9am"
    # comes back at 10:00), so the phrase is parsed again; a bare "10am" it misses.
    data = parser.get_date_data(found[0][0] if found else text)
    if found or (data.date_obj and data.period == "time"):
        moment = data.date_obj or found[0][1]
        if data.period != "time":
            # "3pm tomorrow": the day from the phrase found, the clock time said beside it.
            clock = CLOCK.search(text)
            hour, minute = _hour_minute(clock) if clock else (part_hour or 10, 0)
            moment = moment.replace(hour=hour, minute=minute, second=0, microsecond=0)
    elif part_hour is not None:
        moment = local_now.replace(hour=part_hour, minute=0, second=0, microsecond=0)
        if re.search(r"\b(?:tomorrow|tmrw|tmr)\b", text, re.I):
            moment += timedelta(days=1)  # the part of tomorrow named, whatever else dateparser missed
        if moment < local_now:
            moment += timedelta(days=1)
    else:
        return None
    moment = moment.replace(tzinfo=now.tzinfo)
    if moment < now:
        # "at 9" said at 10am means tomorrow at 9, not a time already gone; "monday at 10am" said on a Monday at noon
        # is next Monday's (it was booked for Tuesday, and "the monday one" then cancelled nothing).
        moment += timedelta(days=7 if weekday_named else 1)
    if moment < now:
        # Still in the past: not a time but something else read as a date ("555 0134").
        return None
    moment = moment.replace(second=0, microsecond=0)
    return nearest_in_hours(moment, hours, now) if fit else moment


def said_with_the_ask(text: Text, now: datetime) -> bool:
    """Whether a request for a call names its time plainly enough to take without asking:
    "ring me in an hour", "call me after 5", "call me at 3pm" (not a number that is something else)."""
    plain = (
        in_a_while(text, now)
        or CLOCK.search(text or "")
        or re.search(r"\b(?:after|from|at|before)\s+\d{1,2}\b", text or "", re.I)
    )
    return bool(plain) and parse_callback_time(text, now) is not None
