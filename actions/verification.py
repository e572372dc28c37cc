"""Who the customer is: nothing of an account is shown or granted before they are verified.

A customer is verified for the records of one account, for this conversation, in
one of two ways:

- the website vouches: the signed-in customer's signed identity travels with each
  message (``metadata["identity"]``, gracious/identity.py) and names the account;
- a knowledge check: the customer gives the email address or phone number on the
  account that owns the record, compared in the store without revealing either.

The knowledge check happens in the case form (``account_check``). Three failed checks
in a conversation, or too many from one address, lead to a person, not more guesses.
Until then ``actions/case.py`` gathers no details of the record, so no action can say
or grant anything of it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Dict, List, Optional, Set, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from gracious.contact_details import contacts
from gracious.identity import verified_customer
from gracious.settings import settings
from gracious.signals import says_it_is_someone_elses
from gracious.stores import company

VERIFIED_SLOT = "verified_customers"
FAILURES_SLOT = "account_check_failures"
# Failed checks in one conversation before a person takes over.
MAX_FAILURES = 3
# Failed checks from one address, across conversations, before each new one goes to a person.
# (GRACIOUS_ACCOUNT_CHECKS_PER_ADDRESS, 10 by default)
ADDRESS_WINDOW = timedelta(hours=1)


def client(tracker: Tracker) -> Dict[Text, Any]:
    """What the channel says of the sender (server/channels: address, channel, integration)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    found = metadata.get("gracious_client") if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else {}


def address(tracker: Tracker) -> Text:
    return str(client(tracker).get("address") or "unknown")


def vouched(tracker: Tracker) -> Optional[Text]:
    """The customer the website vouches for in the latest message, if its signature holds."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return verified_customer(metadata.get("identity")) if isinstance(metadata, dict) else None


def verified_ids(tracker: Tracker) -> Set[Text]:
    """The accounts this conversation is verified for."""
    ids = {str(i) for i in tracker.get_slot(VERIFIED_SLOT) or [] if i}
    signed_in = vouched(tracker)
    return ids | {signed_in} if signed_in else ids


def known_customer(tracker: Tracker) -> Optional[Text]:
    """The one customer this conversation knows: signed in on the website, or checked for one account."""
    signed_in = vouched(tracker)
    if signed_in:
        return signed_in
    checked = {str(i) for i in tracker.get_slot(VERIFIED_SLOT) or [] if i}
    return checked.pop() if len(checked) == 1 else None


def is_verified(tracker: Tracker, customer_id: Optional[Text]) -> bool:
    return bool(customer_id) and customer_id in verified_ids(tracker)


# "no, I'm not giving my email to a chatbot", "I'd rather not", "I don't know it".
REFUSAL = re.compile(
    r"\b(no|nope|nah|rather not|not (giving|sharing|telling)|won'?t (give|share|tell)|"
    r"don'?t (have|know|remember|want)|can'?t (find|remember)|no idea|not sure|skip)\b",
    re.IGNORECASE,
)


def refuses(text: Text) -> bool:
    """Whether an answer to the check says no to giving the details."""
    return bool(REFUSAL.search(text or "")) and contacts(text) == ([], [])


def other_account(tracker: Tracker, owner: Optional[Text]) -> bool:
    """Whether the customer is known as someone else than the record's owner (signed in, or checked)."""
    known = verified_ids(tracker)
    return bool(known) and owner not in known


def someone_elses(tracker: Tracker) -> bool:
    """Whether the customer said the record is another person's ("my friend priya ordered it")."""
    return any(e.get("event") == "user" and says_it_is_someone_elses(str(e.get("text") or "")) for e in tracker.events)


async def owner_of(reference: Optional[Text]) -> Optional[Text]:
    """The customer whose bill or order ``reference`` is."""
    if not reference:
        return None
    data = company()
    record = await data.bill(reference) if reference.upper().startswith("BL-") else await data.order(reference)
    return record.customer_id if record is not None else None


async def too_many_from_address(tracker: Tracker) -> bool:
    return await company().failed_checks_from(address(tracker), ADDRESS_WINDOW) >= settings().account_checks_per_address


async def check(tracker: Tracker, owner: Text, text: Text, at: Optional[Text] = None) -> Optional[bool]:
    """Whether ``text`` gives the email or phone on ``owner``'s account; None when it gives neither.

    Every check is kept, and a miss counts towards the limit of the address it came from:
    the customer's, or ``at`` for a check made for them by someone else (an agent at the desk).
    """
    emails, phones = contacts(text)
    if not emails and not phones:
        return None
    return await company().account_matches(owner, emails, phones, at or address(tracker), tracker.sender_id)


def earlier_texts(tracker: Tracker, count: int = 8) -> List[Text]:
    """The customer's messages before the latest, newest first."""
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return list(reversed(said[:-1]))[:count]


def with_verified(tracker: Tracker, customer_id: Text) -> List[Text]:
    """The ``verified_customers`` slot with ``customer_id`` added."""
    return sorted({str(i) for i in tracker.get_slot(VERIFIED_SLOT) or [] if i} | {customer_id})


async def checked_in_passing(dispatcher: CollectingDispatcher, tracker: Tracker, reference: Text) -> List[EventType]:
    """The account's details given after the check was skipped ("ok fine, it's daniel.reyes@..."): checked now.

    Called by action_explain_policy for an unverified case; a match verifies the
    customer (the caller gathers the record's facts again), a miss is said and counted.
    """
    said = (tracker.latest_message or {}).get("text") or ""
    owner = await owner_of(reference)
    failures = int(tracker.get_slot(FAILURES_SLOT) or 0)
    if not owner or contacts(said) == ([], []) or failures >= MAX_FAILURES or await too_many_from_address(tracker):
        return []
    if someone_elses(tracker):
        return []  # another person's record, said so: never opened with their details (blind panel p49 20)
    if await check(tracker, owner, said):
        dispatcher.utter_message(response="utter_account_check_passed")
        return [SlotSet(VERIFIED_SLOT, with_verified(tracker, owner)), SlotSet("account_check", "passed")]
    dispatcher.utter_message(response="utter_account_check_later_miss")
    return [SlotSet(FAILURES_SLOT, float(failures + 1))]
