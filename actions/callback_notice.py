"""Who hears about a call booked, moved or cancelled in the chat: the address its email goes to.

A verified customer's email on file (signed in on the website, or checked against the
account that owns the case's record); otherwise an address they gave in this chat; otherwise none, and then the
chat never says an email is coming. What is said in the chat after the change:
``tell_email`` only when the email was written to the outbox with the change.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import verification
from gracious import repair
from gracious.contact_details import contacts
from gracious.settings import settings
from gracious.stores import company, records
from gracious.stores.callback_changes import Notice, will_email


async def notice_for(tracker: Tracker) -> Notice:
    """The customer's address and name for the call's emails, and their account when known."""
    facts = tracker.get_slot("case_facts") or {}
    # Signed in or checked for one account; or verified for the case's record (actions/case.py).
    customer_id = verification.known_customer(tracker) or (facts.get("customer_id") if facts.get("verified") else None)
    customer = await company().customer(customer_id) if customer_id else None
    address: Optional[Text] = customer.email if customer else None
    if not address:
        for value in (tracker.get_slot("followup_email"), tracker.get_slot("email")):
            emails, _ = contacts(str(value or ""))
            if emails:
                address = emails[0]
                break
    name = customer.name if customer else facts.get("customer_name")
    return Notice(email=address or None, name=name or None, customer_id=customer_id)


def tell_email(dispatcher: CollectingDispatcher, notice: Notice, phone: Text) -> None:
    """Say the email is on its way: called only once the change is written, and it with it."""
    if will_email(notice, phone):
        dispatcher.utter_message(response="utter_callback_email_on_its_way", email=notice.email)


# An email asked for beside the call, not instead of it.
AS_WELL = re.compile(r"\b(?:also|as well|too|and another thing|separately|on top)\b", re.I)
INSTEAD = re.compile(r"\b(?:instead|rather|prefer|only|just\s+e-?mail|not\s+(?:a\s+)?call)\b", re.I)


async def no_call_after_all(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """An email instead of a call already booked: the call is cancelled, and we say so. An email asked for as well
    ("also can someone email me about turning on the discount setting", blind panel p52 15) leaves the call booked."""
    said = str((tracker.latest_message or {}).get("text") or "")
    if AS_WELL.search(said) and not INSTEAD.search(said) and not repair.refuses_call(said):
        return []
    booked = tracker.get_slot("callback_id")
    call = await records().callback(int(booked)) if booked else None
    notice = await notice_for(tracker)
    if not call or call.get("status") != "booked" or not await records().cancel_callback(int(booked), notice):
        return []
    from actions.callback_cancel import said_cancelled  # (it imports this module)

    # Said as any cancelled call is, with the calls that still stand: never "Nobody will ring you" beside a 10am call
    # from another chat (blind panel p63 M10).
    now = datetime.now(ZoneInfo(settings().timezone))
    return await said_cancelled(
        dispatcher, tracker, dict(call, local=call["scheduled_for"].astimezone(now.tzinfo)), now, notice
    )
