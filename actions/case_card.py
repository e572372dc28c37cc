"""What the desk's card says beyond the case itself: names for ids, and what was booked.

actions/handoff.py's ``case_summary`` uses these so that every handoff's card is filled,
whatever the reason: a plain "get me a person" carries the customer's words; a policy
has its name beside its id; "offered" is what is still open (offered, not declined);
and a call booked earlier in the conversation, or an email follow-up, is on the card.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from actions.callback_escape import known_email
from actions.hours import spoken_time
from gracious.names import policy_name  # noqa: F401 (actions/handoff.py names policies with it)
from gracious.settings import settings
from gracious.stores import records


def still_offered(tracker: Tracker) -> List[Text]:
    """What was offered and not declined, in the order offered."""
    declined = set(tracker.get_slot("declined_alternatives") or [])
    offered = [a for a in tracker.get_slot("offered_alternatives") or [] if a not in declined]
    return list(dict.fromkeys(offered))


async def booked(tracker: Tracker) -> Dict[Text, Any]:
    """A call booked in this conversation (its time in the business's words) and an email follow-up."""
    found: Dict[Text, Any] = {}
    call_id = tracker.get_slot("callback_id")
    call = await records().callback(int(call_id)) if call_id and str(call_id).isdigit() else None
    if call and call.get("status") == "booked":
        zone = ZoneInfo(settings().timezone)
        when = call["scheduled_for"].astimezone(zone)
        found["callback"] = {
            "id": int(call_id),
            "at": when.isoformat(timespec="minutes"),
            "when": spoken_time(when, datetime.now(zone)),
            "phone_end": re.sub(r"\D", "", str(call.get("phone") or ""))[-4:],
        }
    if "email_followup" in (tracker.get_slot("granted_alternatives") or []):
        found["email_followup"] = {"to": known_email(tracker)}
    return found
