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

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.digression import say_answers
from gracious.queue_offer import INSTEAD, SLOT, instead_buttons
from gracious.settings import settings
from gracious.stores import clock, handoff_queue, records

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


class ActionWhileWaiting(Action):
    """A waiting customer's message: their place and an honest wait (answers first), or what changed."""

    def name(self) -> Text:
        return "action_while_waiting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        handoff_id = handoff_of(tracker)
        store = records()
        place = await store.run(handoff_queue.standing, handoff_id) if handoff_id else None
        if place is None or place.status in ("left", "finished", "offered"):
            # Not in the queue (they went away, it was settled, or they were offered a call instead of a
            # place): said so, a person offered again.
            dispatcher.utter_message(response="utter_queue_not_waiting")
            return [SlotSet(IN_QUEUE, None)]
        if place.status == "claimed":
            dispatcher.utter_message(response="utter_queue_taken")
            return []
        answers = list(message.get("answers") or [])
        say_answers(dispatcher, domain, answers)
        await store.run(handoff_queue.mark, place.id, seen_at=clock.now())
        limit = settings().queue_wait_limit_seconds
        waited = (clock.now() - place.created_at).total_seconds()
        if limit > 0 and waited >= limit and await store.run(handoff_queue.offer_once, place.id):
            # Waited past the limit with nobody claiming: a call or an email instead, once.
            dispatcher.utter_message(response="utter_queue_wait_long", position=place.position, buttons=buttons(domain))
            await store.run(handoff_queue.mark, place.id, told_at=clock.now())
            return [offer_made()]
        # Told now: the queue's watch counts its next update from here.
        await store.run(handoff_queue.mark, place.id, told_at=clock.now())
        if not place.agents:
            # Nobody available this minute: no time promised, and the other ways offered.
            dispatcher.utter_message(
                response="utter_queue_update_nobody", position=place.position, buttons=buttons(domain)
            )
            return [offer_made()]
        response = "utter_queue_keep_place" if answers else "utter_queue_update"
        dispatcher.utter_message(
            response=response, position=place.position, wait=handoff_queue.wait_words(place.wait_minutes)
        )
        return []


class ActionLeaveQueue(Action):
    """ "cancel", "never mind": out of the queue, told so, and a call or an email offered instead."""

    def name(self) -> Text:
        return "action_leave_queue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        left = await leave(tracker, handoff_queue.CANCELLED)
        if left is None:
            place = await records().run(handoff_queue.standing, handoff_of(tracker)) if handoff_of(tracker) else None
            if place is not None and place.status == "claimed":
                dispatcher.utter_message(response="utter_queue_taken")
                return []
        response = "utter_queue_left" if left is not None else "utter_queue_not_waiting_offer"
        dispatcher.utter_message(response=response, buttons=buttons(domain))
        return [SlotSet(IN_QUEUE, None), offer_made()]
