"""Rather not be called: an email from the team instead, or a choice of email or a person.

callback_form's validators read the customer's words for it (gracious/repair.py,
catalog/repair.yml) and set callback_escape; action_schedule_callback then calls
`instead_of_a_call` rather than booking.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import catalog
from actions.hours import back_at, is_open, next_opening
from actions.offer_alternatives import first_text
from gracious import repair, saying_no
from gracious.settings import settings

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def known_email(tracker: Tracker) -> Optional[Text]:
    """An email address the customer gave, or the one on their account."""
    said = (tracker.latest_message or {}).get("text")  # "no call, just email me at maya@example.com"
    # "...my email is maya.okafor@example.com" a turn or two before "email is fine" (blind panel p36 17).
    earlier = [e.get("text") for e in reversed(tracker.events) if e.get("event") == "user"]
    # The latest message first, and the last address in a message: "sam.k88@gmial.com wait typo, sam.k88@gmail.com", or
    # "no its gmail not gmial. sam.k88@gmail.com" once the typo was kept (blind panel p66 T-11: the typo used, twice).
    for value in (said, tracker.get_slot("followup_email"), tracker.get_slot("email"), *earlier):
        found = EMAIL.findall(value or "")
        if found:
            return found[-1]
    return (tracker.get_slot("case_facts") or {}).get("customer_email")


def validate_email(value: Any, dispatcher: CollectingDispatcher, attempts: int = 0) -> Dict[Text, Any]:
    """The address in what was typed; "no email" or a second miss ends the questions."""
    text = str(value or "")
    if repair.says("no_email", text):
        return {"followup_email": None, "callback_escape": "neither"}
    found = EMAIL.findall(text)
    if found:
        return {"followup_email": found[-1], "callback_attempts": None}  # "x@gmial.com wait typo, x@gmail.com"
    if attempts + 1 >= 2:
        return {"followup_email": None, "callback_escape": "neither", "callback_attempts": None}
    dispatcher.utter_message(response="utter_email_unclear")
    return {"followup_email": None, "callback_attempts": float(attempts + 1)}


def escape_in(text: Text) -> Optional[Text]:
    """How the customer would rather be helped than by a call, if they said so."""
    if repair.wants_email_instead(text):
        return "email"
    if saying_no.refuses_call(text):
        return "none"
    return None


WAYS_ON = ("email_followup", "human")


def nobody_in(tracker: Tracker) -> Optional[Dict[Text, Text]]:
    """With nobody from the team on duty (action_handoff found none), the words for when they are:
    a person here in the chat is never offered then; else None."""
    if tracker.get_slot("agent_available") is not False or tracker.get_slot("in_queue"):
        return None
    config = settings()
    now = datetime.now(ZoneInfo(config.timezone))
    if is_open(now, config.care_hours):
        return {"when": "busy"}
    back = next_opening(now, config.care_hours)
    return {"when": "later", "back_at": back_at(back, now, config.timezone)}


async def instead_of_a_call(
    escape: Text, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[EventType]:
    """No call: an email follow-up when asked for, else a choice of email or a person.

    Nothing about a record the customer is not verified for is emailed to an address
    they typed (actions/verification.py): a person is offered instead.
    """
    facts = tracker.get_slot("case_facts") or {}
    unverified = bool(facts.get("verification_needed"))
    if escape == "email" and unverified:
        escape = "unverified"
    # (Both import this module, for known_email and EMAIL.)
    from actions import promised
    from actions.status import settle, settled

    # What they typed, or a signed-in customer's address on file (never asked for again).
    email = await promised.address_for("email_followup", tracker) if escape == "email" else None
    if escape == "email" and not email:
        escape = "neither"  # nowhere to write to: no email is promised
    if escape == "email" and email:
        # The team's note and the commitment are written before the reply says an email is coming.
        await promised.grant(
            tracker,
            "email_followup",
            "followup",
            facts.get("reference") or None,
            None,
            f"email instead of a call: {email}"[:200],
        )
        dispatcher.utter_message(response="utter_callback_email_instead", email=email)
        granted = list(tracker.get_slot("granted_alternatives") or [])
        entries = settle(settled(tracker), "email_followup", "followup", facts.get("reference") or None, None, "done")
        return [
            SlotSet("settled", entries),
            SlotSet("accepted_alternative", "email_followup"),
            SlotSet("granted_alternatives", granted + ["email_followup"]),
            SlotSet("alternative", None),
        ] + ([SlotSet("in_queue", None)] if tracker.get_slot("in_queue") else [])  # out of the queue (promised.grant)
    queued = bool(tracker.get_slot("in_queue"))
    nobody = nobody_in(tracker)
    if nobody is not None and escape in ("none", "neither"):
        return _nobody_on_duty(escape, nobody, unverified, dispatcher, tracker, domain)
    # A waiting customer is in line for a person already: never offered one again.
    ways = [w for w in WAYS_ON if not (unverified and w == "email_followup") and not (queued and w == "human")]
    buttons = [
        {
            "title": first_text(domain, catalog().alternatives[way].offer),
            "payload": '/choose_alternative{"alternative": "%s"}' % way,
        }
        for way in ways
    ]
    if escape in ("neither", "unverified"):
        # No call and no email (or none allowed): a person, here in the chat.
        person = {
            "title": first_text(domain, catalog().alternatives["human"].offer),
            "payload": '/choose_alternative{"alternative": "human"}',
        }
        response = "utter_unverified_no_email" if escape == "unverified" else "utter_no_call_no_email"
        if queued:
            # Still in line for a person: they keep their place, and no button for what they have.
            response = "utter_unverified_no_email" if escape == "unverified" else "utter_no_call_no_email_queued"
        dispatcher.utter_message(response=response, buttons=[] if queued else [person])
        offered = list(tracker.get_slot("offered_alternatives") or [])
        return [
            SlotSet("offered_alternatives", offered + ([] if "human" in offered or queued else ["human"])),
            SlotSet("accepted_alternative", None),
            SlotSet("alternative", None),
            FollowupAction("action_listen"),
        ]
    response = {
        "stuck": "utter_callback_time_stuck",
        "stuck_phone": "utter_callback_phone_stuck",
        "no_phone": "utter_callback_no_number",
    }.get(escape, "utter_callback_no_call")
    if queued:
        response += "_queued"  # the place in the queue kept, the email offered; no person button
    dispatcher.utter_message(response=response, buttons=buttons)
    offered = list(tracker.get_slot("offered_alternatives") or [])
    return [
        SlotSet("offered_alternatives", offered + [w for w in ways if w not in offered]),
        SlotSet("accepted_alternative", None),
        SlotSet("alternative", None),
        FollowupAction("action_listen"),
    ]


def _nobody_on_duty(
    escape: Text,
    nobody: Dict[Text, Text],
    unverified: bool,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: Dict[Text, Any],
) -> List[EventType]:
    """ "hmm no, I don't really want a phone call. I'll try again later when someone's around", with
    nobody on duty: the form left kindly, when people are in said, and the email (or the call after
    all) offered; never a person here, who would only lead back to the call form."""
    ways = [
        w for w in ("email_followup", "callback") if not (w == "email_followup" and (unverified or escape == "neither"))
    ]
    buttons = [
        {
            "title": first_text(domain, catalog().alternatives[way].offer),
            "payload": '/choose_alternative{"alternative": "%s"}' % way,
        }
        for way in ways
    ]
    kind = "no_call" if escape == "none" and "email_followup" in ways else "no_call_no_email"
    dispatcher.utter_message(response=f"utter_{kind}_nobody_{nobody['when']}", buttons=buttons, **nobody)
    offered = list(tracker.get_slot("offered_alternatives") or [])
    return [
        SlotSet("offered_alternatives", offered + [w for w in ways if w not in offered]),
        SlotSet("accepted_alternative", None),
        SlotSet("alternative", None),
        FollowupAction("action_listen"),
    ]


class ActionAskFollowupEmail(Action):
    """callback_form's question for the address: "no call then" heard when they said no call."""

    def name(self) -> Text:
        return "action_ask_followup_email"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        # "no call then" only when a call was in question: not to a waiting customer's "just email me".
        refused = (
            not text.startswith("/")
            and escape_in(text) is not None
            and not tracker.get_slot("in_queue")
            and (repair.refuses_call(text) or repair.says("call_words", text))  # "can someone email me": no call said
        )
        if _handed_over_this_turn(tracker):
            # The handoff just said the team will write (actions/handoff.py `_in_writing`): the question alone.
            dispatcher.utter_message(response="utter_ask_followup_email_for_reply")
            return []
        dispatcher.utter_message(response="utter_ask_followup_email_no_call" if refused else "utter_ask_followup_email")
        return []


def _handed_over_this_turn(tracker: Tracker) -> bool:
    """Whether action_handoff ran since the customer's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_handoff":
            return True
    return False
