"""The last check before a grant: a typed message that says no or shouts is not a choice.

The classifier can read "NO. I NEEDED IT FOR SATURDAY" as choose_alternative with a refund
in it; a grant cannot be taken back at the desk. A choice typed as words, not a click, that
says no, shouts or refuses something, and doesn't clearly pick the option (gracious/saying_no.py),
is answered by asking which option they would like, with the offer's buttons again. So is
one that names an option without clearly picking it, however calm. One that asks for a person
("... Second time this has happened. I'd like to speak to someone about it.") is handed to a
person, never granted anything.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offer_alternatives import last_offer_buttons
from gracious.choices import options_from
from gracious.saying_no import asks_for_a_person, choice_words, clear_pick, doubtful

# What the records keep and nobody can take back from the desk: never granted on a guess.
GRANTS = {"credit", "honour_coupon", "replacement", "exchange", "remake", "refund", "bundle"}


def doubt(dispatcher: CollectingDispatcher, tracker: Tracker, choice: Text, kind: Text) -> Optional[List[EventType]]:
    """The events that ask which option, when the typed choice of ``choice`` is doubtful; else None."""
    latest: Dict[Text, Any] = tracker.latest_message or {}
    text = str(latest.get("text") or "")
    if kind not in GRANTS or not text or text.startswith("/") or "typed_choice" in latest or latest.get("repair"):
        # A click, or read against the buttons already (server/dialogue/typed_choices.py), a plain yes too: its
        # typed_choice is empty, and the one offer it takes is chosen in actions/apply_alternative.py.
        return None
    if asks_for_a_person(text) and not tracker.get_slot("in_queue"):
        return [SlotSet("alternative", None), FollowupAction("action_handoff")]
    buttons = last_offer_buttons(tracker)
    options = options_from(buttons)
    # Among the buttons on screen, only a clear pick is taken; else (an option of an earlier offer)
    # only one said without a no, capitals or a refusal.
    on_screen = any(o.key == choice for o in options)
    if (
        clear_pick(text, options, choice_words(), choice)
        if on_screen
        else not doubtful(text, options, choice_words(), choice)
    ):
        return None
    dispatcher.utter_message(response="utter_which_alternative", buttons=buttons)
    return [SlotSet("alternative", None), FollowupAction("action_listen")]
