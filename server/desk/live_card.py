"""The case card as the conversation stands now, and what the customer said since the handoff.

The handoff writes its card (actions/handoff.py ``case_summary``) when the conversation is
handed over; the customer goes on writing while they wait, after they left the queue, after
an email was promised, and offers get granted meanwhile. So for a case still to be worked
(waiting, held, or left the queue for someone to follow up) and for an email follow-up not
yet written, the desk shows the card made now from the conversation, with the same builder,
and ``said_since``: the customer's messages after the handoff (or the promise), a click as the
title they read. The assistant tells a waiting customer "I've added that to your case so the
person who picks it up sees it first": this list is what makes that true. A finished case
keeps the card it was finished with, a call the card of its booking (cases.py), the thank-you
note its moment: those are records.

The desk polls (an open case every second per agent, the Callbacks page every few seconds),
so a card is made once per conversation length and at most once per ``last_words.TTL``,
shared by every agent (``last_words.cards_for``). A card that cannot be made leaves the one
kept: the case still opens.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional

from server.desk import last_words, readable
from server.desk.history import left_words
from server.desk.queue import card

logger = logging.getLogger(__name__)

# The statuses of a case whose card follows the conversation; a finished case keeps its own.
LIVE = ("waiting", "claimed", "left")
# How many of the customer's later messages the card lists (the newest; the transcript has all).
SAID_SINCE_MAX = 20
# What the case handed over is: kept from the handoff's card when it says it.
CASE_FIELDS = ("case_type", "what_happened", "reference", "amounts", "policy", "explained", "explained_names")


def _timestamp(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def said_since(
    events: Iterable[Any], moment: datetime, titles: Mapping[str, str], handoff_id: Optional[int] = None
) -> List[Dict[str, Any]]:
    """The customer's messages after the handoff ``handoff_id`` was opened (after the turn that set the
    conversation's ``handoff_id`` slot to it), else after ``moment`` (UTC), oldest first: each one's text
    (a click as the button's title) and time."""
    events = list(events)  # Rasa's
    offered = readable.button_titles(events)
    opened = next((n for n, e in enumerate(events) if _sets_handoff(e, handoff_id)), None)
    cut = _timestamp(moment)
    said = []
    for n, event in enumerate(events):
        text, at = getattr(event, "text", None), getattr(event, "timestamp", None) or 0
        after = n > opened if opened is not None else float(at) > cut
        if getattr(event, "type_name", None) == "user" and text and after:
            shown = readable.clicked(str(text), offered, titles) or str(text)
            said.append({"text": shown, "at_iso": readable.at_iso(at)})
    return said[-SAID_SINCE_MAX:]


def _sets_handoff(event: Any, handoff_id: Optional[int]) -> bool:
    """The event that gave the conversation this handoff (actions/handoff.py's ``SlotSet("handoff_id", ...)``):
    exact, where the handoff's time (kept to the second on the desk) may fall after the message that asked."""
    if handoff_id is None or getattr(event, "type_name", None) != "slot" or getattr(event, "key", None) != "handoff_id":
        return False
    return str(getattr(event, "value", None)) == str(handoff_id)


async def summary_now(tracker: Any, kept: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The handoff's card of the conversation ``tracker`` (Rasa's) as it stands, over the ``kept`` card
    (whose case it stays); None when the customer has said nothing."""
    from rasa.shared.core.trackers import EventVerbosity
    from rasa_sdk import Tracker

    from actions.case_card import booked
    from actions.handoff import case_summary  # the handoff's own builder: one card, one way
    from actions.handoff_card import followup_address

    if not any(getattr(e, "type_name", None) == "user" for e in tracker.events):
        return None
    now = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
    made = {**kept, **case_summary(now), "booked": followup_address(await booked(now), now)}
    # The case handed over stays the card's case (a second problem raised while waiting is in what they
    # said since); what it lacked, the conversation now fills in (a reference given while waiting, say).
    made.update({field: kept[field] for field in CASE_FIELDS if kept.get(field) and not _payload(kept[field])})
    return made


def _payload(value: Any) -> bool:
    """A card kept from before that showed a button's payload ("/request_human") as what happened."""
    return isinstance(value, str) and value.startswith("/")


async def _made(
    tracker: Any, kept: Mapping[str, Any], moment: datetime, titles: Mapping[str, str], handoff_id: Optional[int] = None
) -> Any:
    try:
        made = await summary_now(tracker, kept)
    except Exception:  # noqa: BLE001 - the case opens with the card kept
        logger.exception("Could not make the current card of conversation %s", tracker.sender_id)
        made = None
    return card({**(made or kept), "said_since": said_since(tracker.events, moment, titles, handoff_id)})


async def case_now(app: Any, handoff: Dict[str, Any], tracker: Any) -> Dict[str, Any]:
    """The case route's handoff with its card made now when it is still to be worked (``LIVE``), and
    why it left the queue in words; a finished one as it was finished."""
    handoff["left_words"] = left_words(handoff.get("left_reason")) if handoff.get("status") == "left" else ""
    rasa_agent = getattr(app.ctx, "agent", None)
    if handoff.get("status") not in LIVE or tracker is None or rasa_agent is None:
        return handoff
    moment = datetime.fromisoformat(str(handoff["created_at"]))
    kept = handoff.get("summary") if isinstance(handoff.get("summary"), dict) else {}
    titles = readable.alternative_titles(rasa_agent.domain)

    async def make(_: str) -> Any:
        return await _made(tracker, kept, moment, titles, int(handoff["id"]))

    cache = last_words.cards_for(rasa_agent.tracker_store)
    cache.forget_stale()
    handoff["summary"] = await cache.of(f"case:{handoff['id']}:{len(tracker.events)}", make)
    return handoff


async def followup_now(app: Any, sender: Optional[str], moment: datetime, case: Any) -> Any:
    """An email follow-up's case (``case``, the card kept with it, or None) with its card made now from
    the conversation and what the customer said since the promise; ``case`` as it was without one."""
    rasa_agent = getattr(getattr(app, "ctx", None), "agent", None)
    if rasa_agent is None or not sender:
        return case
    kept = (case or {}).get("summary") or {}
    titles = readable.alternative_titles(rasa_agent.domain)

    async def make(_: str) -> Any:
        tracker = await rasa_agent.tracker_store.retrieve(sender)
        return await _made(tracker, kept, moment, titles) if tracker is not None else None

    cache = last_words.cards_for(rasa_agent.tracker_store)
    cache.forget_stale()
    try:
        made = await cache.of(f"followup:{sender}:{moment.isoformat()}", make)
    except Exception:  # noqa: BLE001 - the list matters more than one card
        logger.exception("Could not read conversation %s for its follow-up's card", sender)
        return case
    if made is None:
        return case
    found = dict(case) if case else {"handoff_id": None, "reason": None, "status": None, "agent": None}
    return {**found, "outcome": found.get("outcome"), "summary": made}
