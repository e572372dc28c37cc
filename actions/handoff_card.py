"""What the handoff's card says of the customer's own words (panel P3, cards that misled the agent):
a click as the button's title, never its payload ("/request_human"); a reference only where the
customer named one, never the end of their phone number ("07700 900123"); a second problem named
as one; the address an email follow-up goes to, as they gave it."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker

from gracious import repair
from gracious.contact_details import contacts
from gracious.references import find, reference_kind


def _titles(tracker: Tracker) -> Dict[str, str]:
    """Each button payload offered in the conversation and its title (the latest offer)."""
    titles: Dict[str, str] = {}
    for event in tracker.events:
        data = event.get("data") if event.get("event") == "bot" else None
        for button in (data or {}).get("buttons") or []:
            if isinstance(button, dict) and button.get("payload") and button.get("title"):
                titles[str(button["payload"])] = str(button["title"])
    return titles


def said(tracker: Tracker) -> List[Text]:
    """The customer's messages as they read them: a click as its button's title (a payload with no
    button offered for it is left out: nobody read it)."""
    titles = _titles(tracker)
    out = []
    for event in tracker.events:
        text = str(event.get("text") or "") if event.get("event") == "user" else ""
        if text.startswith("/"):
            text = titles.get(text.strip(), "")
        if text:
            out.append(text)
    return out


def typed(tracker: Tracker) -> List[Text]:
    """What the customer typed (no clicks)."""
    return [
        str(e["text"]) for e in tracker.events if e.get("event") == "user" and e.get("text") and e["text"][0] != "/"
    ]


# A message that only asks for a person, greets or answers yes or no tells the team nothing of the case.
ASKS_ONLY = frozenset({"request_human", "greet", "affirm", "deny", "thank", "goodbye"})


# Words enough, beside the ask for a person, to be the problem told ("the barista ... said he was a trained
# nutritionist. he clearly isnt. i want to talk to an actual human about this", blind panel p50 13).
TOLD_WORDS = 8


def told_with_the_ask(tracker: Tracker) -> bool:
    """The latest message tells what happened as well as asking for a person."""
    text = str((tracker.latest_message or {}).get("text") or "")
    if text.startswith("/"):
        return False
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    told = [s for s in sentences if not repair.asks_for_a_person(s)]
    return len(sentences) > 1 and sum(len(s.split()) for s in told) >= TOLD_WORDS


def told_something(tracker: Tracker) -> bool:
    """Whether the customer told us anything for the team ("human" alone is not; a case or words of one are)."""
    if tracker.get_slot("case_type") or tracker.get_slot("case_details") or told_with_the_ask(tracker):
        return True
    # A health or danger message is read as a request for a person, and it tells what happened ("my throat is getting
    # tight" after a muffin): never "you can tell them what it's about then".
    return any(
        ((e.get("parse_data") or {}).get("intent") or {}).get("name") not in ASKS_ONLY
        or bool((e.get("parse_data") or {}).get("safety"))
        for e in tracker.events
        if e.get("event") == "user" and e.get("text") and not str(e["text"]).startswith("/")
    )


def what_happened(tracker: Tracker) -> Optional[Text]:
    """The case's details, else the customer's last typed words, else the last button they clicked."""
    words = typed(tracker)
    clicks = said(tracker)
    return tracker.get_slot("case_details") or (words[-1] if words else (clicks[-1] if clicks else None))


def _in_a_phone(reference: Text, text: Text) -> bool:
    digits = re.sub(r"\D", "", reference)
    return any(digits in re.sub(r"\D", "", phone) for phone in contacts(text)[1])


def reference(tracker: Tracker, facts: Dict[str, Any]) -> Optional[Text]:
    """The case's reference, unless the only place the customer wrote it is inside a phone number."""
    value = facts.get("reference") or tracker.get_slot("order_id")
    if not value or not str(value).isdigit():
        return value
    where = [t for t in typed(tracker) if str(value) in t]
    return None if where and all(_in_a_phone(str(value), t) for t in where) else value


def second_problem(tracker: Tracker, first: Optional[Text]) -> Optional[Dict[str, Any]]:
    """A second problem the customer raised: the one kept for later (``pending_problem``), else another
    order or bill they named beside the case's ("my order LK-10422 hasn't turned up and my bill BL-30018")."""
    pending = tracker.get_slot("pending_problem")
    if isinstance(pending, dict) and pending.get("text"):
        return {"words": pending["text"], "reference": None}
    for text in typed(tracker):
        for found in find(text):
            named = found.value
            if found.entity == "order_id" and "-" in named and named.upper() != str(first or "").upper():
                return {"words": text, "reference": named, "kind": reference_kind(named)}
    return None


def with_second_problem(happened: Optional[Text], second: Optional[Dict[str, Any]]) -> Optional[Text]:
    """What happened, with the second problem named on the card ("Second problem: order LK-10422")."""
    if not second:
        return happened
    named = f"{second.get('kind')} {second['reference']}" if second.get("reference") else f"“{second['words']}”"
    return f"{happened or ''} Second problem: {named}.".strip()


def followup_address(booked: Dict[str, Any], tracker: Tracker) -> Dict[str, Any]:
    """The email follow-up's address as the customer gave it, when the booking could not see it any more
    (it reads the latest message: "email me instead? sam.t@example.com" was two messages ago)."""
    followup = booked.get("email_followup")
    if isinstance(followup, dict) and not followup.get("to"):
        given = [e for t in typed(tracker) for e in contacts(t)[0]]
        if given:
            return {**booked, "email_followup": {**followup, "to": given[-1]}}
    return booked
