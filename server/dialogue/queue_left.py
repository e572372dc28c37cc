"""A customer out of the queue (they left it, or it let them go) asking about it, or asking back in.

- "am i still in the queue?", "will the person still message me here too?" once out of it: ``ask_status``
  marked ``left_queue``, the truth about why they are out (actions/waiting.left_queue_answer);
- "yes put me back in please", "yes", "put me back" just after that truth offered to put them back in
  (``utter_queue_not_waiting_*``): a person asked for again (``request_human`` marked ``back_in_queue``),
  never a menu of topics. Within GRACIOUS_QUEUE_LEFT_SECONDS x 3 of going quiet they have their old
  place back (gracious/stores/handoff_queue.open_handoff).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair
from gracious.wordlists import plain
from server.dialogue import in_hand
from server.dialogue.readings import STATUS, read_as
from server.dialogue.waiting_words import EMAIL_ME, PERSON_STILL_COMING, QUEUE_QUESTION

IN_QUEUE = "in_queue"
# The truths about leaving that offer to put the customer back in (actions/waiting.LEFT_WORDS).
OFFERS_BACK = {
    "utter_queue_not_waiting",
    "utter_queue_not_waiting_cancelled",
    "utter_queue_not_waiting_went_away",
    "utter_queue_not_waiting_went_away_back",
}
# "yes put me back in please", "put me back", "back in the queue please", or "yes" / "yes please" alone
# answering the offer just made; never a bare "ok" or "please" ("ok thanks, bye", "please just email me").
PUT_BACK = re.compile(
    r"\bput me back\b|\bback (?:in|into|on) (?:the |that |my )?(?:queue|line)\b|\bback in\W*(?:please|pls)?\W*$"
    r"|\b(?:re-?join|rejoin) (?:the )?(?:queue|line)\b",
    re.I,
)
YES_ALONE = re.compile(
    r"\W*(?:yes|yeah|yep|yup|sure|yes please|yes pls|yes please do|yes do|yes thanks|yes thank you)\W*", re.I
)
NOT_BACK = re.compile(r"\b(?:no|nah|don'?t|do not|never ?mind|not now|later)\b", re.I)


def was_queued(tracker: DialogueStateTracker) -> bool:
    """The conversation waited in the queue since its last hand-back (and is out of it now)."""
    queued_at, back_at = -1, -1
    for i, event in enumerate(tracker.events):
        if event.type_name == "slot" and getattr(event, "key", None) == IN_QUEUE and getattr(event, "value", None):
            queued_at = i
        elif event.type_name == "action" and getattr(event, "action_name", None) == "action_handback":
            back_at = i
    return queued_at > back_at


def still_coming(text: str) -> bool:
    """ "will the person still message me here too?": a question about the person they were waiting for."""
    return (
        len(text.split()) <= 16 and bool(PERSON_STILL_COMING.search(text)) and not in_hand.ASKS_FOR_A_CALL.search(text)
    )


def asks_after_the_queue(parsed: Dict[str, Any], text: str) -> bool:
    """ "am i still in the queue?", not a person (or a call) asked for again."""
    intent = (parsed.get("intent") or {}).get("name")
    return bool(QUEUE_QUESTION.search(text)) and intent not in (
        "request_human",
        "request_executive",
        "request_callback",
    )


def last_response(tracker: DialogueStateTracker) -> Optional[str]:
    """The response the assistant said last (its name), or None."""
    for event in reversed(tracker.events):
        if event.type_name == "bot":
            return (getattr(event, "metadata", None) or {}).get("utter_action")
    return None


def offered_back(tracker: DialogueStateTracker) -> bool:
    """The truth about leaving, with its offer to put them back in, is among the assistant's last words."""
    return any(name in OFFERS_BACK for name in in_hand.said_last_turn(tracker))


def asks_back_in(text: str, intent: Optional[str]) -> bool:
    """ "yes put me back in please", "yes": yes to being put back; not "no thanks", and never a goodbye,
    an email or a call asked for instead ("ok thanks, bye", "yes but can you call me instead")."""
    words = plain(text)
    if len(words.split()) > 25 or elsewhere(words):
        return False
    return (bool(PUT_BACK.search(words)) or bool(YES_ALONE.fullmatch(words))) and not (
        NOT_BACK.search(words) and not re.search(r"\bput me back\b", words, re.I)
    )


def elsewhere(words: str) -> bool:
    """A goodbye, an email or a call asked for: not back in the queue."""
    return (
        repair.ends_with_goodbye(words)
        or bool(EMAIL_ME.search(words))
        or repair.wants_email_instead(words)
        or bool(in_hand.ASKS_FOR_A_CALL.search(words))
    )


def after_leaving(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """Once out of the queue: "am i still in the queue?" a status question marked ``left_queue``; "yes put me
    back in" after the offer to, a person asked for again; or None."""
    text = (parsed.get("text") or "").strip()
    if (
        tracker is None
        or tracker.get_slot(IN_QUEUE)
        or tracker.active_loop_name
        or not text
        or text.startswith("/")
        or parsed.get("safety")
    ):
        return None
    intent = (parsed.get("intent") or {}).get("name")
    if offered_back(tracker) and asks_back_in(text, intent):
        return read_as(parsed, "request_human", "back_in_queue")
    if not (still_coming(text) or asks_after_the_queue(parsed, text)):
        return None
    return read_as(parsed, STATUS, "left_queue") if was_queued(tracker) else None
