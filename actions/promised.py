"""Grants and the emails their replies promise, written together before the reply is said.

"A prepaid return label is on its way to your email" is true when it is said: the
grant, its commitment to the company's systems and the label email are written in
one transaction (gracious/stores/grants.py), and only then is the sentence sent.
Without an address the email could go to, no reply claims one (``address_for``):
the customer is asked for one, or a person takes over.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_escape import EMAIL, known_email
from actions.verification import is_verified, known_customer
from gracious.outbox import grant_emails, promises
from gracious.stores import company, grants_many, handoff_queue, notices, records
from gracious.stores.company_schema import outbox
from gracious.stores.company_types import Customer
from gracious.stores.grants import GrantResult, Mail


async def verified_customer(tracker: Tracker) -> Optional[Customer]:
    """The case's customer as on file, when this conversation is verified for them; else None."""
    facts = tracker.get_slot("case_facts") or {}
    customer_id = facts.get("customer_id")
    if not customer_id or not is_verified(tracker, customer_id):
        return None
    return await company().customer(customer_id)


async def verified_address(tracker: Tracker) -> Optional[Text]:
    """The email on file for the case's customer, when this conversation is verified for them; else None."""
    customer = await verified_customer(tracker)
    return customer.email if customer and customer.email else None


async def account_address(tracker: Tracker) -> Optional[Text]:
    """The email on file for the customer this conversation knows (signed in on the website,
    or checked for one account), with or without a case; else None."""
    customer_id = known_customer(tracker)
    customer = await company().customer(customer_id) if customer_id else None
    return customer.email if customer and customer.email else None


async def address_for(alternative_id: Text, tracker: Tracker) -> Optional[Text]:
    """Where the email that goes with ``alternative_id`` can be sent, or None.

    Anything of an account goes only to the verified address on file; a follow-up
    note (no account details in it) also to an address the customer gave here.
    """
    if alternative_id == "email_followup":
        # A signed-in customer's address on file counts too: they are not asked for it.
        return known_email(tracker) or await verified_address(tracker) or await account_address(tracker)
    return await verified_address(tracker)


# The team's note when no problem was described: they write to ask, since nobody is looking into anything.
ASKING_NOTE = "followup_confirmation_asking"


def problem_described(tracker: Tracker) -> bool:
    """Whether the customer has told us of a problem (a case opened with its details). The same test as
    the conditions of utter_confirm_email_followup and utter_callback_email_instead in domain.yml."""
    return bool(tracker.get_slot("case_type") or tracker.get_slot("case_details"))


async def mails(
    alternative_id: Text, tracker: Tracker, size: Optional[Text] = None, described: bool = False
) -> List[Mail]:
    """The emails taking ``alternative_id`` sends, addressed (none when ``address_for`` has none);
    ``described``: the problem was told, in another chat (the call this follow-up replaces)."""
    found = await _mails(alternative_id, tracker, size)
    if alternative_id == "email_followup" and not (described or problem_described(tracker)):
        # Not "looking into what you told us ... with what they found" when nothing was told.
        return [replace(mail, template=ASKING_NOTE) for mail in found]
    return found


async def _mails(alternative_id: Text, tracker: Tracker, size: Optional[Text] = None) -> List[Mail]:
    facts = tracker.get_slot("case_facts") or {}
    to = await address_for(alternative_id, tracker)
    customer = await verified_customer(tracker)
    return grant_emails.mails_for(
        alternative_id,
        to=to,
        # A name only on mail to the account's own address.
        name=customer.name if customer and to and to == customer.email else None,
        reference=facts.get("reference"),
        item=facts.get("order_item") or facts.get("item_asked_for") or facts.get("item_named"),
        size=size,
    )


async def grant(
    tracker: Tracker,
    alternative_id: Text,
    kind: Text,
    reference: Optional[Text],
    amount: Optional[float],
    note: Text,
    size: Optional[Text] = None,
    case_sender_id: Optional[Text] = None,
    replaces: Optional[Text] = None,
) -> GrantResult:
    """Record the grant with its commitment and the emails its reply promises, in one transaction.
    ``case_sender_id``: an email follow-up in place of a call booked in another chat, whose case the
    team reads (the desk's card is made from that chat, server/desk/followups.py). ``replaces``: the order's
    other remedy the customer switches from, taken back in the same transaction (grants.record)."""
    facts = tracker.get_slot("case_facts") or {}
    extra: Dict[Text, Any] = {"alternative": alternative_id}
    if alternative_id == "email_followup":
        extra["email"] = await address_for(alternative_id, tracker)  # where the team is to write
        if case_sender_id:
            extra["case_sender_id"] = case_sender_id
        # Written to instead of waiting: out of the queue, with that reason (gracious/stores/handoff_queue.py).
        await records().run(handoff_queue.leave_for_sender, tracker.sender_id, handoff_queue.EMAIL_INSTEAD)
    return await company().grant(
        kind,
        reference,
        facts.get("customer_id"),
        amount,
        note=note,
        sender_id=tracker.sender_id,
        mails=await mails(alternative_id, tracker, size, described=bool(case_sender_id)),
        extra=extra,
        replaces=replaces,
    )


async def grant_all(
    tracker: Tracker, parts: List[Tuple[Text, Text, Optional[Text], Optional[float], Text]]
) -> List[GrantResult]:
    """A bundle's parts, each (alternative, kind, reference, amount, note) granted as ``grant`` would,
    all in one transaction: none is made when the database fails on another (gracious/stores/grants_many.py)."""
    facts = tracker.get_slot("case_facts") or {}
    requests = [
        grants_many.Request(
            kind,
            reference,
            facts.get("customer_id"),
            amount,
            note,
            sender_id=tracker.sender_id,
            mails=await mails(alternative_id, tracker),
            extra={"alternative": alternative_id},
        )
        for alternative_id, kind, reference, amount, note in parts
    ]
    return await company().grant_all(requests)


async def updates_already_on(tracker: Tracker) -> Optional[Text]:
    """The verified account's address when this order's updates were signed up for already, in this
    chat or another ("tracking updates by email" asked again, blind panel p37 22): said as already
    on, never a second sign-up email. None otherwise (and always before the customer is verified)."""
    found = await mails("delivery_updates", tracker)
    reference = (tracker.get_slot("case_facts") or {}).get("reference")
    if not found or not reference:
        return None
    signed_up = await company().run(lambda conn: notices.signed_up_for_updates(conn, reference))
    return found[0].to if signed_up else None


async def queue_delivery_updates(tracker: Tracker) -> Optional[Text]:
    """The sign-up email for delivery updates (no grant goes with it); its address, None without a verified one."""
    found = await mails("delivery_updates", tracker)
    if not found:
        return None
    mail = found[0]
    reference = (tracker.get_slot("case_facts") or {}).get("reference") or "-"

    def write(conn: Any) -> int:
        return promises.email(
            conn,
            outbox,
            key=notices.updates_key(reference, tracker.sender_id),
            topic=mail.template,
            template=mail.template,
            to=mail.to,
            variables=mail.variables,
            name=mail.name,
            sender_id=tracker.sender_id,
        )

    await company().run(write)
    return mail.to


def tell_updates_address(dispatcher: CollectingDispatcher, tracker: Tracker, to: Optional[Text]) -> None:
    """Where delivery updates go: the account's address, and why not another one they typed."""
    if not to:
        return
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"][-3:]
    typed = [a for text in said for a in EMAIL.findall(text) if a.lower() != to.lower()]
    if typed:
        dispatcher.utter_message(response="utter_delivery_updates_not_other", email=to, other=typed[-1])
    else:
        dispatcher.utter_message(response="utter_delivery_updates_to", email=to)


def without_an_address(alternative_id: Text) -> List[EventType]:
    """What happens when the email a reply would promise has nowhere to go.

    A follow-up by email: the customer is asked which address to write to (the
    callback form's ``followup_email``, then action_schedule_callback records it).
    Anything of an account with no verified address on file: a person takes it on.
    """
    if alternative_id == "email_followup":
        return [SlotSet("alternative", None), SlotSet("callback_escape", "email"), FollowupAction("callback_form")]
    return [SlotSet("alternative", "human"), FollowupAction("action_handoff")]
