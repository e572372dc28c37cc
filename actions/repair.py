"""action_cancel: "never mind" leaves what was in hand; "cancel the call" cancels it.

server/dialogue/repair.py gives these messages the intent `cancel` (words in catalog/repair.yml);
the rules in data/rules/repair.yml leave an active form first, then run this.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_cancel import ASKED, answer_asked, cancel_named, move_beside
from actions.hours import spoken_time
from actions.status import WITHDRAWN_NAMES, settle, settled
from gracious import repair
from gracious.dropped_call import CANCEL_ANSWER, drops_the_call
from gracious.settings import settings
from gracious.stores import company, records

# What each form leaves behind when the customer walks away from it.
FORM_SLOTS = {
    "callback_form": ("callback_time", "callback_escape", "callback_attempts"),
    "case_form": (),
}


def left_form(tracker: Tracker) -> Optional[Text]:
    """The form that was active when the customer sent their latest message, if any."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    active = None
    for event in events[:last_user]:
        if event.get("event") == "active_loop":
            active = event.get("name")
    return active


class ActionCancel(Action):
    """Leaves a form, or cancels the booked call the customer names."""

    def name(self) -> Text:
        return "action_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if tracker.latest_message.get("repair") == CANCEL_ANSWER and tracker.get_slot(ASKED):
            # "yes" / "no, keep it" / "the 3pm one" to "Shall I cancel that one?" (server/dialogue/cancel_answer.py).
            return [SlotSet("requested_slot", None)] + await answer_asked(dispatcher, tracker, text)
        form = left_form(tracker)
        events: List[EventType] = [SlotSet("requested_slot", None)]
        if form:
            events += [SlotSet(slot, None) for slot in FORM_SLOTS.get(form, ())]
            dispatcher.utter_message(
                response="utter_callback_cancelled" if form == "callback_form" else "utter_form_left"
            )
            return events
        booked = tracker.get_slot("callback_id")
        if booked and repair.says("call_words", text) and not wants_call_cancelled(text):
            # "no. just make sure they actually call": the call stays, and we say so.
            return events + await keep_call(dispatcher, int(booked))
        if (
            repair.cancels_booked_call(text)
            or (booked and repair.says("call_words", text))
            or (CALL_TOLD & last_said(tracker) and not repair.cancels_grant(text))
            # "ok cancel it then" read as the call's cancel (server/dialogue/form_readings.about_the_calls).
            or tracker.latest_message.get("repair") == "cancel_call"
        ):
            # "ok good. actually can you cancel it?" just after the booked call was told (blind panel p44 13).
            # The call named by its time, among all booked (moved at the desk or not), or asked which.
            cancelled = await cancel_named(dispatcher, tracker, text)
            return events + cancelled + await move_beside(dispatcher, tracker, text)
        if repair.cancels_grant(text):
            return events + await _take_back(dispatcher, tracker, text)
        just = _just_granted(tracker) if not OTHER_THING.search(text) else None
        if just is not None:
            # "WAIT i didnt say do it, i asked a question! cancel that" right after an exchange was started (blind
            # panel p46 15): what was just done is taken back, never "No problem at all." with it standing.
            return events + await _take_back(dispatcher, tracker, text, only=just)
        dispatcher.utter_message(response="utter_cancel_nothing")
        return events


# The booked calls as the assistant has just told them (actions/status.py): "cancel it" then means the call.
CALL_TOLD = {
    "utter_status_call_booked",
    "utter_status_call_booked_elsewhere",
    "utter_status_call_booked_elsewhere_also",
    "utter_status_call_just_one",
    "utter_status_call_not_cancelled",
    "utter_status_call_elsewhere_not_cancelled",
}


def last_said(tracker: Tracker) -> set:
    """The responses of the assistant's messages since the customer's message before the latest."""
    found: set = set()
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1:
            found.add((event.get("metadata") or {}).get("utter_action"))
    return found


# "call it off", "i dont want the call anymore", "no longer need the call".
NO_CALL = re.compile(
    r"\bcall\w*\s+(?:it\s+|that\s+|this\s+|the\s+call\s+)?off\b"
    r"|\b(?:don'?t|do not|no longer|not)\s+(?:want|need)\s+(?:the|a|that|this|my|any)?\s*(?:phone\s+)?call",
    re.I,
)


def wants_call_cancelled(text: Text) -> bool:
    """An explicit wish not to have the call ("cancel the call", "call it off", "i dont need the
    call", "no call"), never "make sure they call"."""
    return (
        bool(NO_CALL.search(text))
        or repair.says("cancel_booked", text)
        or repair.refuses_call(text)
        or repair.cancels(text)
        or bool(repair.kinds_to_cancel(text))
        or drops_the_call(text)  # "forget the phone call", "drop the callback"
    )


async def keep_call(dispatcher: CollectingDispatcher, booked: int) -> List[EventType]:
    """The booked call stays: its time and number said, so they know it will happen."""
    call = await records().callback(booked)
    if not call or call.get("status") != "booked":
        dispatcher.utter_message(response="utter_status_no_call")
        return []
    zone = ZoneInfo(settings().timezone)
    when = call["scheduled_for"].astimezone(zone)
    tail = re.sub(r"\D", "", str(call.get("phone") or ""))[-4:]
    dispatcher.utter_message(
        response="utter_callback_kept", callback_when=spoken_time(when, datetime.now(zone)), phone_end=tail
    )
    return []


# "and no email follow up needed either, cancel that": something else named, never the grant just made.
OTHER_THING = re.compile(r"\b(?:e-?mails?|call\w*|follow\w*|updates?|tracking)\b", re.I)


def _just_granted(tracker: Tracker) -> Optional[Text]:
    """The kind of grant (as WITHDRAWN_NAMES says it) the assistant confirmed in its last turn, else None."""
    if not any(str(name or "").startswith("utter_confirm_") for name in last_said(tracker)):
        return None
    done = [e for e in settled(tracker) if e.get("state") == "done" and (e.get("kind") or "") in WITHDRAWN_NAMES]
    return WITHDRAWN_NAMES[done[-1]["kind"]] if done else None


async def _take_back(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: Text, only: Optional[Text] = None
) -> List[EventType]:
    """ "please cancel the $25 credit": the latest grant of that kind in this chat is
    withdrawn from the records, and we say so; or we say there is none to cancel. ``only``: the kind
    just granted, for a "cancel that" that names none."""
    named = {only} if only else repair.kinds_to_cancel(text)
    entries = settled(tracker)
    standing = [e for e in entries if e.get("state") in ("done",) and WITHDRAWN_NAMES.get(e.get("kind") or "") in named]
    if not standing:
        what = sorted(named)[0]
        dispatcher.utter_message(response="utter_grant_nothing_to_cancel", what=what)
        return []
    entry = standing[-1]
    facts = tracker.get_slot("case_facts") or {}
    await company().withdraw(entry["kind"], entry.get("reference"), facts.get("customer_id"))
    dispatcher.utter_message(response="utter_grant_cancelled", what=WITHDRAWN_NAMES[entry["kind"]])
    granted = [g for g in tracker.get_slot("granted_alternatives") or [] if g != entry.get("alternative")]
    return [
        SlotSet("settled", settle(entries, entry["alternative"], entry["kind"], None, None, "withdrawn")),
        SlotSet("granted_alternatives", granted),
        SlotSet("accepted_alternative", None),
    ]
