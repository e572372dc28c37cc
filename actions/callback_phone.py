"""The number a call goes to when the customer gives none: the one on their verified account.

A signed-in customer (or one checked for one account, or verified for the case's record) who asks
"ring me tomorrow at 10" is not asked for a number the account already has (blind panel p34: "the one
on my account obviously"): the call is booked on it, said by its last digits, and they can give
another (server/dialogue/form_readings.py reads "use 555 0142 instead" after booking as a new number
for the call). Asked for a number, a verified customer who answers "the one on my account" gets the
call on it; nobody else's account is guessed, and a stranger is asked.
"""

from __future__ import annotations

import re
from typing import Optional, Text

from rasa_sdk import Tracker

from actions import verification
from gracious.stores import company


async def account_phone(tracker: Tracker) -> Optional[Text]:
    """The phone on the customer's verified account, if it has a whole one (else the callback form asks,
    unless the case's records have the number: actions/schedule_callback.py known_phone)."""
    return await verified_phone(tracker)


async def verified_phone(tracker: Tracker) -> Optional[Text]:
    """The whole phone number on the account the customer is verified for (signed in, checked, or
    verified for the case's record), or None."""
    facts = tracker.get_slot("case_facts") or {}
    customer_id = verification.known_customer(tracker) or (facts.get("customer_id") if facts.get("verified") else None)
    customer = await company().customer(customer_id) if customer_id else None
    phone = customer.phone if customer else None
    return phone if phone and len(re.sub(r"\D", "", phone)) >= 7 else None
