"""What happened on each customer turn of a recorded conversation, and what went wrong.

A turn is one customer message and everything up to their next one (or the end).
What a designer should look at, flagged in `make review`'s list and marked at the
turn in the transcript:

- the outage apology: the channels' apology when the assistant could not answer
  (server/channels/message_guard.py), kept in the conversation as a bot event that
  names its response;
- a fallback: the message was not understood (nlu_fallback) or a fallback action ran;
- no reply: nothing was said to the customer before their next message or the end;
- a long wait: the first reply came more than ``long_wait`` seconds after the message.

While a person has the conversation (the assistant is paused), the assistant's
silence and the person's pace are theirs, not failures: those turns are not flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    UserUttered,
)

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_handle_misunderstanding", "action_default_fallback"}
# The channels' apology when a turn could not be answered (domain.yml).
OUTAGE_RESPONSES = {"utter_service_trouble", "utter_service_trouble_contact_saved"}
LONG_WAIT_SECONDS = 5.0

# Each turn flag: its name in the list of conversations, and its marker in the transcript.
OUTAGE, NO_REPLY, LONG_WAIT, FALLBACK = "outage", "no reply", "long wait", "fallback"
FLAG_NAMES = {OUTAGE: "outage apology", NO_REPLY: "no reply", LONG_WAIT: "long wait", FALLBACK: "fallback"}
MARKERS = {
    OUTAGE: "(outage apology)",
    NO_REPLY: "(no reply)",
    LONG_WAIT: "(long wait: {seconds:.1f} s before the first reply)",
    FALLBACK: "(not understood: {what})",
}


@dataclass
class TurnOutcome:
    """One customer message, what the customer was told after it, and what went wrong."""

    event: UserUttered
    replies: List[BotUttered] = field(default_factory=list)
    fallback: Optional[str] = None  # nlu_fallback, or the fallback action that ran
    with_person: bool = False  # a person had the conversation during this turn

    @property
    def outage(self) -> bool:
        return any((reply.metadata or {}).get("utter_action") in OUTAGE_RESPONSES for reply in self.replies)

    @property
    def wait(self) -> Optional[float]:
        """Seconds from the message to the first reply, None without a reply."""
        return self.replies[0].timestamp - self.event.timestamp if self.replies else None

    def flags(self, long_wait: float = LONG_WAIT_SECONDS) -> List[str]:
        """This turn's flags (OUTAGE, NO_REPLY, LONG_WAIT, FALLBACK), in that order."""
        found = []
        if self.outage:
            found.append(OUTAGE)
        if not self.replies and not self.with_person:
            found.append(NO_REPLY)
        wait = self.wait
        if wait is not None and wait > long_wait and not self.with_person:
            found.append(LONG_WAIT)
        if self.fallback:
            found.append(FALLBACK)
        return found

    def markers(self, long_wait: float = LONG_WAIT_SECONDS) -> List[str]:
        """This turn's flags as the transcript marks them."""
        values: Dict[str, Any] = {"seconds": self.wait or 0.0, "what": self.fallback}
        return [MARKERS[flag].format(**values) for flag in self.flags(long_wait)]


def turn_outcomes(events: Iterable[Any]) -> List[TurnOutcome]:
    """Every customer turn of ``events``, in order."""
    turns: List[TurnOutcome] = []
    paused = False
    for event in events:
        if isinstance(event, ConversationPaused):
            paused = True
        elif isinstance(event, (ConversationResumed, Restarted)):
            paused = False
        if isinstance(event, UserUttered):
            fallback = FALLBACK_INTENT if event.intent_name == FALLBACK_INTENT else None
            turns.append(TurnOutcome(event, fallback=fallback, with_person=paused))
            continue
        if not turns:
            continue
        turn = turns[-1]
        turn.with_person = turn.with_person or paused
        if isinstance(event, BotUttered) and (event.text or (event.data or {}).get("buttons")):
            turn.replies.append(event)
        elif isinstance(event, ActionExecuted) and event.action_name in FALLBACK_ACTIONS and not turn.fallback:
            turn.fallback = event.action_name
    return turns


def conversation_flags(turns: List[TurnOutcome], long_wait: float = LONG_WAIT_SECONDS) -> List[str]:
    """The names of the turn flags the conversation has, in FLAG_NAMES's order (fallback left out:
    the conversation's own fallback flag also counts fallbacks outside a turn)."""
    found = {flag for turn in turns for flag in turn.flags(long_wait)}
    return [name for flag, name in FLAG_NAMES.items() if flag in found and flag != FALLBACK]
