"""An agent checks who the customer is, at the desk, the way the assistant does in the chat.

``POST /desk/api/handoffs/<handoff_id>/verify`` with ``{"contact": ..., "reference": ...}``:
the email or phone the customer gave in the chat, and (only when the case has none yet)
the bill or order number they gave. The contact is compared in the store with the
account that owns the record by the assistant's own knowledge check
(actions/verification.py ``check``), so neither the account's email nor its phone is
ever shown, and every check is kept. A match verifies the conversation for that account
as the chat does (the ``verified_customers`` slot, the record's facts and policy read
again by the assistant's own builders), and the case's card follows, so the grant panel
(grants.py) and the hand-back (actions/handback.py) treat the customer as verified. A
miss counts towards the conversation's limit of three failed checks, the chat's own,
read and counted under the conversation's lock; after that the check is refused. Towards
the limit per address it counts for the agent ("desk:<login>"), never for the customer's
address: an agent's typo doesn't hold back the customer's own checks in the chat. The customer is told nothing; the agent's notes on
the case say who checked and for which record, never the contact itself.

Only the agent holding the case, or a lead, may check.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import EventVerbosity
from rasa_sdk import Tracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import verification  # the chat's own check: one comparison, one failure limit
from gracious.references import normalize_reference
from gracious.stores.records import handoffs
from server.desk.agents import Agent
from server.desk.grants import Guard
from server.desk.store import DeskStore

# The longest email address there can be (RFC 5321); a phone number or a reference is far shorter.
MAX_INPUT = 254
# The case handed over stays the card's case when the check fills in the rest.
KEPT = ("case_type", "what_happened")


class Refused(Exception):
    """Why the check can't be made: the status and the words for the agent."""

    def __init__(self, status: int, message: Text) -> None:
        super().__init__(message)
        self.status = status


def _body(request: Request) -> Dict[Text, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _text(body: Dict[Text, Any], name: Text) -> Text:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_INPUT:
        raise Refused(400, f"Type what the customer gave, up to {MAX_INPUT} characters.")
    return value.strip()


def may_check(handoff: Dict[Text, Any], agent: Agent) -> bool:
    """The agent holding the case, or a lead while it is still in the queue or held."""
    if handoff.get("finished_at") or handoff.get("status") not in ("waiting", "claimed"):
        return False
    return agent.lead or (handoff.get("status") == "claimed" and handoff.get("agent") == agent.name)


def sdk_tracker(tracker: Any) -> Tracker:
    """Rasa's tracker as the actions read it."""
    return Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))


async def the_reference(handoff: Dict[Text, Any], tracker: Any, given: Text) -> Text:
    """The case's bill or order, else the one the agent typed; Refused when there is neither."""
    facts = tracker.get_slot("case_facts") or {}
    known = (handoff.get("summary") or {}).get("reference") or facts.get("reference") or tracker.get_slot("order_id")
    if known:
        return str(known)
    reference = normalize_reference(given) if given else ""
    if not reference:
        raise Refused(400, "This case has no bill or order yet: type the number the customer gave as well.")
    if await verification.owner_of(reference) is None:
        raise Refused(400, f"There's no bill or order {reference}. Check the number the customer gave.")
    return reference


async def verified_events(tracker: Any, owner: Text, reference: Text) -> List[Any]:
    """What the chat's check and its reading of the record would set: the account verified, the
    record's facts, and its policy (action_explain_policy's, without a word said)."""
    from actions.case import catalog, gather_facts  # the assistant's own reading of the record

    events: List[Any] = [
        SlotSet(verification.VERIFIED_SLOT, verification.with_verified(sdk_tracker(tracker), owner)),
        SlotSet("account_check", "passed"),
    ]
    if not tracker.get_slot("order_id"):
        events.append(SlotSet("order_id", reference))
    after = tracker.copy()
    for event in events:
        after.update(event)
    facts = await gather_facts(sdk_tracker(after))
    events.append(SlotSet("case_facts", json.loads(json.dumps(facts, default=str))))
    policies = catalog()
    case_type = policies.follow(tracker.get_slot("case_type") or _only_kind(facts), facts) or None
    policy = policies.select(case_type, facts) if case_type else None
    if policy is not None:
        events += [SlotSet("policy_id", policy.id), SlotSet("entitled", policy.entitles(facts))]
        events.append(SlotSet("company_at_fault", bool(facts.get("company_error") or facts.get("order_late"))))
    if case_type and case_type != tracker.get_slot("case_type"):
        events.append(SlotSet("case_type", case_type))
    return events


def _only_kind(facts: Dict[Text, Any]) -> Text:
    """For a case handed over before its kind was read ("my bill is wrong, can I just talk to someone?"):
    the one kind of case the record's kind needs (a bill: a charge disputed), else none."""
    from actions.case import catalog

    kinds = [kind for kind, need in catalog().needs.items() if need == facts.get("reference_kind")]
    return kinds[0] if len(kinds) == 1 else ""


async def _locked(app: Any, sender: Text, change: Callable[[Any], Awaitable[List[Any]]]) -> Any:
    """The conversation read and changed under its lock, as the chat's own turns are: the events
    ``change`` makes of the tracker as it is now, saved before anyone else can change it."""
    rasa_agent = app.ctx.agent
    async with rasa_agent.lock_store.lock(sender):
        tracker = await rasa_agent.tracker_store.get_or_create_tracker(sender)
        events = await change(tracker)
        if events:
            for event in events:
                tracker.update(event)
            await rasa_agent.tracker_store.save(tracker)
    return tracker


def _card_kept(conn: sa.engine.Connection, handoff_id: int, summary: Dict[Text, Any]) -> None:
    conn.execute(
        handoffs.update()
        .where(handoffs.c.id == handoff_id)
        .values(summary=json.dumps(summary, sort_keys=True, default=str))
    )


async def _on_the_card(store: DeskStore, handoff: Dict[Text, Any], saved: Any) -> None:
    """The case's card made from the conversation ``saved`` verified."""
    from actions.handoff import case_summary  # the handoff's own builder: one card, one way

    kept = handoff.get("summary") or {}
    made = {**kept, **case_summary(sdk_tracker(saved)), **{k: kept[k] for k in KEPT if kept.get(k)}}
    await store.run(_card_kept, handoff["id"], made)


async def check(app: Any, store: DeskStore, handoff: Dict[Text, Any], agent: Agent, body: Dict[Text, Any]) -> Dict:
    """The check made; what the agent reads of it. Refused when it can't be made."""
    contact, given = _text(body, "contact"), _text(body, "reference")
    if verification.contacts(contact) == ([], []):
        raise Refused(400, "Type the email address or phone number the customer gave in the chat.")
    sender = handoff["sender_id"]
    reference = await the_reference(handoff, await app.ctx.agent.tracker_store.get_or_create_tracker(sender), given)
    owner = await verification.owner_of(reference)
    if owner is None:
        raise Refused(409, f"{reference} can't be found in the records any more.")
    found: Dict[Text, Any] = {}

    async def compared(tracker: Any) -> List[Any]:
        # Read, limited and counted under the conversation's lock: parallel checks, or the chat's own
        # turn meanwhile, can't make more than three guesses nor undo a miss or a verification counted.
        said = sdk_tracker(tracker)
        if verification.is_verified(said, owner):
            found["seen"] = True
            # Checked in the chat already ("daniel.reyes@... but I asked for a person"), and maybe not yet on the card.
            if (handoff.get("summary") or {}).get("verified") is True:
                return []
            return await verified_events(tracker, owner, reference)
        failures = int(tracker.get_slot(verification.FAILURES_SLOT) or 0)
        if failures >= verification.MAX_FAILURES or await verification.too_many_from_address(said):
            raise Refused(409, "Too many checks haven't matched in this conversation, so no more can be made.")
        # The agent's typos count towards the agent's own address, not the customer's.
        if await verification.check(said, owner, contact, at=f"desk:{agent.name}"):
            return await verified_events(tracker, owner, reference)
        found["failures"] = failures + 1
        return [SlotSet(verification.FAILURES_SLOT, float(failures + 1))]

    saved = await _locked(app, sender, compared)
    who = agent.display_name
    if "failures" in found:
        left = verification.MAX_FAILURES - found["failures"]
        await store.add_note(
            handoff["id"], agent, f"Identity checked by {who}: doesn't match the account of {reference}"
        )
        more = f"{left} more check{'s' if left != 1 else ''} can be made" if left else "No more checks can be made"
        said_back = f"That doesn't match the account of {reference}. {more} in this conversation."
        return {"verified": False, "reference": reference, "checks_left": left, "message": said_back}
    if found.get("seen"):
        if (handoff.get("summary") or {}).get("verified") is not True:
            await _on_the_card(store, handoff, saved)
            await store.add_note(handoff["id"], agent, f"Identity seen by {who}: verified in the chat for {reference}")
        message = f"The customer is already verified for {reference} in this chat: the card shows it now."
        return {"verified": True, "reference": reference, "message": message}
    await _on_the_card(store, handoff, saved)
    await store.add_note(handoff["id"], agent, f"Identity checked by {who}: matches the account of {reference}")
    said_back = f"That matches the account of {reference}: the customer is verified for its records in this chat."
    return {"verified": True, "reference": reference, "message": said_back}


def routes(
    desk: Blueprint,
    api: Guard,
    store: DeskStore,
    secure: Callable[[HTTPResponse], HTTPResponse],
    error: Callable[..., HTTPResponse],
) -> None:
    """The case's identity check on ``desk``."""

    @desk.route("/api/handoffs/<handoff_id:int>/verify", methods=["POST"])
    @api
    async def verify(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
        handoff: Optional[Dict[Text, Any]] = await store.handoff_for(handoff_id, agent)
        if handoff is None:
            return error(404, "No such handoff.")
        if not may_check(handoff, agent):
            return error(409, "Only the agent holding this conversation, or a lead, can check who the customer is.")
        try:
            return secure(response.json(await check(request.app, store, handoff, agent, _body(request))))
        except Refused as refused:
            return error(refused.status, str(refused))
