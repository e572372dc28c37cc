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
- typos of the status questions ("hw long", "how lon", "still in line?", "any1 there") and
  longer or sarcastic ones ("how long do i have to sit here", "so how much longer am I meant
  to wait, lol") are status questions, and only a clear goodbye ("ok gotta run, bye") is a
  goodbye: anything the classifier reads as goodbye without a word of one is a waiting message;
- "I'll stay in the queue, thank you", "ill wait i guess": ``ask_status`` marked
  ``stays_in_queue`` (queue_news.STAYS), read before any buttons so it is never taken for a
  choice of the call or the email offered: the place kept, warmly, the buttons not again;
- "i asked to be connected. please just connect me", whatever the classifier made of it:
  ``ask_status`` read from ``request_human`` (they are in line for a person already);
- a request that is not about the wait ("can you just cancel LK-10424 for me?", "the lamp is
  broken too") and has no designers' answer: ``ask_status`` marked ``noted``: the assistant
  says it is added to their case for the person who picks it up, then the place.

- "if I step away for 10 mins will I lose my place?", "I need to pop out at some point": ``ask_status``
  marked ``step_away``: whether the place is kept while they are away, from the settings;
- "wait wheres ana gone" after a colleague let the case go: ``ask_status`` marked ``person_gone``: what
  happened, and their place;
- "no thanks, bye": a goodbye that leaves the queue, as "ok thanks anyway, bye" is;
- "can u just ring me in an hour insted", whatever the classifier made of it: a call asked for
  (``request_callback``). Chat spellings ("u", "insted", "wat", "forevr") are read as the words they
  stand for (waiting_words.plain) before any pattern;
- "while I wait - do you do price matching?", a policy question naming no policy: noted for the person.

After leaving the queue, server/dialogue/queue_left.py reads "am i still in the queue?" and "yes put me
back in please".

Anything else (a call asked for, a button, a new problem, thanks) is left to the usual
readings and rules.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import queue_news, repair
from gracious.answers import find_answers
from gracious.wordlists import plain
from server.dialogue import in_hand
from server.dialogue.queue_left import after_leaving
from server.dialogue.readings import CANCEL, STATUS, read_as
from server.dialogue.waiting_words import (
    ASKS,
    EMAIL_ME,
    PERSON_GONE,
    POLICY_TOPIC,
    QUEUE_QUESTION,
    STATUS_QUESTION,
    STAYS,
    STEP_AWAY,
    WAIT_QUESTION,
    leaves_the_queue,
)

# The readings of a waiting customer's words, beside ``waiting`` and ``stays_in_queue`` (actions/waiting.py).
STEP_AWAY_MARK = "step_away"
PERSON_GONE_MARK = "person_gone"

IN_QUEUE = "in_queue"
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
    """Words about the wait itself, read before any buttons: "cancel", "never mind": leaving the queue;
    "forget it just email me": the email instead; "I'll stay in the queue": staying; "just connect me":
    a person asked for again (their place); or None."""
    if not waiting(tracker, parsed):
        return None
    text = plain(parsed.get("text") or "")
    if len(text.split()) <= 20 and wants_email(text) and not in_hand.ASKS_FOR_A_CALL.search(text):
        return email_instead(parsed)
    if len(text.split()) <= 20 and leaves_the_queue(text):
        return read_as(parsed, CANCEL, "leave_queue")
    if staying(text):
        # "Ok, I will wait. Bye for now", "ok cheers, talk soon": staying, however it ends (a see-you-later).
        return read_as(parsed, STATUS, queue_news.STAYS)
    if says_goodbye(text) and (parsed.get("intent") or {}).get("name") != "goodbye":
        # "no thanks, bye" read as a no: a goodbye, leaving the queue as "ok thanks anyway, bye" does.
        return read_as(parsed, "goodbye", "goodbye")
    if steps_away(text):
        return read_as(parsed, STATUS, STEP_AWAY_MARK)
    if len(text.split()) <= 20 and queue_news.wants_a_person(text, None) and not in_hand.ASKS_FOR_A_CALL.search(text):
        # "i asked to be connected. please just connect me": in line for a person already.
        return dict(read_as(parsed, STATUS, "waiting"), read_from="request_human")
    return None


def staying(text: str) -> bool:
    """ "I'll stay in the queue, thank you", "ill wait i guess", "Ok, I will wait. Bye for now", "ok cheers,
    talk soon": staying, not a choice of the call or the email, nor a goodbye."""
    return (
        len(text.split()) <= 14
        and bool(STAYS.search(text) or re.search(r"\b(?:talk|speak|chat)\s+(?:to you\s+)?soon\b", text, re.I))
        and not in_hand.ASKS_FOR_A_CALL.search(text)
        and not wants_email(text)
        and not re.search(r"\bfor (?:an? |the )?(?:e-?mail|call|ring)\b", text, re.I)
    )


def says_goodbye(text: str) -> bool:
    """ "no thanks, bye", "ok thanks anyway, bye": a goodbye at the end, with no question before it."""
    return (
        len(text.split()) <= 10
        and repair.ends_with_goodbye(text)
        and not repair.asks_before_goodbye(text)
        and not asks_where_they_stand(text)
        and not in_hand.ASKS_FOR_A_CALL.search(text)
    )


def steps_away(text: str) -> bool:
    """ "if I step away for 10 mins will I lose my place?", "sorry, how long roughly? I need to pop out":
    whether their place is kept while they are away."""
    return len(text.split()) <= 30 and bool(STEP_AWAY.search(text)) and not wants_email(text)


def person_gone(text: str) -> bool:
    """ "wait wheres ana gone", "what happened to sam?": the person who had the case, not an order."""
    return len(text.split()) <= 12 and bool(PERSON_GONE.search(text)) and not OTHER_TOPIC.search(text)


def asks_for_a_call(text: str) -> bool:
    """ "can u just ring me in an hour insted": a call asked for, not a question about one."""
    return bool(in_hand.ASKS_FOR_A_CALL.search(text)) and bool(
        ASKS_FOR_ACTION.search(text) or re.search(r"\binstead\b|^\W*(?:just\s+)?(?:call|ring|phone)\b", text, re.I)
    )


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
    if OTHER_TOPIC.search(text):
        return False
    words = len(text.split())
    # "sorry, how long roughly? I need to pop out at some point": a short sentence of the message asks.
    short = any(len(part.split()) <= 6 and STATUS_QUESTION.search(part) for part in re.split(r"[.?!;]+", text))
    return (
        (bool(STATUS_QUESTION.search(text)) and words <= 8)
        or short
        or (bool(WAIT_QUESTION.search(text)) and words <= 16)
    )


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
    text = plain(parsed.get("text") or "")
    intent = (parsed.get("intent") or {}).get("name")
    if person_gone(text):
        return read_as(parsed, STATUS, PERSON_GONE_MARK)
    if asks_for_a_call(text) and intent not in ("request_callback", "choose_alternative"):
        # "ugh this is taking forevr. can u just ring me in an hour insted": a call, whatever the classifier said.
        return read_as(parsed, "request_callback", "call_while_waiting")
    if intent == "goodbye" and not clear_goodbye(text):
        # "hw long" read as goodbye: only a clear goodbye leaves the queue.
        return _status(parsed)
    if asks_where_they_stand(text) and intent not in ("request_callback", "choose_alternative"):
        return _status(parsed)
    if queue_news.wants_a_person(text, None) and not in_hand.ASKS_FOR_A_CALL.search(text):
        return dict(read_as(parsed, STATUS, "waiting"), read_from="request_human")
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
        # "do you have my order number?": the designers' answer, then "you keep your place"; a request
        # the answer hands to a person ("can you cancel my order instead"), noted for them as well.
        answered = dict(_status(parsed), answers=[a.response for a in found])
        return dict(answered, noted=True) if ASKS_FOR_ACTION.search(text) and a_request(text, intent) else answered
    if intent == "ask_policy" and not has_topic(parsed, tracker):
        # "while I wait - do you do price matching?": no policy to explain; noted for the person, said so.
        return dict(_status(parsed), noted=True)
    if intent in ("ask_policy", "ask_why"):
        return None  # answered by the waiting rules for questions, then their place
    if (
        intent in IDLE
        or ASKS.search(text)
        or intent == CANCEL
        or repair.cancels(text)
        or repair.says("waiting_requests", text)
    ):
        # A cancel of something else ("can you cancel my order instead", "can you just cancel LK-10424 for me?",
        # whatever the classifier reads it as; catalog/repair.yml `waiting_requests`) is for the person who picks
        # the case up: never a way out of the queue (the leaving itself is read before, `leaving`); the customer
        # hears it is noted, and their place.
        return dict(_status(parsed), noted=True) if a_request(text, intent) else _status(parsed)
    return None


def has_topic(parsed: Dict[str, Any], tracker: DialogueStateTracker) -> bool:
    """A policy question names a topic (or the case in hand has a policy) the assistant can explain."""
    named = any(e.get("entity") == "policy_topic" for e in parsed.get("entities") or [])
    return named or bool(tracker.get_slot("policy_id")) or bool(POLICY_TOPIC.search(parsed.get("text") or ""))


# Asking for something to be done ("can you cancel...", "please change...", "i need it sent to..."), not told.
ASKS_FOR_ACTION = re.compile(
    r"\b(?:can|could|would|will) (?:you|u|someone)\b|\bplease\b|\bpls\b|\bi (?:want|need|would like|'d like)\b", re.I
)

# Words that ask for nothing new: a greeting, yes or no, thanks, a word of waiting.
ABOUT_THE_WAIT = {"greet", "affirm", "deny", "ask_status", "request_human", "request_executive", "thank", "goodbye"}


def a_request(text: str, intent: Optional[str]) -> bool:
    """A waiting customer's words that ask for something else than the wait ("can you just cancel LK-10424
    for me?", "the lamp is broken too"): for the person who picks the case up, noted and said so."""
    if intent in ABOUT_THE_WAIT or len(re.findall(r"\w+", text)) < 3:
        return False
    return not (
        ASKS.search(text)
        or asks_where_they_stand(text)
        or queue_news.annoyed(text, intent)
        or queue_news.wants_a_person(text, intent)
        or queue_news.greets(text, intent)
        or staying(text)
    )
