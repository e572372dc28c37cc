"""action_redirect_out_of_scope: say kindly where a request we don't handle is done.

The families and their words are data (catalog/out_of_scope.yml); each names the
domain response that redirects. A request in no family gets the general answer.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_cancel import _when, booked_calls
from actions.offer_alternatives import first_text
from gracious.settings import ROOT, settings
from gracious.wordlists import word_pattern

FAMILIES_FILE = ROOT / "catalog" / "out_of_scope.yml"
GENERAL = "utter_out_of_scope"


@lru_cache(maxsize=1)
def families() -> List[Tuple[str, str, Any]]:
    """(name, response, pattern) for each family, in the file's order."""
    data = yaml.safe_load(FAMILIES_FILE.read_text(encoding="utf-8")) or {}
    return [(f["name"], f["response"], word_pattern(f.get("words") or [])) for f in data.get("families", [])]


def redirect_for(text: Optional[Text]) -> Text:
    """The response for this out-of-scope message: its family's, or the general one."""
    for _name, response, pattern in families():
        if pattern.search(text or ""):
            return response
    return GENERAL


class ActionRedirectOutOfScope(Action):
    """Answers a request we don't handle with where it is done and what we can do."""

    def name(self) -> Text:
        return "action_redirect_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        language = tracker.latest_message.get("language")
        if language and tracker.get_slot("handoff_id") and (tracker.active_loop or {}).get("name") == "callback_form":
            # The team has the case already (a call being arranged): said in their language too.
            dispatcher.utter_message(response="utter_english_only_team_has_it")
            if f"utter_english_only_team_has_it_{language}" in domain.get("responses", {}):
                dispatcher.utter_message(response=f"utter_english_only_team_has_it_{language}")
            return []
        booked = await booked_calls(tracker) if language and tracker.get_slot("handoff_id") else []
        if booked and not tracker.active_loop.get("name"):
            # A call already booked for them ("¿Y la persona habla español o no?", blind panel p36 19):
            # that call, said in their language too, never a second person and a second call.
            when = _when(booked[0], datetime.now(ZoneInfo(settings().timezone)))
            dispatcher.utter_message(response="utter_english_only_call_booked", callback_when=when)
            if f"utter_english_only_call_booked_{language}" in domain.get("responses", {}):
                dispatcher.utter_message(response=f"utter_english_only_call_booked_{language}", callback_when=when)
            return []
        if language and tracker.latest_message.get("person_asked"):
            # "¿alguien habla español?": told in both languages, and a person brought in now.
            dispatcher.utter_message(response="utter_english_only_person")
            if f"utter_english_only_person_{language}" in domain.get("responses", {}):
                dispatcher.utter_message(response=f"utter_english_only_person_{language}")
            return [FollowupAction("action_handoff")]
        if language:
            # Another language (server/nlu/language.py): we say so in English and, when we
            # have the words, in theirs, and offer a person.
            person = {"title": first_text(domain, "utter_offer_human"), "payload": "/request_human"}
            dispatcher.utter_message(response="utter_english_only", buttons=[person])
            if f"utter_english_only_{language}" in domain.get("responses", {}):
                dispatcher.utter_message(response=f"utter_english_only_{language}")
            return []
        dispatcher.utter_message(response=redirect_for(tracker.latest_message.get("text")))
        return []
