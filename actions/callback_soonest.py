"""A call the same business day for a customer nobody called back.

"Nobody called me back" is the complaint the same-day policy answers (catalog/policies.yml,
``same_day_callback``): when such a customer takes the call, the form's question about the
time (``action_ask_callback_time``) offers the soonest slot a person can ring today,
or, when the team has finished for the day, says so and offers the next opening. A plain
yes to that offer books it (``offered_time``); any time the customer names instead is theirs.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_time import NOT_TODAY, TODAY
from actions.hours import example_times, fit_to_hours, next_opening, spoken_time
from gracious.repair import asks_for_a_call
from gracious.settings import settings

SAME_DAY_CASES = {"complain_no_response"}
SAME_DAY_POLICY = "same_day_callback"
# Time for the team to see the call before it is due.
LEAD = timedelta(minutes=15)
OFFERS = ("utter_callback_soonest_today", "utter_callback_soonest_next_day", "utter_callback_soonest_after_midnight")
# Another hour than the one asked, offered because the team is out then (actions/schedule_callback.py), and the
# question that follows it: a yes books the hour offered.
OUTSIDE = ("utter_callback_outside_hours", "utter_callback_outside_hours_earlier")
CONFIRM = "utter_callback_offered_confirm"
YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ok(?:ay)?|sure|fine|perfect|great|please|go on|go ahead|do it|book it|thanks|thank you|"
    r"cheers|lovely|"
    r"that(?:'s| is)? (?:fine|good|great|perfect|ok|okay)|that works|works for me|sounds good)\b",
    re.I,
)
NOT_YES = re.compile(r"\b(?:no|not|don't|dont|later|tomorrow|instead|rather|other)\b", re.I)


def _quarter_on(now: datetime) -> datetime:
    """A quarter hour on, rounded up to the quarter."""
    moment = now + LEAD
    if moment.minute % 15 or moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=15 - moment.minute % 15)
    return moment


def soonest(now: datetime, hours: Optional[Dict[int, Any]] = None) -> datetime:
    """The soonest a person can call: a quarter hour on, on the quarter, within care hours."""
    return fit_to_hours(_quarter_on(now), settings().care_hours if hours is None else hours)


def _offer(slot: datetime, now: datetime) -> Text:
    """Today's offer; the next day's, with the team gone home; or, with the team in still, the first slot after midnight
    said without "the team is out" (with care hours round the clock, at 11:50 pm: CI of stop 53)."""
    if slot.date() == now.date():
        return OFFERS[0]
    return OFFERS[2] if slot == _quarter_on(now) else OFFERS[1]


def same_day_case(tracker: Tracker) -> bool:
    """Whether the customer came because nobody got back to them."""
    return tracker.get_slot("case_type") in SAME_DAY_CASES or tracker.get_slot("policy_id") == SAME_DAY_POLICY


def last_offer(tracker: Tracker) -> Optional[datetime]:
    """The soonest time offered in the assistant's last message before the customer's latest one."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    said = [e for e in events[:last_user] if e.get("event") == "bot"]
    metadata = (said[-1].get("metadata") or {}) if said else {}
    if metadata.get("utter_action") not in (*OFFERS, CONFIRM) or not metadata.get("soonest_at"):
        return None
    try:
        return datetime.fromisoformat(str(metadata["soonest_at"]))
    except ValueError:
        return None


def offered_time(tracker: Tracker, text: Text, now: datetime) -> Optional[datetime]:
    """A plain yes to the time just offered: that time (or the soonest now, if it has passed)."""
    offered = last_offer(tracker)
    if offered is None or not YES.search(text or "") or NOT_YES.search(text or ""):
        return None
    return offered if offered >= now else soonest(now)


def _offered_this_turn(tracker: Tracker) -> Optional[Text]:
    """The hour offered in this turn instead of the one asked (its ``soonest_at``), or None."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    for event in reversed(events[last_user + 1 :]):
        metadata = event.get("metadata") or {} if event.get("event") == "bot" else {}
        if metadata.get("utter_action") in OUTSIDE and metadata.get("soonest_at"):
            return str(metadata["soonest_at"])
    return None


class ActionAskCallbackTime(Action):
    """The callback form's question about the time: the same day offered to those nobody called back."""

    def name(self) -> Text:
        return "action_ask_callback_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        now = datetime.now(ZoneInfo(settings().timezone))
        offered = _offered_this_turn(tracker)
        if offered is not None:
            # "Our care team isn't in at that time; the soonest is Monday at 8:00 am": booked only on a yes.
            dispatcher.utter_message(response=CONFIRM, soonest_at=offered)
            return []
        said = str((tracker.latest_message or {}).get("text") or "")
        opens = next_opening(now, settings().care_hours)
        # Today asked for the call, not told of ("the guy at the cafe was so rude to me today, I want a person").
        today = TODAY.search(said) and not NOT_TODAY.search(said) and (asks_for_a_call(said) or len(said.split()) <= 6)
        if not same_day_case(tracker) and today and opens is not None:
            if opens.date() > now.date():
                # "can someone ring me later today, like after work sometime" on a Sunday (blind panel p60 G03: the time
                # asked as if today could be booked): nobody is in again today, said before the question.
                dispatcher.utter_message(
                    response="utter_ask_callback_time_not_today", callback_when=spoken_time(opens, now)
                )
                return []
        if not same_day_case(tracker):
            first, second = example_times(now, settings().care_hours)
            dispatcher.utter_message(response="utter_ask_callback_time", first_example=first, second_example=second)
            return []
        slot = soonest(now)
        dispatcher.utter_message(
            response=_offer(slot, now), callback_when=spoken_time(slot, now), soonest_at=slot.isoformat()
        )
        return []
