"""Helpers for action tests: trackers from JSON fixtures, running actions, frozen clocks."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

FIXTURES = Path(__file__).parent / "fixtures"
NEW_YORK = ZoneInfo("America/New_York")
DEMO_CUSTOMERS = ("C001", "C002", "C003")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 9 June 2025, New York time (the default timezone)."""
    return datetime(2025, 6, day, hour, minute, tzinfo=NEW_YORK)


# The clock most action tests freeze: Wednesday 11 June 2025, 10:00 in New York.
WEDNESDAY_10AM = at(11, 10)


@lru_cache(maxsize=None)
def _fixture(name: Text) -> Dict[Text, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def tracker_state(
    name: Text,
    *,
    slots: Optional[Dict[Text, Any]] = None,
    intent: Optional[Text] = None,
    text: Optional[Text] = None,
    entities: Optional[List[Dict[Text, Any]]] = None,
    events: Optional[List[Dict[Text, Any]]] = None,
    sender_id: Optional[Text] = None,
) -> Dict[Text, Any]:
    """A tracker dump from ``fixtures/<name>.json`` with some values changed.

    Slots a fixture leaves out are None, as in a fresh conversation. A new intent,
    text or entities change the latest message and the last user event alike, so
    actions reading either see the same message.
    """
    state = copy.deepcopy(_fixture(name))
    empty = _fixture("empty_tracker")
    state["slots"] = {**copy.deepcopy(empty["slots"]), **state.get("slots", {}), **(slots or {})}
    # The customer is verified for the demo accounts, as if signed in on the website
    # (tests/actions/test_verification.py plays strangers with verified_customers=None).
    state["slots"].setdefault("verified_customers", list(DEMO_CUSTOMERS))
    for key in ("latest_message", "events", "active_loop", "latest_action_name"):
        state.setdefault(key, copy.deepcopy(empty[key]))
    if events is not None:
        state["events"] = copy.deepcopy(events)
    if sender_id is not None:
        state["sender_id"] = sender_id
    message = state["latest_message"]
    if intent is not None:
        message["intent"] = {"name": intent, "confidence": 0.98}
    if text is not None:
        message["text"] = text
    if entities is not None:
        message["entities"] = entities
    if intent is not None or text is not None or entities is not None:
        user_events = [e for e in state["events"] if e.get("event") == "user"]
        if user_events:
            user_events[-1]["text"] = message.get("text")
            user_events[-1]["parse_data"] = copy.deepcopy(message)
    return state


def tracker_from(name: Text, **changes: Any) -> Tracker:
    """``rasa_sdk.Tracker`` built from a fixture, as the action server would build it."""
    return Tracker.from_dict(tracker_state(name, **changes))


def run_action(
    action: Action, tracker: Tracker, domain: Dict[Text, Any]
) -> Tuple[CollectingDispatcher, List[Dict[Text, Any]]]:
    """Run an action's ``run`` and return the dispatcher and the events it returned."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher, events


def message(**kwargs: Any) -> Dict[Text, Any]:
    """The message a ``CollectingDispatcher`` records for ``utter_message(**kwargs)``."""
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(**kwargs)
    return dispatcher.messages[0]


def responses(dispatcher: CollectingDispatcher) -> List[Optional[Text]]:
    return [m["response"] for m in dispatcher.messages]


def texts(dispatcher: CollectingDispatcher) -> List[Optional[Text]]:
    return [m["text"] for m in dispatcher.messages]


def variations(domain: Dict[Text, Any], key: Text) -> List[Text]:
    """The texts of a domain response, in the domain's order."""
    return [v["text"] for v in domain["responses"][key]]


def freeze_time(monkeypatch: pytest.MonkeyPatch, module: ModuleType, moment: datetime) -> None:
    """Make ``module``'s ``datetime.now(tz)`` return ``moment`` (seen in ``tz``)."""

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(module, "datetime", FrozenDatetime)


def required(tracker: Tracker, domain: Dict[Text, Any]) -> List[Text]:
    """What case_form still asks for (its slots as in domain.yml) in ``tracker``'s conversation."""
    from actions.case_form import ValidateCaseForm

    slots = ["order_id", "coupon_code"]
    return asyncio.run(ValidateCaseForm().required_slots(slots, CollectingDispatcher(), tracker, domain))
