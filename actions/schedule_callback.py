"""callback_form and action_schedule_callback: a call at a time that suits the customer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo

from dateparser import DateDataParser
from dateparser.search import search_dates
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.config import settings
from actions.hours import fit_to_hours, spoken_time
from actions.callback_escape import escape_in, instead_of_a_call, known_email, validate_email
from actions.stores import records
from gracious import repair

# A bare hour a person would mean in the afternoon ("at 2", "2ish"): 1 to 7 is pm.
BARE_HOUR = re.compile(r"(?<![\d:/.-])\b(?:at|around|about|by|maybe|say|say about)?\s*(\d{1,2})(?::(\d\d))?(?:\s*ish)?\b(?!\s*(?:am|pm|a\.m|p\.m|:|\d|-|/|\.\d|%|st|nd|rd|th|days?|hours?|mins?|minutes?))", re.I)
# A question (the time, the number) is asked at most twice; then the customer is offered a way on.
MAX_TIME_ATTEMPTS = 2
SOON = re.compile(r"\b(now|asap|as soon as|right away|straight away|immediately|soonest|earliest|whenever|any ?time)\b", re.I)
PART_OF_DAY = {"after lunch": 13, "morning": 10, "lunch": 12, "noon": 12, "afternoon": 14, "evening": 18, "tonight": 18}


SHORTHAND = [(re.compile(r"\b(?:tmrw|tmr|tmrow|tmoro|tomoz|2moro|2morrow|tomorow|tommorow|tommorrow)\b", re.I), "tomorrow"),
             (re.compile(r"\b(?:tonite|2nite)\b", re.I), "tonight"), (re.compile(r"\b2day\b", re.I), "today")]


CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))?\s*(am|pm)\b", re.I)
IN_A_WHILE = re.compile(
    r"\bin\s+(?:about\s+|around\s+|roughly\s+)?(an?|one|two|three|four|half an?|\d{1,2})\s*(hours?|hrs?|minutes?|mins?)\b",
    re.I,
)
COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}


def _hour_minute(clock: "re.Match[str]") -> Tuple[int, int]:
    hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "pm" else 0)
    return hour, int(clock.group(2) or 0)


def _in_a_while(text: Text, now: datetime) -> Optional[datetime]:
    """'in about 2 hours', 'in half an hour': from now, up to the next quarter hour."""
    match = IN_A_WHILE.search(text)
    if not match:
        return None
    amount, unit = match.group(1).lower(), match.group(2).lower()
    count = 0.5 if amount.startswith("half") else float(COUNTS.get(amount) or int(amount))
    minutes = count * 60 if unit.startswith("h") else count
    moment = now + timedelta(minutes=minutes + 14)
    return moment.replace(minute=(moment.minute // 15) * 15, second=0, microsecond=0)


def _clock(text: Text) -> Text:
    """Spell out bare hours the way they are meant: "maybe 2ish" is "2pm", "at 9" is "9am"."""
    for shorthand, word in SHORTHAND:
        text = shorthand.sub(word, text)

    # "make it 1130", "at 930": a clock time written without its colon.
    text = re.sub(r"\b(at|make it|around|by|for)\s+(\d{1,2})([0-5]\d)\b(?!\s*(?:%|dollars?))",
                  lambda m: f"{m.group(1)} {int(m.group(2))}:{m.group(3)}", text, flags=re.I)
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


DAY_WORD = re.compile(r"\b(?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
SAID_TIME = re.compile(r"\b(?:i said|i meant|i asked for|make it|should be|change it to|move it to)\b", re.I)
CALL_ME = re.compile(r"\b(?:call|ring|phone)\s+(?:me|us)\b", re.I)


def _asked_clause(text: Text) -> Text:
    """"saturday 11 is the BRUNCH, not the call. call me today at 4pm": the sentence that
    asks for the call, when another sentence names a time for something else."""
    clauses = [c for c in re.split(r"[.;!?\n]+", text or "") if c.strip()]
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
    other = [c for c in clauses if asked and c is not asked[-1] and re.search(r"\bnot\b|n't\b|\bisnt\b", c, re.I)]
    return asked[-1] if other else text


def parse_callback_time(text: Text, now: datetime, fit: bool = True) -> Optional[datetime]:
    """The moment the customer asked for, in the business's timezone, or None.

    ``now`` is timezone-aware. A day without a time means mid-morning (or the
    part of the day named); 'now' or 'asap' means the next quarter hour.
    """
    hours = settings().care_hours
    # "10%", "$25" or "the 7.60" is never a time (dateparser would read a month into it).
    text = re.sub(r"[$£€]\s?\d+(?:\.\d+)?|\d+(?:\.\d+)?\s?%", " ", text or "")
    text = re.sub(r"\b(\d{1,3})\.(\d{2})\b",
                  lambda m: " " if int(m.group(1)) > 12 or int(m.group(2)) >= 60 else m.group(0), text)
    text = _clock(_asked_clause(text))
    later = _in_a_while(text, now)
    if later is not None:
        return fit_to_hours(later, hours) if fit else later
    named = CLOCK.search(text) or re.search(
        r"\b(?:today|tomorrow|tonight|morning|afternoon|evening|lunch|noon|monday|tuesday|wednesday|thursday|"
        r"friday|saturday|sunday)\b", text, re.I)
    if SOON.search(text) and not named:
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
        if moment < local_now:
            moment += timedelta(days=1)
    else:
        return None
    moment = moment.replace(tzinfo=now.tzinfo)
    if moment < now:
        # "at 9" said at 10am means tomorrow at 9, not a time already gone.
        moment += timedelta(days=1)
    if moment < now:
        # Still in the past: not a time but something else read as a date ("555 0134").
        return None
    moment = moment.replace(second=0, microsecond=0)
    return fit_to_hours(moment, hours) if fit else moment


def known_phone(tracker: Tracker) -> Optional[Text]:
    """A complete phone number the customer gave, or the one on their account."""
    given = tracker.get_slot("phone")
    if given and len(re.sub(r"\D", "", given)) >= 7:
        return given
    facts = tracker.get_slot("case_facts") or {}
    return facts.get("customer_phone")


class ValidateCallbackForm(FormValidationAction):
    """Checks the time (parsed with dateparser) and the phone number."""

    def name(self) -> Text:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        escape = tracker.get_slot("callback_escape")
        if escape == "email" and not known_email(tracker):
            return ["followup_email"]  # write instead: to which address?
        if escape:
            return []  # the customer would rather not be called: action_schedule_callback says what instead
        # The number of a call booked earlier in this chat counts as known: moving the
        # call ("no, make it 3pm") doesn't ask for it again.
        asked = [s for s in domain_slots if s != "followup_email"]
        if known_phone(tracker) or (tracker.get_slot("callback_id") and tracker.get_slot("callback_phone")):
            return [s for s in asked if s != "callback_phone"]
        return asked

    async def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        said = tracker.latest_message.get("text") or ""
        text = value if isinstance(value, str) else said
        escape = escape_in(text or "")
        if escape:
            return {"callback_time": None, "callback_escape": escape}
        now = datetime.now(ZoneInfo(settings().timezone))
        # The whole message says more than the entity ("tomorrow after lunch, maybe 2ish").
        moment = (parse_callback_time(said, now) if not said.startswith("/") else None) or parse_callback_time(text or "", now)
        moment = await _on_booked_day(moment, text or "", tracker)
        asked = parse_callback_time(said, now, fit=False) if moment is not None and not said.startswith("/") else None
        if asked is not None and moment is not None and asked.time() != moment.time():
            # "tonight at 8" when the team has gone home by then: said, not booked silently.
            dispatcher.utter_message(response="utter_callback_outside_hours", callback_when=spoken_time(moment, now))
        if moment is None:
            attempts = int(tracker.get_slot("callback_attempts") or 0) + 1
            if attempts >= MAX_TIME_ATTEMPTS:
                # Asked twice already: no third time; offer a way on instead.
                return {"callback_time": None, "callback_attempts": float(attempts), "callback_escape": "stuck"}
            dispatcher.utter_message(response="utter_callback_time_unclear")
            return {"callback_time": None, "callback_attempts": float(attempts)}
        return {"callback_time": moment.isoformat(), "callback_attempts": None}

    def validate_followup_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return validate_email(value, dispatcher, int(tracker.get_slot("callback_attempts") or 0))

    async def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "")
        escape = escape_in(text)
        if escape:
            return {"callback_phone": None, "callback_escape": escape}
        digits = re.sub(r"\D", "", text)
        if not 7 <= len(digits) <= 15:
            # "no, I said 2pm" while we ask for the number: the time is corrected.
            now = datetime.now(ZoneInfo(settings().timezone))
            # Digits alone are a number cut short ("0142"), not a time.
            said_time = repair.mentions_time(text) and re.search(r"[A-Za-z:]", text)
            moment = parse_callback_time(text, now) if said_time else None
            moment = await _on_booked_day(moment, text, tracker)
            if moment is not None:
                dispatcher.utter_message(response="utter_callback_time_changed", callback_when=spoken_time(moment, now))
                return {"callback_phone": None, "callback_time": moment.isoformat()}
            attempts = int(tracker.get_slot("callback_attempts") or 0) + 1
            if attempts >= MAX_TIME_ATTEMPTS:
                # Not asked a third time: a way on instead (action_schedule_callback).
                return {"callback_phone": None, "callback_attempts": float(attempts), "callback_escape": "stuck_phone"}
            dispatcher.utter_message(response="utter_phone_unclear")
            return {"callback_phone": None, "callback_attempts": float(attempts)}
        return {"callback_phone": text.strip()}


async def _on_booked_day(moment: Optional[datetime], text: Text, tracker: Tracker) -> Optional[datetime]:
    """A new time said without a day ("no, I said 3pm") keeps the day already agreed:
    the one given earlier in the form, or the booked call's."""
    if moment is None or repair.mentions_day(text):
        return moment
    earlier = _earlier_time(tracker)
    booked = tracker.get_slot("callback_id")
    if earlier is None and booked:
        call = await records().callback(int(booked))
        earlier = call["scheduled_for"] if call else None
    if earlier is None:
        return moment
    day = earlier.astimezone(moment.tzinfo).date()
    return fit_to_hours(moment.replace(year=day.year, month=day.month, day=day.day), settings().care_hours)


def _earlier_time(tracker: Tracker) -> Optional[datetime]:
    """The time the form had agreed before the customer's latest message, if any."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "slot" and event.get("name") == "callback_time":
            try:
                return datetime.fromisoformat(event.get("value") or "")
            except ValueError:
                continue
    return None


class ActionScheduleCallback(Action):
    """Books the call (or moves the one already booked), and confirms time and number.

    When the customer would rather not be called (callback_escape), it says what
    happens instead: an email from the team, or a choice of email or a person.
    """

    def name(self) -> Text:
        return "action_schedule_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        escape = tracker.get_slot("callback_escape")
        done: List[EventType] = [SlotSet("callback_escape", None), SlotSet("callback_attempts", None),
                                 SlotSet("callback_time", None)]
        if escape:
            return done + await instead_of_a_call(escape, dispatcher, tracker, domain)
        when = datetime.fromisoformat(tracker.get_slot("callback_time"))
        phone = tracker.get_slot("callback_phone") or known_phone(tracker)
        now = datetime.now(when.tzinfo)
        digits = re.sub(r"\D", "", phone)
        booked = tracker.get_slot("callback_id")
        earlier = await records().callback(int(booked)) if booked else None
        if earlier and earlier["status"] == "booked" and earlier["scheduled_for"] == when.astimezone(earlier["scheduled_for"].tzinfo):
            # The time it already has: nothing to move.
            dispatcher.utter_message(response="utter_callback_already_then", callback_when=spoken_time(when, now),
                                     phone_tail=digits[-4:])
            return done + [SlotSet("callback_phone", phone), SlotSet("alternative", None)]
        if earlier and await records().move_callback(int(booked), when, phone):
            # A new time for the call already booked: moved, never a second call.
            old_when = spoken_time(earlier["scheduled_for"].astimezone(when.tzinfo), now)
            dispatcher.utter_message(response="utter_callback_moved", old_when=old_when,
                                     callback_when=spoken_time(when, now), phone_tail=digits[-4:])
            return done + [SlotSet("callback_phone", phone), SlotSet("alternative", None)]
        handoff = tracker.get_slot("handoff_id")
        reason = tracker.get_slot("case_type") or "callback requested"
        callback_id = await records().book_callback(
            tracker.sender_id, when, phone, reason, int(handoff) if handoff else None
        )
        dispatcher.utter_message(
            response="utter_callback_booked", callback_when=spoken_time(when, now), phone_tail=digits[-4:]
        )
        events: List[EventType] = done + [
            SlotSet("callback_id", str(callback_id)),
            # Kept, so a new time later ("no, make it 3pm") moves the call without asking again.
            SlotSet("callback_phone", phone),
            SlotSet("alternative", None),
        ]
        if tracker.get_slot("alternative") == "callback":
            events.append(SlotSet("accepted_alternative", "callback"))
        return events
