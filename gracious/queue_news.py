"""What a waiting customer is told about their place: news when there is some, never one paragraph twice.

The last telling (its place, wait, moment and response) is kept in the conversation's
``queue_told`` slot, written by every action and by the queue's watch that says where a
customer stands (actions/waiting.py, actions/handoff.py, server/desk/waiting.py). From it:

- the wait counts down: at the same place, with the same agents available, the estimate
  minus the minutes since it was made (``since``, at least a minute); a new place or a change
  in the agents available gives a fresh estimate (handoff_queue.wait_minutes). The minutes
  count from the estimate, not from the last telling, so asking every minute still sees it
  go down;
- "you've moved up to number 1" when the place is better than the one told, "someone whose
  case was more urgent went ahead of you" when it is worse, "still" only when it is the same;
- the queue's watch, unasked, says news or an update worded as one ("You're number 2 in the queue, and
  the wait is now about 6 minutes"), never "Nothing has changed since I last said";
- a greeting hears a warm word and the place; an upset customer their place and an honest
  wait; anything else with nothing new (the same place and wait), a short line, never the
  one said last;
- frustration or sarcasm is acknowledged once per wait, in one sentence, never stacked;
- "get me someone", "just connect me" hears honestly who is coming: "you're next" at the top
  of the queue, and that they are in line for a person already;
- "I'll stay in the queue" is taken warmly, the place kept;
- the call and the email are offered as buttons once (``offered``: the agents and wait then),
  again only when things change: nobody available where someone was, or a wait at least
  twice as long (and ten minutes longer) than when they were offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from gracious.signals import frustration_signals
from gracious.stores.handoff_queue import wait_minutes

SLOT = "queue_told"
# The reading (server/dialogue/waiting.py) of "I'll stay in the queue", "ill wait i guess".
STAYS = "stays_in_queue"
# News of a changed place: said even beside an answer or a noted request.
MOVED = (
    "utter_queue_moved_up",
    "utter_queue_moved_down",
    "utter_queue_moved_up_nobody",
    "utter_queue_moved_down_nobody",
    "utter_queue_moved_down_comeback",
    "utter_queue_moved_down_comeback_nobody",
)
# Nothing new to say: short lines, taken in turn so the one said last is never said again.
SAME = ("utter_queue_same", "utter_queue_same_short", "utter_queue_same_here")
# An upset customer: their place and an honest wait, never "nothing has changed".
UPSET = ("utter_queue_wait_honest", "utter_queue_same_short")
# A greeting: a warm word and the place.
HELLO = ("utter_queue_hello", "utter_queue_same_here")
# Asking for a person again: who is coming, then that they are in line for one already.
PERSON = ("utter_queue_next", "utter_queue_person_coming", "utter_queue_already_in_line")
NOBODY_SAME = ("utter_queue_nobody_same", "utter_queue_nobody_same_short")
# Intents that ask for a person now ("get me someone", "a human please").
WANTS_A_PERSON = {"request_human", "request_executive"}
ANNOYED_INTENTS = {"express_frustration", "complain_service", "complain_no_response"}
# Sarcasm and impatience the classifier may read as anything ("wow great service", "lol ok 10 minutes").
ANNOYED = re.compile(
    r"\b(?:great|amazing|fantastic|brilliant|wonderful|awesome|excellent|fabulous) (?:service|job|work|stuff)\b"
    r"|\b(?:ridiculous|joke|unbelievable|useless|pathetic|terrible|awful|seriously|come on|still nothing|"
    r"and nothing|so long|forever|forevr|4ever|ages|this long|taking so long|(?:sit|sitting|stuck) (?:here|around))\b"
    # Time waited, not time asked about: "waited 20 minutes", "been an hour"; never "café hours" or
    # "if I step away for 10 mins".
    r"|\b(?:waiting|waited|been|already|over)\s+(?:for\s+)?(?:an?|\d+|half an?)\s*(?:min(?:ute)?s?|hours?)\b"
    r"|\b(?:\d+|an?)\s*(?:min(?:ute)?s?|hours?)\s+(?:and nothing|now|already|of this)\b",
    re.I,
)
ASKS_FOR_SOMEONE = re.compile(
    r"\b(?:get|give|bring|find|want|need)\s+(?:me\s+)?(?:a |an |the )?(?:someone|somebody|person|human|agent|"
    r"real person|manager)\b"
    r"|\b(?:connect|transfer|put)\s+me\b|\b(?:be|get|getting)\s+connected\b|\bput me through\b"
    r"|\b(?:asked|waiting)\s+(?:for|to (?:talk|speak) to)\s+(?:a |an |the )?(?:person|human|agent|someone)\b",
    re.I,
)
GREETING = re.compile(
    r"^\W*(?:hi+|hello+|hey+|hiya|howdy|good (?:morning|afternoon|evening)|morning|afternoon|evening)\b", re.I
)


@dataclass(frozen=True)
class Telling:
    """What to say now: the response, its place and wait, and the slot value that records it."""

    response: Text
    position: int
    wait: int
    sorry: bool
    told: Dict[Text, Any]
    # The call and the email offered as buttons with it (only when offer_due).
    offer: bool = False


def annoyed(text: Text, intent: Optional[Text]) -> bool:
    """Anger, impatience or sarcasm in a waiting customer's words."""
    return (
        intent in ANNOYED_INTENTS
        or bool(ANNOYED.search(text or ""))
        or bool(frustration_signals(text or "", [], intent or ""))
    )


def wants_a_person(text: Text, intent: Optional[Text]) -> bool:
    return intent in WANTS_A_PERSON or bool(ASKS_FOR_SOMEONE.search(text or ""))


def greets(text: Text, intent: Optional[Text]) -> bool:
    return intent == "greet" or bool(GREETING.search(text or ""))


def estimate(position: int, agents: int, last: Optional[Dict[Text, Any]], now: datetime) -> Dict[Text, Any]:
    """The estimate the wait counts down from: ``estimate`` minutes made at ``since``; the last one at
    the same place and staffing, else a fresh one made now. A telling without ``since`` (the
    handoff's) made its estimate when told (``at``, ``wait``)."""
    fresh = {"estimate": wait_minutes(position, agents), "since": now.isoformat()}
    if not isinstance(last, dict) or last.get("position") != position or last.get("agents") != agents:
        return fresh
    made = {"estimate": last.get("estimate") or last.get("wait"), "since": last.get("since") or last.get("at")}
    try:
        datetime.fromisoformat(str(made["since"]))
        return made if int(made["estimate"] or 0) > 0 else fresh
    except (TypeError, ValueError):
        return fresh


def counted_down(position: int, agents: int, last: Optional[Dict[Text, Any]], now: datetime) -> int:
    """The honest wait now: the estimate, less the whole minutes since it was made, at the same place and staffing."""
    fresh = wait_minutes(position, agents)
    made = estimate(position, agents, last, now)
    try:
        passed = int(max(0.0, (now - datetime.fromisoformat(str(made["since"]))).total_seconds()) // 60)
    except TypeError:  # a moment with an offset beside one without: start again from now
        return fresh
    return max(1, min(fresh, int(made["estimate"]) - passed))


def offered(last: Optional[Dict[Text, Any]]) -> Optional[Dict[Text, Any]]:
    """When the call and the email were offered in this wait: the agents and wait then, or None."""
    found = last.get("offered") if isinstance(last, dict) else None
    return found if isinstance(found, dict) else None


def offer_due(last: Optional[Dict[Text, Any]], agents: int, wait: int) -> bool:
    """Whether the call and the email are offered as buttons now: not yet in this wait, or things changed
    since (nobody available where someone was, or a wait twice as long and ten minutes longer)."""
    before = offered(last)
    if before is None:
        return True
    if before.get("agents") and not agents:
        return True
    then = int(before.get("wait") or 0)
    return bool(agents) and then > 0 and wait >= max(2 * then, then + 10)


def with_offer(told: Dict[Text, Any], agents: int, wait: int) -> Dict[Text, Any]:
    """The slot's value, marked as offering the call and the email now."""
    return dict(told, offered={"agents": agents, "wait": wait})


def _next(choices: tuple, last_response: Optional[Text]) -> Text:
    """The line after the one said last (the first when the last was another)."""
    if last_response in choices:
        return choices[(choices.index(last_response) + 1) % len(choices)]
    return choices[0]


def _in_turn(choices: tuple, said: Optional[Text]) -> Text:
    """The first of ``choices``, or the next one when the first was said last."""
    return _next(choices, said) if said in choices else choices[0]


def _news(position: int, before: Any, agents: int, said: Optional[Text], comeback: bool = False) -> Optional[Text]:
    """A change of place is news: up, or down (someone more urgent went ahead, or ``comeback``: someone
    who was waiting before them came back into the line); None when the same."""
    if before is None or position == int(before):
        return None
    if position < int(before):
        return "utter_queue_moved_up" if agents else "utter_queue_moved_up_nobody"
    down = "utter_queue_moved_down_comeback" if comeback else "utter_queue_moved_down"
    return down if agents else f"{down}_nobody"


def _words(
    position: int,
    agents: int,
    wait: int,
    last: Dict[Text, Any],
    text: Text,
    intent: Optional[Text],
    stays: bool,
    watch: bool = False,
    comeback: bool = False,
) -> Text:
    """The response for a telling: news first, then what the customer's words ask for."""
    said, before = last.get("response"), last.get("position")
    news = _news(position, before, agents, said, comeback)
    if news is not None:
        return news
    if stays:
        return "utter_queue_staying" if agents else "utter_queue_staying_nobody"
    if not agents:
        if said == "utter_queue_update_nobody" or said in NOBODY_SAME:
            return _next(NOBODY_SAME, last.get("same"))
        return "utter_queue_update_nobody"
    if watch:
        # Nobody asked: an update worded as one, never "Nothing has changed since I last said".
        return "utter_queue_wait_now" if said == "utter_queue_update" and before == position else "utter_queue_update"
    if wants_a_person(text, intent):
        coming = "utter_queue_next" if position == 1 else "utter_queue_person_coming"
        return "utter_queue_already_in_line" if said in PERSON[:2] else coming
    if greets(text, intent):
        return _in_turn(HELLO, said)
    if annoyed(text, intent):
        return _in_turn(UPSET, said)
    if before == position and last.get("wait") == wait and last.get("agents") == agents:
        return _next(SAME, last.get("same"))
    if said == "utter_queue_update" and before == position:
        return "utter_queue_wait_now"
    return "utter_queue_update"


def telling(
    position: int,
    agents: int,
    last: Optional[Dict[Text, Any]],
    now: datetime,
    text: Text = "",
    intent: Optional[Text] = None,
    stays: bool = False,
    watch: bool = False,
    comeback: bool = False,
) -> Telling:
    """What a waiting customer at ``position`` hears now, given the ``last`` telling (the slot's value);
    ``stays``: they said they'll stay in the queue; ``watch``: unasked, the queue's watch speaking;
    ``comeback``: someone back in the line went ahead of them (handoff_queue.Standing.comeback_ahead)."""
    last = last if isinstance(last, dict) else {}
    sorry = annoyed(text, intent) and not last.get("sorry") and not stays
    wait = counted_down(position, agents, last, now) if agents else 0
    response = _words(position, agents, wait, last, text, intent, stays, watch, comeback)
    made = estimate(position, agents, last, now) if agents else {"estimate": 0, "since": now.isoformat()}
    told = {
        "position": position,
        "wait": wait,
        "agents": agents,
        "at": now.isoformat(),
        "response": response,
        "sorry": bool(last.get("sorry")) or sorry,
        # The last of the short lines said, so they are taken in turn.
        "same": response if response in SAME + NOBODY_SAME else last.get("same"),
        **made,
        "offered": offered(last),
        "stayed": bool(last.get("stayed")) or stays,
    }
    # Buttons once per wait: with nobody available, or a much longer wait since they were offered.
    offer = not stays and offer_due(last, agents, wait) and (not agents or offered(last) is not None)
    if offer:
        told = with_offer(told, agents, wait)
    return Telling(response, position, wait, sorry, told, offer)


def first_told(position: int, agents: int, wait: int, now: datetime, response: Text) -> Dict[Text, Any]:
    """The slot's value for the first telling (the handoff's own words)."""
    return {"position": position, "wait": wait, "agents": agents, "at": now.isoformat(), "response": response}


def long_wait_told(position: int, agents: int, last: Optional[Dict[Text, Any]], now: datetime) -> Dict[Text, Any]:
    """The slot's value for the wait-limit offer (``utter_queue_wait_long``, said with its sorry): the
    wait still counted down from the last estimate, the call and the email marked as offered."""
    last = last if isinstance(last, dict) else {}
    wait = counted_down(position, agents, last, now) if agents else 0
    made = estimate(position, agents, last, now) if agents else {"estimate": 0, "since": now.isoformat()}
    told = dict(first_told(position, agents, wait, now, "utter_queue_wait_long"), sorry=True, **made)
    return with_offer(told, agents, wait)


def values(told: Telling) -> Dict[Text, Any]:
    """The response's placeholders."""
    found: Dict[Text, Any] = {"position": told.position}
    if told.wait:
        found["wait"] = "a minute" if told.wait <= 1 else f"{told.wait} minutes"
    return found


def said_lines(told: Telling) -> List[Text]:
    """The responses said, in order: the one sentence of sorry (once per wait), then the news."""
    return (["utter_queue_sorry"] if told.sorry else []) + [told.response]
