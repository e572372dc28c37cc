"""A recorded conversation as a designer reads it in the terminal.

Customer turns are numbered; the same numbers name a turn when correcting its
intent (``--intent 3=dispute_charge``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, Dict, List, Optional

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from studio.review_store import FALLBACK_INTENT, HANDOFF_ACTION, Summary
from studio.review_turns import LONG_WAIT_SECONDS, turn_outcomes

# C0/C1 controls (a terminal would obey escape sequences) and the bidi overrides
# that can make text read differently from what it is.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: Optional[str]) -> str:
    """``text`` safe to print: control characters removed, tabs as spaces."""
    return _UNSAFE.sub("", (text or "").replace("\t", " "))


@dataclass
class CustomerTurn:
    """One thing the customer said, numbered as the transcript shows it."""

    number: int
    event: UserUttered
    # For a message the assistant was unsure of: the intent the customer then chose
    # from the clarification buttons (what they meant, so what it should learn).
    clarified: Optional[str] = None

    @property
    def intent(self) -> str:
        return self.event.intent_name or ""

    @property
    def confidence(self) -> float:
        return float(self.event.intent.get("confidence") or 0.0)

    def best_guess(self) -> Optional[Dict[str, Any]]:
        """For a fallback: the intent NLU thought most likely, below the threshold."""
        ranking = self.event.parse_data.get("intent_ranking") or []
        return next((r for r in ranking if r.get("name") != FALLBACK_INTENT), None)


def customer_turns(tracker: DialogueStateTracker) -> List[CustomerTurn]:
    said = [e for e in tracker.events if isinstance(e, UserUttered)]
    turns = [CustomerTurn(number, event) for number, event in enumerate(said, start=1)]
    for turn, answer in pairwise(turns):
        if turn.intent == FALLBACK_INTENT and (answer.event.text or "").startswith("/") and answer.intent:
            turn.clarified = answer.intent
    return turns


def _clock(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%H:%M:%S")


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _until(start: float, end: float) -> str:
    """The end time, without the date when it is the same day."""
    return when(end)[11:] if when(start)[:10] == when(end)[:10] else when(end)


def _indented(text: str, indent: str) -> str:
    return clean(text).replace("\n", "\n" + indent)


def intent_note(turn: CustomerTurn) -> str:
    note = f"{turn.intent} {turn.confidence:.2f}"
    guess = turn.best_guess() if turn.intent == FALLBACK_INTENT else None
    if turn.clarified:
        note += f", then chose {turn.clarified}"
    elif guess:
        note += f", best guess {guess.get('name')} {float(guess.get('confidence') or 0):.2f}"
    return note


def render(tracker: DialogueStateTracker, summary: Summary, long_wait: float = LONG_WAIT_SECONDS) -> str:
    """The whole conversation, every session, as lines for the terminal; under each
    customer line, what went wrong on that turn ("(no reply)", "(outage apology)", ...)."""
    turns = {id(t.event): t for t in customer_turns(tracker)}
    outcomes = {id(o.event): o for o in turn_outcomes(tracker.events)}
    lines = [
        f"Conversation {clean(summary.sender_id)}",
        f"  {when(summary.started)} to {_until(summary.started, summary.last_active)}, "
        f"{summary.customer_turns} customer turns, about: {summary.about}",
        f"  flags: {', '.join(summary.flags) or 'none'}",
        "",
    ]
    sessions = 0
    for event in tracker.events:
        at = f"[{_clock(event.timestamp)}]"
        if isinstance(event, UserUttered):
            turn = turns[id(event)]
            label = f"{turn.number:>3}. Customer: "
            pad = " " * (len(at) + len(label))
            lines.append(f"{at}{label}{_indented(event.text or '', pad)}")
            lines.append(f"{pad}({intent_note(turn)})")
            lines.extend(pad + marker for marker in outcomes[id(event)].markers(long_wait))
        elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
            agent = (event.metadata or {}).get("agent")
            label = f"     {clean(agent)} (care team): " if agent else "     Gracious: "
            pad = " " * (len(at) + len(label))
            lines.append(f"{at}{label}{_indented(event.text or '', pad)}")
            buttons = event.data.get("buttons") or []
            if buttons:
                lines.append(pad + " ".join(f"[{clean(b.get('title'))}]" for b in buttons))
        else:
            marker = _marker(event, sessions)
            if isinstance(event, SessionStarted):
                sessions += 1
            if marker:
                lines.append(f"{at}     -- {marker} --")
    return "\n".join(lines)


def _marker(event: Any, sessions: int) -> Optional[str]:
    """The events that change the course of a conversation, in plain words."""
    if isinstance(event, SessionStarted):
        return "a new session" if sessions else None
    if isinstance(event, ActionExecuted) and event.action_name == HANDOFF_ACTION:
        return "handoff to a person"
    if isinstance(event, ActiveLoop):
        return f"form {event.name} started" if event.name else "form finished"
    if isinstance(event, ConversationPaused):
        return "assistant paused: a person has the conversation"
    if isinstance(event, ConversationResumed):
        return "assistant resumed"
    if isinstance(event, Restarted):
        return "conversation restarted"
    return None
