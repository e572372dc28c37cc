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

- "forget it just email me", "email me instead": the email follow-up, as a click of the
  email button (``choose_alternative`` email_followup: the team's email, the queue left as
  ``email_instead``);
- typos of the status questions ("hw long", "how lon", "still in line?", "any1 there") are
  status questions, and only a clear goodbye ("ok gotta run, bye") is a goodbye: anything
  the classifier reads as goodbye without a word of one is a waiting message.

After leaving the queue (the slot cleared, the conversation queued since its last
hand-back), a question about the queue ("am i still in the queue?") is ``ask_status``
marked ``left_queue``: the truth about why they are out (actions/waiting.left_queue_answer).

Anything else (a call asked for, a button, a new problem, thanks) is left to the usual
readings and rules.
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
    r"any (?:news|update)|ages|forever|taking so long|any1|anybdy)\b|^\W*\?+\W*$",
    re.I,
)
# The status questions, typos and all: "hw long", "how lon", "still in line?", "any1 there".
STATUS_QUESTION = re.compile(
    r"\b(?:how|hw|hoe|hwo|hpw|ho)\s+(?:long|lon|lng|log|lomg|loong|longer|much longer|much more)\b"
    r"|\b(?:still|stil|stll|stlil)\s+(?:in\s+)?(?:the\s+|teh\s+|th\s+)?(?:line|queue|que|queu|q|waiting|wating)\b"
    r"|\bany\s?(?:one|1|body|bdy|buddy)\s*(?:there|ther|thr|here|around|home)\b|^\W*any\s?(?:one|1|body)\W*$"
    r"|\b(?:queue|que|queu|qeue|quee|in line|my turn|my place|my position|what number)\b",
    re.I,
)
# A question about the queue (after leaving it): "am i still in the queue?", "is someone still coming?".
QUEUE_QUESTION = re.compile(
    r"\b(?:queue|que|queu|in line|(?:still|stil) waiting|my turn|my place|my position)\b"
    r"|\b(?:some|any)\s?(?:one|body) (?:still )?coming\b|\bstill (?:getting|waiting for) (?:a|the) (?:person|human|agent)\b",
    re.I,
)
# "forget it just email me", "email me instead", "can you just write to me".
EMAIL_ME = re.compile(r"\b(?:e-?mail|write to|message) me\b|\bjust (?:e-?mail|write)\b|\bby e-?mail\b", re.I)
EMAIL_CLICK = '/choose_alternative{"alternative": "email_followup"}'
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


def email_instead(parsed: Dict[str, Any]) -> Dict[str, Any]:
    """The message read as a click of the email button offered while waiting (gracious/queue_offer.py)."""
    text = parsed.get("text") or ""
    chosen = {"entity": "alternative", "value": "email_followup", "start": 0, "end": len(text), "extractor": "waiting"}
    return read_as(parsed, "choose_alternative", "email_instead", [chosen])


def wants_email(text: str) -> bool:
    """ "forget it just email me", "email me instead": the team's email rather than the wait."""
    return bool(EMAIL_ME.search(text)) or repair.wants_email_instead(text)


def leaving(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "cancel", "never mind": leaving the queue; "forget it just email me": the email instead; or None."""
    if not waiting(tracker, parsed):
        return None
    text = parsed.get("text") or ""
    if len(text.split()) <= 20 and wants_email(text) and not in_hand.ASKS_FOR_A_CALL.search(text):
        return email_instead(parsed)
    if len(text.split()) <= 20 and leaves_the_queue(text):
        return read_as(parsed, CANCEL, "leave_queue")
    return None


def clear_goodbye(text: str) -> bool:
    """A goodbye said in words ("ok gotta run, bye"), not a typo the classifier took for one ("hw long")."""
    return repair.says("goodbye", text)


# A question about something else than the wait ("how long do refunds take?").
OTHER_TOPIC = re.compile(
    r"\b(?:refund|return|deliver|ship|exchange|credit|coupon|discount|bill|order|parcel|package|arrive|process)\w*",
    re.I,
)


def asks_where_they_stand(text: str) -> bool:
    """ "hw long", "still in line?", "any1 there": a status question about the queue or the wait itself."""
    if QUEUE_QUESTION.search(text):
        return True
    return bool(STATUS_QUESTION.search(text)) and len(text.split()) <= 8 and not OTHER_TOPIC.search(text)


def was_queued(tracker: DialogueStateTracker) -> bool:
    """The conversation waited in the queue since its last hand-back (and is out of it now)."""
    queued_at, back_at = -1, -1
    for i, event in enumerate(tracker.events):
        if event.type_name == "slot" and getattr(event, "key", None) == IN_QUEUE and getattr(event, "value", None):
            queued_at = i
        elif event.type_name == "action" and getattr(event, "action_name", None) == "action_handback":
            back_at = i
    return queued_at > back_at


def after_leaving(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """ "am i still in the queue?" once out of it: a status question marked ``left_queue``, or None."""
    text = (parsed.get("text") or "").strip()
    if (
        tracker is None
        or tracker.get_slot(IN_QUEUE)
        or tracker.active_loop_name
        or not text
        or text.startswith("/")
        or parsed.get("safety")
        or not QUEUE_QUESTION.search(text)
        or (parsed.get("intent") or {}).get("name") in ("request_human", "request_executive", "request_callback")
    ):
        return None
    return read_as(parsed, STATUS, "left_queue") if was_queued(tracker) else None


def _status(parsed: Dict[str, Any]) -> Dict[str, Any]:
    """Asking where they stand; the classifier's own reading kept (``read_from``: "get me someone" is a person asked for)."""
    return dict(read_as(parsed, STATUS, "waiting"), read_from=(parsed.get("intent") or {}).get("name"))


def reading(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """The message as a waiting customer's: leaving, asking where they stand (with answers), or None."""
    if not waiting(tracker, parsed):
        return after_leaving(parsed, tracker)
    assert tracker is not None
    left = leaving(parsed, tracker)
    if left is not None:
        return left
    text = parsed.get("text") or ""
    intent = (parsed.get("intent") or {}).get("name")
    if intent == "goodbye" and not clear_goodbye(text):
        # "hw long" read as goodbye: only a clear goodbye leaves the queue.
        return _status(parsed)
    if asks_where_they_stand(text) and intent not in ("request_callback", "choose_alternative"):
        return _status(parsed)
    if intent in OWN_RULES or in_hand.ASKS_FOR_A_CALL.search(text):
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
        return dict(_status(parsed), answers=[a.response for a in found])
    if intent in ("ask_policy", "ask_why"):
        return None  # answered by the waiting rules for questions, then their place
    if intent in IDLE or ASKS.search(text) or intent == CANCEL or repair.cancels(text):
        # A cancel of something else ("can you cancel my order instead") is for the person who picks
        # the case up: never a way out of the queue; the customer hears their place.
        return _status(parsed)
    return None
