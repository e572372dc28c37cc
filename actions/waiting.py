"""While a customer waits for a person: always answered, and free to leave the queue.

action_handoff queues the customer (slot ``in_queue``) without pausing the
assistant; Rasa is paused only once an agent claims the conversation
(server/desk/conversation.py). Until then server/dialogue/waiting.py reads the
customer's messages in that light and the rules in data/rules/waiting.yml bring
them here:

- ``action_while_waiting``: "hello? is anyone there?", "how long?", "am I still in
  the queue": their live place and an honest wait (live cases only, agents available
  now: gracious/stores/handoff_queue.py), with the answer to a question first when
  there is one ("you keep your place"); past the wait limit, once, a call or an email
  offered instead (the same offer the widget hears from server/desk/waiting.py, for
  a REST caller who has no widget to hear it); nobody available: said so, and a call
  or an email offered.
- ``action_leave_queue``: "cancel", "never mind", "forget it": out of the queue
  (``cancelled``), told so, and offered a call or an email instead.

A place said here counts as told (``told_at``), so the queue's watch does not say it
again seconds later. The call and email offered while waiting are kept in their own
slot (``queue_offer``, gracious/queue_offer.py), never in the case's
``offered_alternatives``: the hand-back and the desk's card read only the case's offer.

Booking a call (gracious/stores/callback_changes.book) or taking an email instead
(actions/promised.grant) takes the customer out of the queue too, with that reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.digression import say_answers
from actions.hours import spoken_time
from gracious import queue_news
from gracious.queue_offer import INSTEAD, SLOT, instead_buttons
from gracious.settings import settings
from gracious.stores import clock, handoff_queue, records
from gracious.stores.queue_order import back_in_time

IN_QUEUE = "in_queue"


def buttons(domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """A call and an email, as every offer of them (gracious/queue_offer.py)."""
    return instead_buttons(domain.get("responses") or {})


def offer_made() -> SlotSet:
    """The call and the email offered while waiting, in their own slot."""
    return SlotSet(SLOT, list(INSTEAD))


def handoff_of(tracker: Tracker) -> Optional[int]:
    found = tracker.get_slot("handoff_id")
    return int(found) if found and str(found).isdigit() else None


async def leave(tracker: Tracker, reason: Text) -> Optional[int]:
    """The conversation's live handoff out of the queue with ``reason``; its id, or None."""
    return await records().run(handoff_queue.leave_for_sender, tracker.sender_id, reason)


def customer_messages(tracker: Tracker) -> List[Text]:
    """The customer's last five messages, as the card shows them (actions/handoff.case_summary)."""
    return [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")][-5:]


async def note_messages(tracker: Tracker) -> None:
    """The desk's card keeps up with what the customer writes while waiting (and after leaving)."""
    handoff_id = handoff_of(tracker)
    if handoff_id is not None:
        await records().run(handoff_queue.note_messages, handoff_id, customer_messages(tracker))


async def call_time(tracker: Tracker) -> Optional[Text]:
    """When the call booked in this conversation is, in words ("today at 5pm"); None when none is booked."""
    booked = str(tracker.get_slot("callback_id") or "")
    call = await records().callback(int(booked)) if booked.isdigit() else None
    if not call or call.get("status") != "booked":
        return None
    zone = ZoneInfo(settings().timezone)
    return spoken_time(call["scheduled_for"].astimezone(zone), datetime.now(zone))


def said_goodbye(tracker: Tracker) -> bool:
    """The customer left the queue saying goodbye (actions/closing.py, "utter_queue_left_goodbye"), since queued."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == IN_QUEUE and event.get("value"):
            return False
        if (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == "utter_queue_left_goodbye"
        ):
            return True
    return False


async def left_queue_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, place: Optional[handoff_queue.Standing]
) -> List[EventType]:
    """Out of the queue: said so, why (a call booked and when, cancelled, an email instead, gone), and
    how to have a person again."""
    reason = place.left_reason if place is not None and place.status == "left" else None
    when = await call_time(tracker) if reason == handoff_queue.CALLBACK_BOOKED else None
    if when:
        dispatcher.utter_message(response="utter_queue_not_waiting_call", callback_when=when)
    elif reason == handoff_queue.WENT_AWAY and said_goodbye(tracker):
        dispatcher.utter_message(response="utter_queue_not_waiting")  # they said goodbye: not "gone quiet"
    elif reason == handoff_queue.WENT_AWAY and place is not None and back_in_time(place.finished_at, clock.now()):
        # Back soon after going quiet: put back in, they have the place they had (queue_order.first_queued).
        dispatcher.utter_message(response="utter_queue_not_waiting_went_away_back")
    elif reason in LEFT_WORDS:
        dispatcher.utter_message(response=LEFT_WORDS[reason])
    else:
        dispatcher.utter_message(response="utter_queue_not_waiting")
    return [SlotSet(IN_QUEUE, None)]


async def left_queue_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """ "am i still in the queue?" once out of it (server/dialogue/waiting.after_leaving): the truth."""
    handoff_id = handoff_of(tracker)
    place = await records().run(handoff_queue.standing, handoff_id) if handoff_id else None
    if place is not None and place.waiting:
        dispatcher.utter_message(
            response="utter_queue_update", position=place.position, wait=handoff_queue.wait_words(place.wait_minutes)
        )
        return [SlotSet(IN_QUEUE, True)]
    await note_messages(tracker)
    return await left_queue_answer(dispatcher, tracker, place)


# Why a customer is out of the queue, as they hear it when they ask.
LEFT_WORDS = {
    handoff_queue.CALLBACK_BOOKED: "utter_queue_not_waiting_call_booked",
    handoff_queue.CANCELLED: "utter_queue_not_waiting_cancelled",
    handoff_queue.EMAIL_INSTEAD: "utter_queue_not_waiting_email",
    handoff_queue.WENT_AWAY: "utter_queue_not_waiting_went_away",
}


# "if I step away will I lose my place?", "wait wheres ana gone" (server/dialogue/waiting.py's marks).
AWAY_MARKS = ("step_away", "person_gone")


def duration_words(seconds: float) -> Text:
    """GRACIOUS_QUEUE_LEFT_SECONDS in words: "10 minutes", "an hour", "a minute"."""
    minutes = max(1, round(seconds / 60))
    if minutes % 60 == 0:
        return "an hour" if minutes == 60 else f"{minutes // 60} hours"
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def helped_by(tracker: Tracker) -> Text:
    """The name of the colleague who last wrote in this chat, or who they were."""
    for event in reversed(tracker.events):
        agent = (event.get("metadata") or {}).get("agent") if event.get("event") == "bot" else None
        if agent:
            return str(agent).split()[0]
    return "The colleague who was helping you"


async def away_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, place: handoff_queue.Standing
) -> List[EventType]:
    """Stepping away asked about (the place kept while the chat is open, and for how long without it), or
    the colleague who had the case asked after (they had to step away): then the place, as a telling."""
    message = tracker.latest_message or {}
    now = clock.now()
    news = queue_news.telling(
        place.position, place.agents, tracker.get_slot(queue_news.SLOT), now, comeback=place.comeback_ahead
    )
    values: Dict[Text, Any] = queue_news.values(news)
    if message.get("repair") == "person_gone":
        response = "utter_queue_person_gone" if place.agents else "utter_queue_person_gone_nobody"
        values["agent_name"] = helped_by(tracker)
    else:
        left = settings().queue_left_seconds
        response = "utter_queue_step_away" if place.agents else "utter_queue_step_away_nobody"
        response = response if left > 0 else "utter_queue_step_away_kept"
        values["left"] = duration_words(left)
    await records().run(handoff_queue.mark, place.id, seen_at=now, told_at=now)
    dispatcher.utter_message(response=response, **values)
    return [SlotSet(queue_news.SLOT, dict(news.told, response=response))]


class ActionWhileWaiting(Action):
    """A waiting customer's message: what they said answered, then where they stand, as news."""

    def name(self) -> Text:
        return "action_while_waiting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        handoff_id = handoff_of(tracker)
        store = records()
        await note_messages(tracker)
        place = await store.run(handoff_queue.standing, handoff_id) if handoff_id else None
        if place is None or place.status in ("left", "finished", "offered"):
            # Not in the queue (they went away, it was settled, or they were offered a call instead of a
            # place): said so and why, a person offered again.
            return await left_queue_answer(dispatcher, tracker, place)
        if place.status == "claimed":
            dispatcher.utter_message(response="utter_queue_taken")
            return []
        if message.get("repair") in AWAY_MARKS:
            return await away_answer(dispatcher, tracker, place)
        answers = list(message.get("answers") or [])
        say_answers(dispatcher, domain, answers, tracker)
        # A request for the person (answered here or not): added to the case, and said so (the desk's card
        # lists what was said since the handoff).
        noted = bool(message.get("noted"))
        stays = message.get("repair") == queue_news.STAYS
        last = tracker.get_slot(queue_news.SLOT)
        now = clock.now()
        await store.run(handoff_queue.mark, place.id, seen_at=now)
        limit = settings().queue_wait_limit_seconds
        waited = (now - place.created_at).total_seconds()
        if limit > 0 and waited >= limit and await store.run(handoff_queue.offer_once, place.id) and not stays:
            # Waited past the limit with nobody claiming: a call or an email instead, once.
            if noted:
                dispatcher.utter_message(response="utter_queue_noted")
            dispatcher.utter_message(response="utter_queue_wait_long", position=place.position, buttons=buttons(domain))
            await store.run(handoff_queue.mark, place.id, told_at=now)
            told = queue_news.long_wait_told(place.position, place.agents, last, now)
            return [offer_made(), SlotSet(queue_news.SLOT, told)]
        # Told now: the queue's watch counts its next update from here.
        await store.run(handoff_queue.mark, place.id, told_at=now)
        intent = message.get("read_from") or (message.get("intent") or {}).get("name")
        news = queue_news.telling(
            place.position,
            place.agents,
            last,
            now,
            message.get("text") or "",
            intent,
            stays,
            comeback=place.comeback_ahead,
        )
        # Answered (here, or by the policy's own action just before): "you keep your place", not "nothing has changed".
        answered = answers or intent in ("ask_policy", "ask_why")
        keep_place = (answered or noted) and place.agents and news.response not in queue_news.MOVED
        response = "utter_queue_keep_place" if keep_place else news.response
        events: List[EventType] = [SlotSet(queue_news.SLOT, dict(news.told, response=response))]
        if news.sorry:
            dispatcher.utter_message(response="utter_queue_sorry")
        if noted:
            dispatcher.utter_message(response="utter_queue_noted")
        if news.offer:
            # Nobody available (or a much longer wait): a call or an email, as buttons once; words after.
            dispatcher.utter_message(response=response, buttons=buttons(domain), **queue_news.values(news))
            events.append(offer_made())
        else:
            dispatcher.utter_message(response=response, **queue_news.values(news))
        return events


class ActionLeaveQueue(Action):
    """ "cancel", "never mind": out of the queue, told so, and a call or an email offered instead."""

    def name(self) -> Text:
        return "action_leave_queue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        await note_messages(tracker)
        left = await leave(tracker, handoff_queue.CANCELLED)
        if left is None:
            place = await records().run(handoff_queue.standing, handoff_of(tracker)) if handoff_of(tracker) else None
            if place is not None and place.status == "claimed":
                dispatcher.utter_message(response="utter_queue_taken")
                return []
        response = "utter_queue_left" if left is not None else "utter_queue_not_waiting_offer"
        dispatcher.utter_message(response=response, buttons=buttons(domain))
        return [SlotSet(IN_QUEUE, None), offer_made()]
