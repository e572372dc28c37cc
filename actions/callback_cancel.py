"""A booked call cancelled in the customer's words: "cancel the 3pm call please", "scrap the phone
call", "dont call me after all".

Such a message can reach the callback form: typed while the call's button is offered again ("cancel
the 3pm call" reads like choosing the call, at 3pm), or read as asking for a call ("dont call me
after all"). Its validator then sets ``callback_escape`` to ``CANCEL_BOOKED`` and
action_schedule_callback calls ``cancel_named``, never booking or "moving" the call to the time it
already has. The call named (by its time, or the only one booked) is cancelled through the records
store as every cancel is: the desk's call list, the company's commitment and the customer's email,
in one transaction (gracious/stores/callback_changes.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_notice import notice_for, tell_email
from actions.hours import spoken_time
from gracious.dropped_call import clock_named
from gracious.settings import settings
from gracious.stores import records
from gracious.stores.callback_changes import local_time

CANCEL_BOOKED = "cancel_booked"


async def booked_calls(tracker: Tracker) -> List[Dict[str, Any]]:
    """The calls of this conversation still booked, soonest first, each with its local time."""
    rows = await records().rows("callbacks", tracker.sender_id)
    calls = [dict(r, local=local_time(r["scheduled_for"])) for r in rows if r.get("status") == "booked"]
    return sorted(calls, key=lambda c: c["local"])


def _phone_end(call: Dict[str, Any]) -> Text:
    return re.sub(r"\D", "", str(call.get("phone") or ""))[-4:]


async def cancel_named(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """Cancel the booked call the customer means, and say so; or, when the words fit no call or
    more than one, say which calls are booked and cancel none."""
    calls = await booked_calls(tracker)
    now = datetime.now(ZoneInfo(settings().timezone))
    if not calls:
        dispatcher.utter_message(response="utter_callback_nothing_to_cancel")
        return [SlotSet("callback_id", None)]
    named = clock_named(text)
    meant = [c for c in calls if named is None or (c["local"].hour, c["local"].minute) == named]
    if len(meant) != 1:
        # "cancel the 4pm call" with one at 3pm, or "cancel my call" with two: each said, none cancelled.
        for call in calls:
            when = spoken_time(call["local"].astimezone(now.tzinfo), now)
            dispatcher.utter_message(
                response="utter_status_call_booked", callback_when=when, phone_end=_phone_end(call)
            )
        return []
    call = meant[0]
    notice = await notice_for(tracker)
    if not await records().cancel_callback(int(call["id"]), notice):
        dispatcher.utter_message(response="utter_callback_nothing_to_cancel")
        return []
    dispatcher.utter_message(
        response="utter_callback_call_cancelled", callback_when=spoken_time(call["local"].astimezone(now.tzinfo), now)
    )
    tell_email(dispatcher, notice, str(call.get("phone") or ""))
    still = [c for c in calls if c["id"] != call["id"]]
    # The slot names a call still booked, if any: "move my call" later moves that one.
    return [SlotSet("callback_id", str(still[0]["id"]) if still else None)]
