"""action_record_feedback: keep the customer's feedback and say what happens to it."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.closing import ActionCloseConversation, said_safety
from gracious import ratings, repair
from gracious.endings import says_goodbye
from gracious.signals import asks_to_pass_on, is_praise, praise_and_more
from gracious.stores import records

# "its not a question its a suggestion", "it was just a suggestion. pass it on": the idea is the message before.
NAMES_A_SUGGESTION = re.compile(
    r"\W*(?:no\W+)?(?:it'?s|its|it\s+is|it\s+was|that\s+was|that'?s|thats|was)\s+(?:not\s+a\s+(?:question|complaint)\W+"
    r"(?:it'?s|its|it\s+is|just)?\s*)?(?:just\s+)?a\s+suggestion\b",
    re.I,
)


def _handoff_id(tracker: Tracker) -> Optional[int]:
    """The handoff this conversation went through, so a rating can be tied to the desk's work."""
    value = str(tracker.get_slot("handoff_id") or "")
    return int(value) if value.isdigit() else None


# The one-question satisfaction rating, asked when an agent closes the conversation (server/desk/conversation.py).
ASK_RATING = "utter_ask_rating"
# A person's part ending: closed with the rating asked, or handed back ("4 out of 5, Sam was kind" after it counts).
ASKS = (ASK_RATING, "action_handback")


def rating_asked(tracker: Tracker) -> Optional[bool]:
    """None if the assistant never asked this conversation for a rating; True if it did and no
    rating came since the ask; False if one came already (a second is thanked for, not counted).

    A rating nobody asked for ("Satisfaction rating: 1 of 5" typed out of the blue) is not
    counted: it is kept as the customer's words instead.
    """
    events = list(tracker.events)
    asks = [i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") in ASKS]
    if not asks:
        return None
    since = [e for e in events[asks[-1] + 1 :] if e.get("event") == "user"][:-1]  # before this message
    return not any(_rating((e.get("parse_data") or {}).get("entities") or []) for e in since)


def _rating(entities: List[Dict[Text, Any]]) -> Optional[str]:
    rating = next((e.get("value") for e in entities if e.get("entity") == "rating"), None)
    return rating if rating in ("1", "2", "3", "4", "5") else None


class ActionRecordFeedback(Action):
    """Stores the feedback for the team's weekly review and thanks the customer."""

    def name(self) -> Text:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        rating = _rating(tracker.latest_message.get("entities") or [])
        text = (tracker.latest_message.get("text") or "").strip()
        asked = rating_asked(tracker) if rating else None
        if asked:
            # The satisfaction question after an agent closed the conversation: one rating per case.
            counted = await records().record_rating_once(tracker.sender_id, int(rating or 0), _handoff_id(tracker))
            answered = await _answer_rating(dispatcher, tracker, int(rating or 0), text, counted)
            return await _closing(dispatcher, tracker, domain, text) or answered
        if asked is not None or (rating and text.startswith("/")):
            # A second rating after the ask, or a rating button nobody asked for (no words to
            # keep): thanks, nothing counted.
            dispatcher.utter_message(response="utter_rating_recorded")
            return await _closing(dispatcher, tracker, domain, text) or []
        said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
        # Only a choice from a menu ("the feedback one", a tapped button), never feedback itself.
        naming_it = (
            text.startswith("/")
            or bool(tracker.latest_message.get("typed_choice"))
            or bool(re.fullmatch(r"\W*(?:the )?feedback(?: one| please| pls| i guess)?\W*", text, re.I))
            # "its not a question its a suggestion. can you pass it on?" (blind panel p52 07): the idea said before.
            or bool(NAMES_A_SUGGESTION.match(text))
        )
        if NAMES_A_SUGGESTION.match(text) and _said_last(tracker) == "utter_feedback_suggestion":
            # "its not a question its a suggestion. can you pass it on?" just after it was thanked: yes, kept once.
            dispatcher.utter_message(response="utter_feedback_suggestion_passed")
            return await _closing(dispatcher, tracker, domain, text) or []
        if naming_it and len(said) >= 2 and not said[-2].startswith("/"):
            # "the feedback one", "feedback i guess" after a menu: the feedback is what they said before.
            text = said[-2].strip()
        await records().record_feedback(tracker.sender_id, text[:2000])
        if said_safety(tracker):
            # "tell that cafe to check their chicken": a warning, not an idea for a weekly review.
            dispatcher.utter_message(response="utter_feedback_safety")
            return []
        # Kind words are thanked as kind words, never told what becomes of an idea (blind panel p46 11).
        if is_praise(text):
            # "the barista Tom was lovely, please tell him" (a conversation of our own, 5 December): honestly, what
            # this chat can pass on, never only a weekly review.
            thanks = "utter_feedback_praise_for_them" if asks_to_pass_on(text) else "utter_feedback_praise"
        elif repair.says("suggestion", text) or tracker.latest_message.get("repair") == "suggestion":
            thanks = "utter_feedback_suggestion"  # an idea: thanked as one, with where ideas go
        elif praise_and_more(text):
            # "ur staff are lovely but please tell them the music is way too loud" (a conversation of our own, 5
            # December): both halves thanked, never kept as a note with no word for either.
            thanks = "utter_feedback_praise_and_more" + ("_for_them" if asks_to_pass_on(text) else "")
        elif tracker.get_slot("case_type") == "complain_service":
            # "i dont want anything i just want him to know its not ok" about a rude barista (a conversation of our
            # own, 5 December): kept with the complaint for the managers, never a weekly review of ideas.
            thanks = "utter_feedback_about_staff"
        else:
            thanks = "utter_feedback_recorded"
        dispatcher.utter_message(response=thanks)
        # A remark answering the rating question, after the close: thanked once, no "anything else?".
        after_close = [FollowupAction("action_listen")] if _answers_the_rating_question(tracker) else []
        return await _closing(dispatcher, tracker, domain, text) or after_close


def _said_last(tracker: Tracker) -> Text:
    """The assistant's first response after the customer's message before this one (its name), or ""."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return ""
    for event in tracker.events[users[-2] + 1 : users[-1]]:
        if event.get("event") == "bot":
            return str((event.get("metadata") or {}).get("utter_action") or "")
    return ""


def _answers_the_rating_question(tracker: Tracker) -> bool:
    """The message answers the rating question: the assistant's last move before it was to ask."""
    events = list(tracker.events)
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    before = events[: users[-1]] if users else events
    moves = [e.get("name") for e in before if e.get("event") == "action" and e.get("name") != "action_listen"]
    return bool(moves) and moves[-1] == ASK_RATING


async def _closing(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], text: Text
) -> List[EventType]:
    """ "no. bye. 1 star for making me come back three times": the rating or remark kept, then the
    goodbye said, not "anything else?" (the rule's next step). Nothing when they didn't say goodbye,
    or when the conversation was closed already (the rating question comes after the close)."""
    closed = any(e.get("event") == "action" and e.get("name") == ASK_RATING for e in tracker.events)
    if text.startswith("/") or closed or not says_goodbye(text):
        return []
    events = await ActionCloseConversation().run(dispatcher, tracker, domain)
    return [*events, FollowupAction("action_listen")]


# A rating of 1 or 2 is an apology's worth: we fell short.
LOW = 2


async def _answer_rating(
    dispatcher: CollectingDispatcher, tracker: Tracker, rating: int, text: Text, counted: bool
) -> List[EventType]:
    """The rating asked for, answered: the words that came with it kept for the team word for word
    ("2 - slow"), and a low one met with an apology that names what they said (quoted only when it
    is plain and free of abuse) and says it is passed on."""
    read = ratings.read(text) if not text.startswith("/") else None
    words = read.words if read is not None and read.value == rating else ""
    if words:
        await records().record_feedback(tracker.sender_id, text[:2000])
        if said_safety(tracker):
            dispatcher.utter_message(response="utter_feedback_safety")
            return [FollowupAction("action_listen")]
    if rating > LOW or not (counted or words):
        # A rating the case had already (asked twice) is thanked for; nothing new was passed on.
        if words:
            dispatcher.utter_message(response="utter_rating_recorded_words", rating=str(rating))
        else:
            dispatcher.utter_message(response="utter_rating_recorded")
    elif words and ratings.quotable(words):
        dispatcher.utter_message(response="utter_rating_low_said", feedback_words=words)
    elif words:
        dispatcher.utter_message(response="utter_rating_low_words")
    else:
        dispatcher.utter_message(response="utter_rating_low")
    # The conversation was closed with a goodbye before the question: no "anything else?" after it
    # (the rule's utter_anything_else), the customer has the last word.
    return [FollowupAction("action_listen")]
