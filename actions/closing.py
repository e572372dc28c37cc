"""action_close_conversation: thank the customer, log the concern, queue a thank-you note.

The note is an email (catalog/emails.yml's ``thank_you``) due
GRACIOUS_THANK_YOU_DELAY_SECONDS after the close, once per case, and only to the
verified address on the account: a guest gets none, and no reply says one is coming.
Its ``{summary}`` is what this conversation settled, in the words the chat uses for
"where do things stand?" (``utter_status_<alternative>``), or else the template's
``summaries`` for a person or a call arranged, or for a concern heard.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import after_events, money
from actions.close_call import CALL_SAID_INSTEAD, say_booked_call
from actions.handback import follow_up_booked, handed_back
from actions.promised import verified_customer
from actions.status import settled
from gracious import codes, repair
from gracious.choices import ARRANGEMENTS
from gracious.outbox import mail
from gracious.settings import settings
from gracious.signals import leaves_unhappy, said_in_praise
from gracious.stores import handoff_queue, records

PLACEHOLDER = re.compile(r"{(\w+)}")


def case_outcome(tracker: Tracker) -> Text:
    """How the case ended, in the words the manager's report groups by."""
    if tracker.get_slot("accepted_alternative"):
        return str(tracker.get_slot("accepted_alternative"))
    if tracker.get_slot("handoff_id"):
        return codes.HANDED_OFF
    if tracker.get_slot("declined_alternatives"):
        return codes.DECLINED_ALL
    if tracker.get_slot("explained_policies"):
        return codes.EXPLAINED
    return codes.LISTENED


# Leaving, and saying it still rankles: "tbh i'm still annoyed", "how does that even happen".
STILL_UPSET = re.compile(
    r"\bstill\s+(?:really\s+|so\s+|pretty\s+|a\s+bit\s+)?(?:annoyed|upset|angry|mad|cross|frustrated|irritated|fuming|livid)\b"
    r"|\bhow\s+(?:does|did|could|can)\s+(?:that|this|it)\s+(?:even\s+)?happen\b",
    re.I,
)


# "nah forget it", "never mind": dropping the last question, not the whole chat.
CURT = re.compile(r"\b(?:forget\s+(?:it|that|about\s+it)|never\s*mind|nevermind)\b", re.I)


def closing_words(tracker: Tracker) -> Text:
    """Thanks for the chance to put it right only when something was put right or arranged,
    and the customer isn't leaving unhappy ("whatever. bye")."""
    if said_safety(tracker):
        return "utter_close_safety"  # never "have a lovely day" to someone on the way to care
    person = person_helped(tracker)
    text = (tracker.latest_message or {}).get("text") or ""
    accepted = tracker.get_slot("accepted_alternative") not in (None, *ARRANGEMENTS)
    if leaves_unhappy(text) and not person:
        fixed = accepted or any(g not in ARRANGEMENTS for g in tracker.get_slot("granted_alternatives") or [])
        # After a person helped, "whatever, that's all, thanks" is thanked for their time, never
        # "sorry this wasn't the answer you hoped for" (issue #17 panel, c01: Sam had just credited her). Nor after a
        # credit given here, to "nah forget it. thanks thats all" about a question after it (blind panel p64 P-01):
        # what was done stands, said plainly, unless they say it still rankles.
        # "thanks for nothing" after an exchange is still let down (blind panel p63 M03).
        curt_only = not leaves_unhappy(CURT.sub(" ", text)) and not STILL_UPSET.search(text)
        return "utter_close_what_stands" if fixed and curt_only else "utter_close_unresolved"
    if not accepted and not person and not follow_up_booked(tracker) and praise_after_a_no(tracker, text):
        # "wow, what a great help you've been. bye" after "None of these" (blind panel p65 R: "Thanks for talking it
        # through with me"): praise for nothing taken is not meant, and not thanked for.
        return "utter_close_unresolved"
    if accepted:
        # After a person, thanks for their time, not "for bearing with me".
        return "utter_close_after_person_arranged" if person else "utter_thank_for_chance"
    if follow_up_booked(tracker):
        return "utter_close_arranged"  # a call or the team's email arranged, nothing fixed yet
    if person:
        return "utter_close_after_person"  # not "thanks for talking it through with me"; nothing more is coming
    if (tracker.get_slot("frustration") or 0) >= 1 and not warm_thanks(tracker, text):
        # Still unhappy, nothing changed: no thanks for a fix. "nah thats fine, thats all thanks" after "great thank
        # you!!" is not unhappy (blind panel p66 S-01: "I'm sorry this wasn't the answer you hoped for").
        return "utter_close_unresolved"
    return "utter_close_explained"


WARM_THANKS = re.compile(r"\b(?:thanks|thank\s+(?:you|u)|thx|ty|cheers|ta)\b", re.I)


def warm_thanks(tracker: Tracker, text: Text) -> bool:
    """Thanks, meant and glad: a word of praise in this message or the one before ("great thank you!!", then "nah
    thats fine, thats all thanks"), no word of leaving let down, no sarcasm read in it."""
    latest = tracker.latest_message or {}
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    glad = any(said_in_praise(t) and not leaves_unhappy(t) for t in [text, *said[-2:-1]])
    return bool(WARM_THANKS.search(text)) and glad and not leaves_unhappy(text) and not latest.get("sarcasm")


def praise_after_a_no(tracker: Tracker, text: Text) -> bool:
    """Praise in a goodbye from a customer who turned down everything on offer in this chat."""
    declined = any(
        e.get("event") == "user" and ((e.get("parse_data") or {}).get("intent") or {}).get("name") == "deny"
        for e in tracker.events
    )
    return declined and said_in_praise(text)


# Closing words after which a thank-you note is sent: something done, arranged or explained.
NOTE_AFTER = {
    "utter_thank_for_chance",
    "utter_close_arranged",
    "utter_close_explained",
    "utter_close_after_person",
    "utter_close_after_person_arranged",
}


def agent_words(tracker: Tracker) -> List[Dict[Text, Any]]:
    """What agents wrote in this conversation at the desk (server/desk/conversation.py marks it)."""
    return [e for e in tracker.events if e.get("event") == "bot" and (e.get("metadata") or {}).get("agent")]


def person_helped(tracker: Tracker) -> bool:
    """A person from the team handled the case: they wrote to the customer, or handed the case back."""
    return handed_back(tracker) or bool(agent_words(tracker))


def helper_named(response: Text, tracker: Tracker) -> Dict[Text, Any]:
    """``agent_name`` for the close after a person: the first name of the last agent who wrote to the
    customer ("Sam"); none when no agent wrote (the close thanks "our team")."""
    written = agent_words(tracker)
    words = str(written[-1]["metadata"]["agent"]).split() if written else []
    return {"agent_name": words[0]} if words and response == "utter_close_after_person" else {}


def walked_away(tracker: Tracker) -> bool:
    """Whether the customer dropped it ("forget it", "whatever") after the last thing done."""
    last_done, last_left = -1, -1
    for i, event in enumerate(tracker.events):
        if event.get("event") == "slot" and event.get("value") and event.get("name") in DONE_SLOTS:
            last_done = i
        elif event.get("event") == "user":
            text = str(event.get("text") or "")
            if not text.startswith("/") and (leaves_unhappy(text) or repair.cancels(text)):
                last_left = i
    return last_left > last_done


# Slots set when something was granted, arranged or explained.
DONE_SLOTS = {"settled", "accepted_alternative", "callback_id", "handoff_id", "explained_policies"}


def deserves_note(tracker: Tracker) -> bool:
    """A thank-you note only when the case ended with something done or explained, and
    the customer was not left unhappy or confused."""
    if case_outcome(tracker) == codes.LISTENED:
        return False
    return closing_words(tracker) in NOTE_AFTER and not walked_away(tracker)


def _status_sentence(domain: Dict[Text, Any], entry: Dict[Text, Any]) -> Optional[Text]:
    """What stands, as ``utter_status_<alternative>`` says it: its first variation that fills whole."""
    values = {"reference": entry.get("reference") or "", "amount": money(entry.get("amount"))}
    for variation in (domain.get("responses") or {}).get(f"utter_status_{entry.get('alternative')}") or []:
        text = str(variation.get("text") or "")
        if text and all(values.get(name) for name in PLACEHOLDER.findall(text)):
            return PLACEHOLDER.sub(lambda found: str(values[found.group(1)]), text)
    return None


def thank_you_summary(tracker: Tracker, domain: Dict[Text, Any]) -> Text:
    """What the note says was done: what stands from this conversation, else what was arranged."""
    entries = settled(tracker)
    accepted = tracker.get_slot("accepted_alternative")
    if not entries and accepted:
        reference = (tracker.get_slot("case_facts") or {}).get("reference")
        entries = [{"alternative": accepted, "reference": reference, "state": "done"}]
    lines = [_status_sentence(domain, entry) for entry in entries if entry.get("state") in ("done", "before")]
    found = [line for line in lines if line]
    if found:
        return " ".join(found)
    template: Dict[Text, Any] = dict(mail.templates()["thank_you"])  # its `summaries` is a mapping
    words: Dict[Text, Any] = template.get("summaries") or {}
    if tracker.get_slot("handoff_id"):
        return str(words["person"])
    if tracker.get_slot("callback_id"):
        return str(words["call"])
    return str(words["heard"])


async def queue_thank_you_note(tracker: Tracker, domain: Dict[Text, Any]) -> Optional[int]:
    """The case's thank-you note, when we have the verified address to send it to; its id or None."""
    if said_safety(tracker):
        return None  # someone on the way to care gets no cheerful note
    if not deserves_note(tracker):
        return None  # nothing done or explained, or they left unhappy: no cheerful note
    customer = await verified_customer(tracker)
    if customer is None or not customer.email:
        return None  # a guest: no note, and nothing said of one
    facts = tracker.get_slot("case_facts") or {}
    case = f"{tracker.get_slot('case_type')}:{facts.get('reference') or tracker.get_slot('order_id') or '-'}"
    return await records().queue_thank_you(
        tracker.sender_id,
        facts.get("customer_id"),
        case,
        customer.email,
        customer.name,
        {"summary": thank_you_summary(tracker, domain)},
        timedelta(seconds=settings().thank_you_delay_seconds),
    )


def said_safety(tracker: Tracker) -> bool:
    """Whether the customer told us about health or danger in this conversation."""
    return any(e.get("event") == "user" and (e.get("parse_data") or {}).get("safety") for e in tracker.events)


class ActionCloseConversation(Action):
    """Closes warmly: thanks for the chance to put it right and for their business.

    Logs the concern once per case (category, policy involved, outcome) for the
    process-improvement report, and queues the thank-you note (an email, once per
    case) when we have the customer's verified address.
    """

    def name(self) -> Text:
        return "action_close_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        case_type = tracker.get_slot("case_type")
        events: List[EventType] = []
        if tracker.get_slot("in_queue"):
            # Goodbye while waiting for a person: they have gone, so the case leaves the queue.
            if await records().run(handoff_queue.leave_for_sender, tracker.sender_id, handoff_queue.WENT_AWAY):
                dispatcher.utter_message(response="utter_queue_left_goodbye")  # told, not silently dropped
            events.append(SlotSet("in_queue", None))
        if (tracker.latest_message or {}).get("repair") == repair.PASSED_ON:
            # "no need, just tell the manager please. thank you, that is all" (blind panel p71 AC-11): where their words
            # go, said before the goodbye.
            dispatcher.utter_message(response="utter_close_passed_on")
        if case_type and not tracker.get_slot("concern_logged"):
            store = records()
            # "ok. tbh i'm still annoyed, how does that even happen. no thats all" (blind panel p51 01): heard, and
            # the case goes on the managers' report as a frustrated one, before the goodbye.
            still_upset = bool(STILL_UPSET.search((tracker.latest_message or {}).get("text") or ""))
            await store.log_concern(
                tracker.sender_id,
                case_type,
                tracker.get_slot("policy_id"),
                case_outcome(tracker),
                max(int(tracker.get_slot("frustration") or 0), 1 if still_upset else 0),
            )
            if still_upset:
                dispatcher.utter_message(response="utter_close_still_upset")
            await queue_thank_you_note(tracker, domain)
            events.append(SlotSet("concern_logged", True))
            words = closing_words(tracker)
            if not (words in CALL_SAID_INSTEAD and await say_booked_call(dispatcher, tracker)):
                dispatcher.utter_message(response=words, **helper_named(words, tracker))
        elif said_safety(tracker):
            dispatcher.utter_message(response="utter_close_safety")
        elif await say_booked_call(dispatcher, tracker):
            pass  # "we'll call you today at 4:30 pm on the number ending 0178", not a bare goodbye
        elif person_helped(tracker) and not tracker.get_slot("concern_logged"):
            # Closed from the desk with no case opened: thanks for their time, not "thanks for stopping by".
            dispatcher.utter_message(
                response="utter_close_after_person", **helper_named("utter_close_after_person", tracker)
            )
        else:
            dispatcher.utter_message(response="utter_goodbye")
        return events


def _closed_case(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The case of the conversation's last close, if the customer closed one before."""
    events = list(tracker.events)
    closes = [
        i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == "action_close_conversation"
    ]
    if not closes:
        return None
    found: Dict[Text, Any] = {}
    for event in events[: closes[-1]]:
        if event.get("event") == "slot" and event.get("name") in ("case_type", "order_id", "coupon_code"):
            found[event["name"]] = event.get("value")
    return found


class ActionGreet(Action):
    """Hello, or welcome back: a customer who returns after a close can pick up the case."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        case = _closed_case(tracker)
        if case is None:
            dispatcher.utter_message(response="utter_greet")
            return []
        reference = case.get("order_id") or case.get("coupon_code")
        if reference:
            dispatcher.utter_message(response="utter_welcome_back_case", reference=reference)
        else:
            dispatcher.utter_message(response="utter_welcome_back")
        return []


async def close_after(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any], events: List[EventType]
) -> List[EventType]:
    """``events`` (what was just done), then the close, in the same turn: "the first one, the ten per cent. Good day."
    (blind panel p64 O-11) is done and closed, never "anything else?" after a goodbye. The close reads the tracker as it
    stands after ``events`` (a credit given is thanked for), then the assistant listens."""
    closed = await ActionCloseConversation().run(dispatcher, after_events(tracker, events), domain)
    return events + closed + [FollowupAction("action_listen")]
