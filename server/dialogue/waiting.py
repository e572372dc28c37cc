"""A message from a customer waiting in the queue for a person, read in that light.

While ``in_queue`` is set (actions/handoff.py) and no form is asking, the rules in
data/rules/waiting.yml answer a waiting customer:

- "cancel", "never mind", "forget it, I'll wait for an email", "cancel the chat", "I'll stop
  waiting", "I don't need a person any more": ``cancel`` (leaving the queue,
  actions/waiting.py ActionLeaveQueue). Only when what is dropped is the wait itself: the
  whole message is a word of leaving, or its object is the queue, the wait, the chat, a
  person or the whole thing. "can you cancel my order LK-10423 instead", "never mind the
  refund, I just want the right item" or "I need to stop waiting for the delivery" are
  words for the person who will pick the case up: ``ask_status`` (their place);
- "hello? is anyone there?", "how long?", "am I still in the queue", "ok", "get me a
  person!", and other words that ask for nothing new: ``ask_status`` (their place and
  an honest wait, ActionWhileWaiting);
- a question with a designers' answer (catalog/answers.yml): ``ask_status`` carrying
  the answers, said first, then "you keep your place".

Anything else (a call asked for, a button, a new problem, thanks, goodbye) is left to
the usual readings and rules.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair
from gracious.answers import find_answers
from server.dialogue import in_hand
from server.dialogue.readings import CANCEL, STATUS, read_as

IN_QUEUE = "in_queue"
# A word of leaving, and words that may pad it ("ok never mind, thanks").
_LEAVE_WORD = (
    r"(?:cancel(?: it| that| this)?|never ?mind|nvm|forget (?:it|about it|this|that)|don'?t bother|scratch that)"
)
_FILLER = (
    r"(?:ok(?:ay)?|oh|ah|well|actually|please|pls|thanks|thank you|then|just|so|um+|hmm+|no|nah|fine|"
    r"it'?s fine|that'?s (?:ok|okay|fine)|you know what|all right|alright|sorry)"
)
LEAVE_WORD = re.compile(rf"\b{_LEAVE_WORD}\b", re.I)
FILLER = re.compile(rf"\b{_FILLER}\b", re.I)
# What a customer in the queue can drop: the wait itself.
_THE_WAIT = (
    r"(?:the |this |my |our )?(?:chat|conversation|queue|line|wait|waiting|request|handoff|transfer|"
    r"person|agent|human|whole thing|lot|it all|everything)"
)
_A_PERSON = r"(?:a |an |the )?(?:person|human|agent|someone|somebody|anyone|reply|answer|you|them)"
# "stop waiting" ends the sentence, or is for a person: not "stop waiting for the delivery".
_STOP = rf"stop waiting(?:\s+(?:for|on)\s+{_A_PERSON})?(?=\s*(?:[.!,;]|$|and\b|then\b|thanks\b))"
LEAVES = re.compile(
    rf"\b(?:cancel|forget(?: about)?|never ?mind|drop|scrap)\s+{_THE_WAIT}\b"
    rf"|\b{_STOP}"
    rf"|\b(?:don'?t|do not|no longer)\s+(?:need|want)\s+(?:to (?:talk|speak) to\s+)?{_A_PERSON}\b"
    r"|\b(?:don'?t|do not) want to wait\b|\bnot (?:going to|gonna) wait\b"
    r"|\b(?:take me\s+|get me\s+)?(?:out of|off) (?:the|this) (?:queue|line)\b|\bleave (?:the|this) (?:queue|line)\b"
    r"|\bi'?ll (?:just )?(?:wait for|take) an? e-?mail\b",
    re.I,
)


def leaves_the_queue(text: str) -> bool:
    """Whether a waiting customer's words drop the wait: the whole message is a word of leaving
    ("never mind, cancel", "ok forget it thanks"), or what is dropped is the queue, the wait, the
    chat, a person or the whole thing. Anything else is words for the person who picks it up."""
    if LEAVES.search(text):
        return True
    if not LEAVE_WORD.search(text):
        return False
    rest = FILLER.sub(" ", LEAVE_WORD.sub(" ", text))
    return not re.search(r"\w", rest)


# "hello?", "is anyone there", "how long", "am I still in the queue", "any news".
ASKS = re.compile(
    r"\b(?:hello+|hi+|hey+|any ?(?:one|body) (?:there|here|around)|still (?:there|here|waiting|in)|"
    r"how (?:long|much longer|many)|queue|line|waiting|wait|position|place|my turn|when will|"
    r"any (?:news|update)|ages|forever|taking so long)\b|^\W*\?+\W*$",
    re.I,
)
# What a waiting customer says that asks for nothing new: answered with where they stand.
IDLE = {
    "greet",
    "affirm",
    "deny",
    "request_human",
    "complain_no_response",
    "express_frustration",
    "nlu_fallback",
    "inform",
    "ask_status",
    "out_of_scope",
    "complain_service",
}
# Left to their own rules: a call asked for, a choice, leaving, thanks, who they talk to.
OWN_RULES = {"request_callback", "choose_alternative", "goodbye", "thank", "bot_challenge", "give_feedback"}


def waiting(tracker: Optional[DialogueStateTracker], parsed: Dict[str, Any]) -> bool:
    """The customer waits in the queue, no form is asking, and the message is words (not a click or safety)."""
    text = (parsed.get("text") or "").strip()
    return (
        tracker is not None
        and bool(tracker.get_slot(IN_QUEUE))
        and not tracker.active_loop_name
        and bool(text)
        and not text.startswith("/")
        and not parsed.get("safety")
    )


def leaving(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "cancel", "never mind", "forget it, I'll wait for an email": leaving the queue, or None."""
    if not waiting(tracker, parsed):
        return None
    text = parsed.get("text") or ""
    if len(text.split()) <= 20 and leaves_the_queue(text):
        return read_as(parsed, CANCEL, "leave_queue")
    return None


def reading(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """The message as a waiting customer's: leaving, asking where they stand (with answers), or None."""
    if not waiting(tracker, parsed):
        return None
    assert tracker is not None
    left = leaving(parsed, tracker)
    if left is not None:
        return left
    text = parsed.get("text") or ""
    intent = (parsed.get("intent") or {}).get("name")
    if intent in OWN_RULES or in_hand.ASKS_FOR_A_CALL.search(text) or repair.wants_email_instead(text):
        return None
    found = find_answers(
        text,
        tracker.get_slot("case_type"),
        [],
        question=in_hand.is_question(text),
        policy=tracker.get_slot("policy_id"),
    )
    if found:
        # "do you have my order number?": the designers' answer, then "you keep your place".
        return dict(read_as(parsed, STATUS, "waiting"), answers=[a.response for a in found])
    if intent in ("ask_policy", "ask_why"):
        return None  # answered by the waiting rules for questions, then their place
    if intent in IDLE or ASKS.search(text) or intent == CANCEL or repair.cancels(text):
        # A cancel of something else ("can you cancel my order instead") is for the person who picks
        # the case up: never a way out of the queue; the customer hears their place.
        return read_as(parsed, STATUS, "waiting")
    return None
