"""What a waiting customer is told about their place: news when there is some, never one paragraph twice.

The last telling (its place, wait, moment and response) is kept in the conversation's
``queue_told`` slot, written by every action and by the queue's watch that says where a
customer stands (actions/waiting.py, actions/handoff.py, server/desk/waiting.py). From it:

- the wait counts down: at the same place, with the same agents available, the wait told
  minus the minutes since (at least a minute); a new place or a change in the agents
  available gives a fresh estimate (handoff_queue.wait_minutes);
- "you've moved up to number 1" when the place is better than the one told, "still" only
  when it is the same;
- with nothing new (the same place and wait), a short line, never the one said last;
- frustration or sarcasm is acknowledged once per wait, in one sentence, never stacked;
- "get me someone" hears honestly who is coming: "you're next" at the top of the queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from gracious.signals import frustration_signals
from gracious.stores.handoff_queue import wait_minutes

SLOT = "queue_told"
# Nothing new to say: short lines, taken in turn so the one said last is never said again.
SAME = ("utter_queue_same", "utter_queue_same_short", "utter_queue_same_here")
NOBODY_SAME = ("utter_queue_nobody_same", "utter_queue_nobody_same_short")
# Intents that ask for a person now ("get me someone", "a human please").
WANTS_A_PERSON = {"request_human", "request_executive"}
ANNOYED_INTENTS = {"express_frustration", "complain_service", "complain_no_response"}
# Sarcasm and impatience the classifier may read as anything ("wow great service", "lol ok 10 minutes").
ANNOYED = re.compile(
    r"\b(?:great|amazing|fantastic|brilliant|wonderful|awesome|excellent|fabulous) (?:service|job|work|stuff)\b"
    r"|\b(?:ridiculous|joke|unbelievable|useless|pathetic|terrible|awful|seriously|come on|still nothing|"
    r"and nothing|so long|forever|ages|hours?|this long|taking so long)\b|\b\d+\s*(?:min(?:ute)?s?|hours?)\b",
    re.I,
)
ASKS_FOR_SOMEONE = re.compile(
    r"\b(?:get|give|bring|find|want|need)\s+(?:me\s+)?(?:a |an |the )?(?:someone|somebody|person|human|agent|"
    r"real person|manager)\b",
    re.I,
)


@dataclass(frozen=True)
class Telling:
    """What to say now: the response, its place and wait, and the slot value that records it."""

    response: Text
    position: int
    wait: int
    sorry: bool
    told: Dict[Text, Any]


def annoyed(text: Text, intent: Optional[Text]) -> bool:
    """Anger, impatience or sarcasm in a waiting customer's words."""
    return (
        intent in ANNOYED_INTENTS
        or bool(ANNOYED.search(text or ""))
        or bool(frustration_signals(text or "", [], intent or ""))
    )


def wants_a_person(text: Text, intent: Optional[Text]) -> bool:
    return intent in WANTS_A_PERSON or bool(ASKS_FOR_SOMEONE.search(text or ""))


def counted_down(position: int, agents: int, last: Optional[Dict[Text, Any]], now: datetime) -> int:
    """The honest wait now: the last one told, less the minutes since, at the same place and staffing."""
    fresh = wait_minutes(position, agents)
    if not isinstance(last, dict) or last.get("position") != position or last.get("agents") != agents:
        return fresh
    try:
        then = datetime.fromisoformat(str(last.get("at")))
        told = int(last.get("wait") or fresh)
    except (TypeError, ValueError):
        return fresh
    passed = int(max(0.0, (now - then).total_seconds()) // 60)
    return max(1, min(fresh, told - passed))


def _next(choices: tuple, last_response: Optional[Text]) -> Text:
    """The line after the one said last (the first when the last was another)."""
    if last_response in choices:
        return choices[(choices.index(last_response) + 1) % len(choices)]
    return choices[0]


def telling(
    position: int,
    agents: int,
    last: Optional[Dict[Text, Any]],
    now: datetime,
    text: Text = "",
    intent: Optional[Text] = None,
) -> Telling:
    """What a waiting customer at ``position`` hears now, given the ``last`` telling (the slot's value)."""
    last = last if isinstance(last, dict) else {}
    said = last.get("response")
    before = last.get("position")
    sorry = annoyed(text, intent) and not last.get("sorry")
    if not agents:
        wait = 0
        if before is not None and position < int(before):
            response = "utter_queue_moved_up_nobody"
        elif said == "utter_queue_update_nobody" or said in NOBODY_SAME:
            response = _next(NOBODY_SAME, last.get("same"))
        else:
            response = "utter_queue_update_nobody"
    else:
        wait = counted_down(position, agents, last, now)
        if before is not None and position < int(before):
            response = "utter_queue_moved_up"
        elif wants_a_person(text, intent) and said not in ("utter_queue_next", "utter_queue_person_coming"):
            response = "utter_queue_next" if position == 1 else "utter_queue_person_coming"
        elif before == position and last.get("wait") == wait and last.get("agents") == agents:
            response = _next(SAME, last.get("same"))
        else:
            response = "utter_queue_update" if said != "utter_queue_update" else "utter_queue_wait_now"
    told = {
        "position": position,
        "wait": wait,
        "agents": agents,
        "at": now.isoformat(),
        "response": response,
        "sorry": bool(last.get("sorry")) or sorry,
        # The last of the short lines said, so they are taken in turn.
        "same": response if response in SAME + NOBODY_SAME else last.get("same"),
    }
    return Telling(response, position, wait, sorry, told)


def first_told(position: int, agents: int, wait: int, now: datetime, response: Text) -> Dict[Text, Any]:
    """The slot's value for the first telling (the handoff's own words)."""
    return {"position": position, "wait": wait, "agents": agents, "at": now.isoformat(), "response": response}


def values(told: Telling) -> Dict[Text, Any]:
    """The response's placeholders."""
    found: Dict[Text, Any] = {"position": told.position}
    if told.wait:
        found["wait"] = "a minute" if told.wait <= 1 else f"{told.wait} minutes"
    return found


def said_lines(told: Telling) -> List[Text]:
    """The responses said, in order: the one sentence of sorry (once per wait), then the news."""
    return (["utter_queue_sorry"] if told.sorry else []) + [told.response]
