"""A second problem in the same message: noted when the first case opens, offered when it is settled.

server/dialogue/two_problems.py sets the second problem apart in the parse (`second_problem`:
its intent, the customer's words, its references). action_empathize keeps it in the
slot pending_problem and says we'll come back to it; once the first case is
settled (action_apply_alternative), `come_back` quotes the customer's words and
offers to open it, as a button a typed "yes" also picks.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.digression import say_answers
from actions.offer_alternatives import first_text
from gracious.second_problem import latest_told

# The most words of the customer's own quoted back when the second problem comes up.
QUOTED_WORDS = 16


def noted(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The second problem of the latest message, if it had one."""
    problem = (tracker.latest_message or {}).get("second_problem")
    return problem if isinstance(problem, dict) and problem.get("intent") else None


def come_back(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
    """Offer the pending problem now that the first is settled; nothing when there is none."""
    problem = tracker.get_slot("pending_problem")
    if not isinstance(problem, dict) or not problem.get("intent"):
        # "the credit i guess. but honestly the barista was really dismissive ... i want the manager to know about that"
        # (blind panel p73b AH-01: the barista dropped): a problem told beside the choice (server/dialogue/typed_choices.py).
        problem = (tracker.latest_message or {}).get("second_problem")
    if not isinstance(problem, dict) or not problem.get("intent"):
        # "wait actually no, forget the refund, i'd rather have the navy one sent overnight" under the offer of the
        # other problem (blind panel p58 D1): the change made, the other problem is still to come, offered again.
        problem = told_earlier(tracker) if _offered_just_before(tracker) else None
    if not isinstance(problem, dict) or not problem.get("intent"):
        return []
    entities = problem.get("entities") or {}
    opening = f"/{problem['intent']}" + (json.dumps(entities) if entities else "")
    buttons = [
        {"title": first_text(domain, "utter_button_second_problem"), "payload": opening},
        {"title": first_text(domain, "utter_button_nothing_else"), "payload": "/goodbye"},
    ]
    words = str(problem.get("text") or "").strip().rstrip(".!")  # the quote's own full stop, never two
    # A part too long to quote back ("the whole first message", a panel of our own): said without the quote.
    quoted = words if len(words.split()) <= QUOTED_WORDS else ""
    dispatcher.utter_message(response="utter_second_problem_next", problem=quoted, buttons=buttons)
    return [SlotSet("pending_problem", None), FollowupAction("action_listen")]


def _offered_just_before(tracker: Tracker) -> bool:
    """Whether our last turn, before the customer's latest message, offered to look at the other problem (and that
    message did not take it up or turn it down)."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 1 and str(event.get("text") or "").startswith(("/goodbye", "/deny")):
                return False
            if users == 2:
                return False
        elif users == 1 and event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") == "utter_second_problem_next":
                return True
    return False


def told_earlier(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The second problem of the latest message that had one, in this chat."""
    return latest_told(e.get("parse_data") for e in reversed(tracker.events) if e.get("event") == "user")


def other_one(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
    """ "you said there were two things and youd come back to the other one. what was the other one" (blind panel p54
    A06): the other problem named in the customer's own words; offered to open, or, with the case at a person's
    already, said to be on it (the handoff's card carries the whole chat)."""
    problem = told_earlier(tracker) or {}
    words = str(problem.get("text") or "").strip().rstrip(".!")
    quoted = words if len(words.split()) <= QUOTED_WORDS else ""
    if tracker.get_slot("handoff_id"):
        dispatcher.utter_message(response="utter_other_one_on_case", problem=quoted)
        return []
    tracker.slots["pending_problem"] = problem
    return come_back(dispatcher, tracker, domain)


def kept_aside(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], **values: Any
) -> Dict[Text, Any]:
    """A time for the call with something else beside it (server/dialogue/form_rest.py): a question
    answered now, before the form goes on; a request kept (``pending_problem``), which `come_back`
    offers once the call is booked (actions/schedule_callback.py)."""
    latest = tracker.latest_message or {}
    if latest.get("repair") != "form_rest":
        return {}
    say_answers(dispatcher, domain, latest.get("answers") or [], tracker, **values)
    return {"pending_problem": noted(tracker)} if noted(tracker) else {}
