"""callback_form and action_schedule_callback: a call at a time that suits the customer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from dateparser import DateDataParser
from dateparser.search import search_dates
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.config import settings
from actions.hours import fit_to_hours, spoken_time
from actions.stores import records

SOON = re.compile(r"\b(now|asap|as soon as|right away|straight away|immediately|soonest|earliest)\b", re.I)
PART_OF_DAY = {"morning": 10, "lunch": 12, "noon": 12, "afternoon": 14, "evening": 18, "tonight": 18}


def parse_callback_time(text: Text, now: datetime) -> Optional[datetime]:
    """The moment the customer asked for, in the business's timezone, or None.

    ``now`` is timezone-aware. A day without a time means mid-morning (or the
    part of the day named); 'now' or 'asap' means the next quarter hour.
    """
    hours = settings().care_hours
    if SOON.search(text):
        soon = now + timedelta(minutes=15)
        soon = soon.replace(minute=(soon.minute // 15) * 15, second=0, microsecond=0)
        return fit_to_hours(soon, hours)
    lowered = text.lower()
    # From the start of a word: "afternoon" must not read as "noon".
    part_hour = next((h for word, h in PART_OF_DAY.items() if re.search(rf"\b{word}", lowered)), None)
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
            moment = moment.replace(hour=part_hour or 10, minute=0, second=0, microsecond=0)
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
    return fit_to_hours(moment.replace(second=0, microsecond=0), hours)


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
        if known_phone(tracker):
            return [s for s in domain_slots if s != "callback_phone"]
        return domain_slots

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = value if isinstance(value, str) else tracker.latest_message.get("text", "")
        now = datetime.now(ZoneInfo(settings().timezone))
        moment = parse_callback_time(text or "", now)
        if moment is None:
            dispatcher.utter_message(response="utter_callback_time_unclear")
            return {"callback_time": None}
        return {"callback_time": moment.isoformat()}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        digits = re.sub(r"\D", "", str(value or ""))
        if not 7 <= len(digits) <= 15:
            dispatcher.utter_message(response="utter_phone_unclear")
            return {"callback_phone": None}
        return {"callback_phone": str(value).strip()}


class ActionScheduleCallback(Action):
    """Books the call, confirms the time and number back, and stores it."""

    def name(self) -> Text:
        return "action_schedule_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        when = datetime.fromisoformat(tracker.get_slot("callback_time"))
        phone = tracker.get_slot("callback_phone") or known_phone(tracker)
        handoff = tracker.get_slot("handoff_id")
        reason = tracker.get_slot("case_type") or "callback requested"
        callback_id = await records().book_callback(
            tracker.sender_id, when, phone, reason, int(handoff) if handoff else None
        )
        now = datetime.now(when.tzinfo)
        digits = re.sub(r"\D", "", phone)
        dispatcher.utter_message(
            response="utter_callback_booked", callback_when=spoken_time(when, now), phone_tail=digits[-4:]
        )
        events: List[EventType] = [
            SlotSet("callback_id", str(callback_id)),
            SlotSet("callback_time", None),
            SlotSet("callback_phone", None),
            SlotSet("alternative", None),
        ]
        if tracker.get_slot("alternative") == "callback":
            events.append(SlotSet("accepted_alternative", "callback"))
        return events
