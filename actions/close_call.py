"""The close names the call just booked: "We'll call you today at 4:30 pm on the number ending 0178".

A customer who booked a call and then said "that's everything" heard only "Goodbye for now, and
have a lovely rest of your day" (issue #17 panel, c04 and c16): nothing said what was arranged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Text
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_cancel import _phone_end, _when, booked_calls
from gracious.settings import settings

# Closes that say nothing of a call, said as the call instead when one is booked.
CALL_SAID_INSTEAD = {
    "utter_close_arranged",
    "utter_close_after_person",
    "utter_close_unresolved",
    "utter_close_explained",
    "utter_close_what_stands",
}


async def say_booked_call(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Close with the soonest call still booked in this conversation, if there is one."""
    calls = await booked_calls(tracker)
    if not calls:
        return False
    now = datetime.now(ZoneInfo(settings().timezone))
    phone_end: Text = _phone_end(calls[0])
    when = _when(calls[0], now)
    if phone_end:
        dispatcher.utter_message(response="utter_close_call_booked", callback_when=when, phone_end=phone_end)
    else:
        dispatcher.utter_message(response="utter_close_call_booked_no_phone", callback_when=when)
    return True
