"""The other question in a message: answered after whatever the message led to.

"got an email with SUMMER20, doesnt work. can i use it with WELCOME10 at the same time?" opens a
coupon case and asks a second thing. The classifier reads one intent for the whole message, so
the case went ahead and the question was dropped (blind panel p35: 20 of 24 conversations).
Here every question after the message's first part is marked ``also_asked`` on the parse; once the
turn's own steps are done (the case's kind and policy known), before the options, "anything else?"
or the assistant listening again, action_answer_also_asked looks them up in the designers' answers
(catalog/answers.yml) and says those the turn has not said already (overrides/dialogue.py runs it). Only the designers'
answers are said this way: a question none fits is left to the conversation, never guessed at.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.answers import ASKS, answer_anywhere, parts
from server.dialogue import in_hand, typed_choices

ACTION = "action_answer_also_asked"
KEY = "also_asked"
DONE = "_gracious_also_asked_done"  # on the message event, for this turn only
# Said before these, so the answer comes before the options or "anything else?", not after them.
BEFORE = ("action_offer_alternatives", "utter_anything_else")
# Readings whose own steps answer the questions in the message (actions/digression.py, the waiting room).
# "its not a question its a suggestion. can you pass it on?" (blind panel p52 07): the idea's own thanks says it.
ANSWERED_ALREADY = ("case_question", "suggestion")
NOT_AFTER = ("goodbye",)


def other_questions(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> List[List[str]]:
    """The questions after the message's first part, each with the part before it, for the designers'
    answers to be looked up once the turn has done its steps (the case's kind and policy known by then)."""
    text = (parsed.get("text") or "").strip()
    intent = (parsed.get("intent") or {}).get("name")
    if (
        tracker is None
        or not text
        or text.startswith("/")
        or parsed.get("safety")
        or parsed.get("language")
        or parsed.get("repair") in ANSWERED_ALREADY
        or intent in NOT_AFTER
    ):
        return []
    said = parts(text)
    # Each with the part before it, for "how much did they cost me?" after "...the london calls".
    # "did the replacement ship? also i never got any email with a return label" (blind panel p50 24): a statement
    # the designers answer anywhere counts too.
    found = [
        [part, said[i]]
        for i, part in enumerate(said[1:])
        if ASKS.search(part) or in_hand.is_question(part) or answer_anywhere(part, question=False) is not None
    ]
    if said and in_hand.is_question(said[0]) and answer_anywhere(said[0]) is not None:
        # "can my jacket LK-10424 be delivered to the airport?" opens the order's case (blind panel p38):
        # the question that opened it is answered too, once the case is looked at.
        found.insert(0, [said[0], ""])
    return found


def mark(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Dict[str, Any]:
    """The parse, with its other questions marked (``also_asked``) when it has any."""
    found = other_questions(parsed, tracker)
    return dict(parsed, **{KEY: found}) if found else parsed


def pending(tracker: DialogueStateTracker) -> bool:
    """The customer's latest message has other questions and this turn has not looked them up yet."""
    message = tracker.latest_message
    return bool(message is not None and (message.parse_data or {}).get(KEY) and not getattr(message, DONE, False))


def looked_up(tracker: DialogueStateTracker) -> None:
    """The latest message's other questions have had their turn (answered, or no answer found)."""
    if tracker.latest_message is not None:
        setattr(tracker.latest_message, DONE, True)


async def parse_and_mark(
    self: MessageProcessor,
    message: Any,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[str, Any]:
    """The message read in context (server/dialogue/typed_choices.py), its other questions marked."""
    return mark(await typed_choices.parse_with_choices(self, message, tracker, only_output_properties), tracker)
