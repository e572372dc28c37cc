"""Recorded conversations, read from Rasa's SQL tracker store, and what stands out in them.

The store is the one the assistant writes to (``settings().tracker_db_url``, SQLite or
PostgreSQL). Reading never creates anything: a missing SQLite file or an empty
database is reported, not made.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import AbstractSet, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import ROOT
from server.stores.tracker_store import UrlSQLTrackerStore
from studio.review_turns import FALLBACK_ACTIONS, FALLBACK_INTENT, LONG_WAIT_SECONDS, conversation_flags, turn_outcomes

HANDOFF_ACTION = "action_handoff"
FRUSTRATION_INTENT = "express_frustration"
# Intents that say nothing about what the conversation was about.
SMALL_TALK = {"greet", "goodbye", "affirm", "deny", "thank", "inform", "choose_alternative", FALLBACK_INTENT}


class StoreProblem(Exception):
    """The conversation store can't be read; the message is for the designer."""


def load_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def open_store(url: str, domain: Domain) -> Optional[SQLTrackerStore]:
    """Rasa's SQL tracker store at ``url``, or None when no conversation was ever stored.

    Raises:
        StoreProblem: the SQLite file is missing or the database can't be reached.
    """
    parsed = sa.engine.make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).exists():
            raise StoreProblem(
                f"There is no conversation database at {parsed.database} yet. "
                "Conversations are recorded there once the assistant has run (make run); "
                "if they are kept elsewhere, set GRACIOUS_TRACKER_DB_URL."
            )
    # Checked with a plain engine first: Rasa's store retries a failing connection
    # forever and creates its table, and reviewing should do neither.
    engine = sa.create_engine(parsed)
    try:
        with engine.connect() as connection:
            has_events = sa.inspect(connection).has_table(SQLTrackerStore.SQLEvent.__tablename__)
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise StoreProblem(f"Can't read the conversation database {shown}: {reason}") from None
    finally:
        engine.dispose()
    return UrlSQLTrackerStore(domain=domain, host=url) if has_events else None


def recent_ids(store: SQLTrackerStore) -> List[str]:
    """Every conversation id, the most recently active first."""
    event = store.SQLEvent
    last = sa.func.max(event.timestamp)
    with store.session_scope() as session:
        rows = session.query(event.sender_id, last).group_by(event.sender_id).order_by(last.desc()).all()
    return [sender_id for sender_id, _ in rows]


def full_tracker(store: SQLTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    """Every session of one conversation, or None when the id is unknown."""
    return asyncio.run(store.retrieve_full_tracker(sender_id))


@dataclass
class Summary:
    """One conversation at a glance: what it was about and what a designer should look at."""

    sender_id: str
    started: float
    last_active: float
    customer_turns: int
    about: str
    flags: List[str] = field(default_factory=list)


def summarize(
    tracker: DialogueStateTracker,
    cases: AbstractSet[str],
    min_confidence: float = 0.8,
    long_turns: int = 12,
    long_wait: float = LONG_WAIT_SECONDS,
) -> Summary:
    """What the conversation was about, and its flags, from its recorded events: first the
    failures of a turn (the outage apology, no reply, a long wait; studio/review_turns.py)."""
    events = list(tracker.events)
    said = [e for e in events if isinstance(e, UserUttered)]
    intents = [e.intent_name for e in said if e.intent_name]
    actions = {e.action_name for e in events if isinstance(e, ActionExecuted)}
    frustration = [e.value for e in events if isinstance(e, SlotSet) and e.key == "frustration"]
    flags = conversation_flags(turn_outcomes(events), long_wait)
    if FALLBACK_INTENT in intents or actions & FALLBACK_ACTIONS:
        flags.append("fallback")
    if any(_confidence(e) < min_confidence for e in said if e.intent_name):
        flags.append("low confidence")
    if HANDOFF_ACTION in actions:
        flags.append("handoff")
    if FRUSTRATION_INTENT in intents or any(_number(v) >= 2 for v in frustration):
        flags.append("frustration")
    if len(said) > long_turns:
        flags.append("long")
    about = next((i for i in intents if i in cases), None)
    about = about or next((i for i in intents if i not in SMALL_TALK), "-")
    stamps = [e.timestamp for e in events] or [0.0]
    return Summary(tracker.sender_id, min(stamps), max(stamps), len(said), about, flags)


def summaries(
    store: SQLTrackerStore,
    cases: AbstractSet[str],
    limit: int,
    flagged_only: bool,
    min_confidence: float,
    long_turns: int,
    long_wait: float = LONG_WAIT_SECONDS,
) -> Iterator[Summary]:
    """Recent conversations, newest first, at most ``limit`` of them; ``cases``: the catalog's case types."""
    shown = 0
    for sender_id in recent_ids(store):
        if shown >= limit:
            return
        tracker = full_tracker(store, sender_id)
        if tracker is None:
            continue
        summary = summarize(tracker, cases, min_confidence, long_turns, long_wait)
        if flagged_only and not summary.flags:
            continue
        shown += 1
        yield summary


def _confidence(event: UserUttered) -> float:
    return _number(event.intent.get("confidence"), default=1.0)


def _number(value: object, default: float = 0.0) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
