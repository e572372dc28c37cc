"""What a customer says once a person has helped: a rating, a goodbye or a remark, never a new case.

After an agent hands the case back (action_handback) or closes it (the rating question,
utter_ask_rating), the classifier still reads each message on its own, so endings came back
as requests (issue #17, panel P3): "no, I've just had a person! it's fine. that's all, thanks.
4 out of 5, Sam was kind" queued her again; "Rating? Two. Ana was lovely, the process is a
maze." was "I'd rather not guess"; "no. bye. 1 star for making me come back three times" and
"That will be all. Rather laborious, I must say. Three out of five." were offered goodwill;
a parent's "The rest felt like filling in forms while my son was swelling up." opened a
safety case again. Here a rating in any words (gracious/ratings.py) is the rating
(``give_feedback`` with its ``rating``; actions/feedback.py keeps it and closes when they said
goodbye), a goodbye is a goodbye, a remark after the rating question is feedback, and a safety
case's after-remark is heard as feedback unless it names an emergency now.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import ratings, signals
from gracious.endings import says_goodbye
from server.dialogue.readings import PERSON_ASKED, read_as, whole_message
from server.dialogue.two_problems import case_types

# The moves of a person's part ending: handed back, or closed with the rating asked.
PERSON_DONE = {"action_handback", "utter_ask_rating"}
HANDOFF = "action_handoff"
ASK_RATING = "utter_ask_rating"
# An emergency now, not a remark about one: the safety move again ("he's swelling up again").
EMERGENCY_NOW = re.compile(
    r"\b(?:now|again|still|right now|can'?t breathe|cannot breathe|not breathing|help|urgent|emergency|ambulance|"
    r"911|hospital|is|are|am|getting worse|worse)\b",
    re.I,
)

# What a person arranged, asked about: "will the credit definitely be on my next bill?".
ARRANGED = re.compile(r"\b(?:credit|refund|replacement|exchange|remake|money|bill|statement|label)\b", re.I)
# The team's email asked for: "can someone just email me about the trace", "email me instead".
EMAIL_ASKED = re.compile(r"\b(?:e-?mail|write to|message)\s+me\b(?!\s+(?:at|on)\b\s*\S+@)", re.I)
EMAIL = "email_followup"
# An order named ("where is order LK-10422?"), which a bill in hand is not.
ORDER = re.compile(r"\bLK[\s-]?\d{5}\b", re.I)
# A record named: a new order or bill is a case of its own ("where is order LK-10422?").
REFERENCE = re.compile(r"\b(?:LK|BL)[\s-]?\d{5}\b", re.I)


def person_done(tracker: Optional[DialogueStateTracker]) -> bool:
    """A person handed back or closed since the last handoff, and the customer is not queued again."""
    if tracker is None or tracker.get_slot("in_queue"):
        return False
    for event in reversed(list(tracker.events)):
        if isinstance(event, ActionExecuted) and event.action_name in PERSON_DONE:
            return True
        if isinstance(event, ActionExecuted) and event.action_name == HANDOFF:
            return False
    return False


def rating_open(tracker: DialogueStateTracker) -> bool:
    """The rating question was asked and no rating came since (a bare "2" after it is the rating)."""
    for event in reversed(list(tracker.events)):
        if isinstance(event, ActionExecuted) and event.action_name == ASK_RATING:
            return True
        if isinstance(event, UserUttered) and any(e.get("entity") == "rating" for e in event.entities or []):
            return False
    return False


def _safety_before(tracker: DialogueStateTracker) -> bool:
    """The customer told us of health or danger earlier (this message is not in the tracker yet)."""
    return signals.told_of_harm(e.parse_data for e in tracker.events if isinstance(e, UserUttered))


def just_asked(tracker: DialogueStateTracker) -> bool:
    """The rating question was the assistant's last, with nothing said since."""
    for event in reversed(list(tracker.events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ASK_RATING:
            return True
    return False


def asks(text: str) -> bool:
    """ "will the credit be on my next bill?": a question, not an ending ("what? no. I'm done, bye" is one)."""
    return text.rstrip().endswith("?")


def reading(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> Optional[Dict[str, Any]]:
    """The message read as an ending after a person, or None (no person done, a click, a request)."""
    text = (parsed.get("text") or "").strip()
    if not text or text.startswith("/") or tracker is None or parsed.get("language"):
        return None
    done = person_done(tracker)
    found = ratings.said_as_rating(text)
    if found is None and done and rating_open(tracker):
        bare = ratings.read(text)  # "2", "Two." still answering the question; "1 more question" is not
        found = bare if bare is not None and not bare.words else None
    leaving = says_goodbye(text)
    if parsed.get("safety"):
        # A safety case's after-remark, once a person has had it: heard, not a new emergency.
        if not (done and _safety_before(tracker)) or EMERGENCY_NOW.search(text) or asks(text):
            return None
        return _feedback(parsed, found, "safety_remark")
    if found is not None and (done or leaving):
        return _feedback(parsed, found, "rating_after_person")
    if not done or PERSON_ASKED.search(text):
        return None
    if ORDER.search(text) and str(tracker.get_slot("order_id") or "").upper().startswith("BL"):
        # "it's an order, not a bill. where is order LK-10422?" with the bill in hand (c07): the order's
        # case, never "Without the bill in front of me" again.
        return read_as(parsed, "check_order_status", "order_not_bill")
    if EMAIL_ASKED.search(text):
        # "a person just sent me back to you! can someone just email me about the trace": the team's
        # email follow-up (always open), never the queue again.
        return read_as(parsed, "choose_alternative", "email_after_person", [whole_message("alternative", EMAIL, text)])
    if asks(text) and tracker.get_slot("settled") and ARRANGED.search(text) and not REFERENCE.search(text):
        # "will the credit definitely be on my next bill?" after Sam's credit: what stands (action_status
        # says it from what was granted), never "I'd rather not guess" with a person offered.
        return read_as(parsed, "ask_status", "status_after_person")
    intent = (parsed.get("intent") or {}).get("name")
    if leaving and not asks(text) and not REFERENCE.search(text) and intent not in case_types():
        # "I'm fine. but my order LK-10423 hasn't come" is a new case, not a goodbye.
        return read_as(parsed, "goodbye", "goodbye_after_person", [])
    if just_asked(tracker) and not asks(text) and not REFERENCE.search(text) and intent not in ("thank", "goodbye"):
        return _feedback(parsed, None, "remark_after_rating")
    return None


def _feedback(parsed: Dict[str, Any], found: Optional[ratings.Rating], repaired: str) -> Dict[str, Any]:
    text = parsed.get("text") or ""
    entities = [whole_message("rating", str(found.value), text)] if found is not None else []
    read = read_as(parsed, "give_feedback", repaired, entities)
    read.pop("safety", None)
    if found is not None:
        read["rating_words"] = found.words
    return read
