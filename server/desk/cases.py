"""The case card beside a call or a follow-up at the desk, with or without a handoff.

A call booked in the chat, or a follow-up by email promised there, often has no
handoff: the customer was offered a call instead of a person. The agent still
needs what the handoff card shows (the customer's words, the reference, what was
offered and accepted, verified or not), since the chat told the customer they
won't have to start again. The card is, in order: the call's own handoff; the
case kept with the call when it was booked (``callbacks.summary``); the
conversation's newest handoff; else one the desk makes from the conversation
itself, as it stood at the end of the turn in which the call was booked or the
follow-up promised, with the assistant's own summary builder (actions/handoff.py
``case_summary``, the handoff's), then kept with the call so it is made once.
The owner's details are on it only for a verified customer (queue.card).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from gracious.stores.records import callbacks, handoffs
from server.desk.queue import card

logger = logging.getLogger(__name__)


def loaded(text: Optional[str]) -> Any:
    """A summary column's JSON (None when empty or unreadable)."""
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def case_of(summary: Any) -> Optional[Dict[str, Any]]:
    """The card of a case with no handoff, from its summary (None without one)."""
    if not isinstance(summary, dict) or not summary:
        return None
    return {
        "handoff_id": None,
        "reason": None,
        "status": None,
        "agent": None,
        "outcome": None,
        "summary": card(summary),
    }


def _handoff_case(found: Any) -> Optional[Dict[str, Any]]:
    if found is None:
        return None
    return {
        "handoff_id": found.id,
        "reason": found.reason,
        "status": found.status,
        "agent": found.agent,
        "outcome": found.outcome,
        "summary": card(loaded(found.summary) or {}),
    }


def conversation_case(conn: sa.engine.Connection, sender_id: Optional[str]) -> Optional[Dict[str, Any]]:
    """The conversation's newest handoff as a case card, or None."""
    if not sender_id:
        return None
    query = sa.select(handoffs).where(handoffs.c.sender_id == sender_id).order_by(handoffs.c.id.desc()).limit(1)
    return _handoff_case(conn.execute(query).first())


def for_call(conn: sa.engine.Connection, row: Any) -> Optional[Dict[str, Any]]:
    """A call's case card: its own handoff, the case kept with it, or the conversation's newest
    handoff; None when there is none of these (``fill`` makes one from the conversation)."""
    if row.handoff_id is not None:
        found = _handoff_case(conn.execute(sa.select(handoffs).where(handoffs.c.id == row.handoff_id)).first())
        if found is not None:
            return found
    own = case_of(loaded(row.summary))
    return own if own is not None else conversation_case(conn, row.sender_id)


def keep_call_summary(conn: sa.engine.Connection, callback_id: int, summary: Dict[str, Any]) -> None:
    """Keep the case made from the conversation with the call, unless it has one already."""
    conn.execute(
        callbacks.update()
        .where(callbacks.c.id == callback_id, callbacks.c.summary.is_(None))
        .values(summary=json.dumps(summary, sort_keys=True, default=str))
    )


# -- made from the conversation ----------------------------------------------


def _timestamp(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def up_to_turn(events: Iterable[Any], moment: datetime) -> List[Any]:
    """The conversation's events to the end of the turn going on at ``moment`` (UTC): everything
    before the customer's first message after it, so the assistant's answer in that turn counts."""
    cut = _timestamp(moment)
    kept: List[Any] = []
    for event in events:
        if getattr(event, "type_name", None) == "user" and (event.timestamp or 0) > cut:
            break
        kept.append(event)
    return kept


def summary_from(tracker: Any, domain: Any, moment: datetime) -> Optional[Dict[str, Any]]:
    """The handoff's summary of the conversation ``tracker`` as it stood at ``moment``; None for
    a conversation with nothing the customer said."""
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
    from rasa_sdk import Tracker

    from actions.handoff import case_summary  # the handoff's own builder: one card, one way

    events = up_to_turn(list(tracker.events), moment)
    if not any(getattr(e, "type_name", None) == "user" for e in events):
        return None
    slots = getattr(domain, "slots", None)
    past = DialogueStateTracker.from_events(tracker.sender_id, events, slots=slots)
    return case_summary(Tracker.from_dict(past.current_state(EventVerbosity.ALL)))


async def from_conversation(app: Any, sender_id: Optional[str], moment: datetime) -> Optional[Dict[str, Any]]:
    """The summary the desk makes from the conversation (None without a Rasa agent, a tracker,
    or anything said); never raises: a card it can't make is left out, the call is still listed."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or not sender_id:
        return None
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
        return summary_from(tracker, getattr(agent, "domain", None), moment) if tracker is not None else None
    except Exception:  # noqa: BLE001 - the list matters more than one card
        logger.exception("Could not make the case card of conversation %s", sender_id)
        return None


async def fill_calls(app: Any, store: Any, items: Iterable[Dict[str, Any]]) -> None:
    """Give each listed call without a case card one made from its conversation, kept with the call."""
    for item in items:
        if item.get("case") is not None or not item.get("booked_at"):
            continue
        moment = datetime.fromisoformat(item["booked_at"])
        summary = await from_conversation(app, item.get("sender_id"), moment)
        if summary is not None:
            await store.run(keep_call_summary, item["id"], summary)
            item["case"] = case_of(summary)
