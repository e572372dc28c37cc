"""The queue, watched from the Rasa server: nobody waits unheard, nobody counts who left.

Every ``GRACIOUS_QUEUE_CHECK_SECONDS`` (0 turns the watch off) each Rasa server:

- returns to the queue the cases held by agents whose desk has been silent for
  presence.HELD_GRACE, or who have no presence at all (signed out): the conversation
  resumed, the customer told that they are back in the queue, and their place;
- takes out of the queue, as ``went_away``, a waiting customer with no widget
  open here and no message for ``GRACIOUS_QUEUE_LEFT_SECONDS``;
- tells a queued customer whose widget is open here their place and an honest wait
  every ``GRACIOUS_QUEUE_UPDATE_SECONDS`` (0: never), and once, after
  ``GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS`` with nobody claiming, offers a call or an
  email instead (buttons the chat's rules take, as any offer's);
- closes a case whose customer was offered a call instead of a place (nobody on duty)
  once the call form has ended without a call (``declined_call``; a safety case stays).

Only queued customers (told a place: handoff_queue.live) are counted and spoken to. An
update is said by one server only: ``told_at`` is compared and set before speaking.

For ``START_GRACE`` after the server starts (max(60 s, two checks)) it decides nobody
went away and returns no case: widgets and desks are reconnecting after a restart.

A REST caller has no widget to speak into: the assistant says the same on their
next message (actions/waiting.py). Words are domain.yml's responses, said the way the
desk speaks (server/desk/conversation.say): to the session's room through the
socket.io manager, so in a cluster the widget hears them on whichever instance it is
connected to. Each instance decides only for the widgets connected to it; a customer on
another instance is kept in the queue by their messages, and the left-time counts
from the last one. docs/queue.md.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.events import SlotSet
from sanic import Blueprint

from gracious import codes, queue_news
from gracious.queue_offer import INSTEAD, SLOT, instead_buttons
from gracious.responses import spoken
from gracious.settings import settings
from gracious.stores import clock, handoff_queue
from server.desk import conversation, upgrade
from server.desk.store import DeskStore

logger = logging.getLogger(__name__)

START_GRACE_SECONDS = 60.0
# A case offered a call is closed as declined only this long after it was opened (or joined),
# so the turn that opened it has started its call form by then.
OFFER_SETTLE_SECONDS = 30.0
CALL_FORM = "callback_form"


def _last_message_at(tracker: Any) -> Optional[datetime]:
    times = [e.timestamp for e in tracker.events if e.type_name == "user"] if tracker else []
    return datetime.utcfromtimestamp(max(times)) if times else None


async def offer_instead(app: Any, sender: Text, response: Text, position: int, *slots: Any) -> bool:
    """``response`` with the call and email buttons, the offer kept in its own slot (queue_offer.py)."""
    buttons = instead_buttons(spoken(app.ctx.agent.domain))
    offer = SlotSet(SLOT, list(INSTEAD))
    return await conversation.say(app, sender, response, buttons, offer, *slots, position=position)


def told(position: int, agents: int, minutes: int, response: Text, offered: bool = False) -> SlotSet:
    """What the customer was told, so their next telling is news (gracious/queue_news.py); ``offered``:
    the call and the email offered with it (not again until things change)."""
    said = queue_news.first_told(position, agents, minutes, clock.now(), response)
    return SlotSet(queue_news.SLOT, queue_news.with_offer(said, agents, minutes) if offered else said)


async def back_in_queue(app: Any, store: DeskStore, handoff_id: int, sender: Text) -> bool:
    """A case whose agent left is waiting again: the assistant resumed, the customer told their place."""
    if getattr(app.ctx, "agent", None) is None:
        return False  # the desk alone (its API tests): no conversation to speak in
    place = await store.run(handoff_queue.standing, handoff_id)
    if place is None or not place.waiting:
        return False
    await conversation.resume(app, sender)
    await store.run(handoff_queue.mark, handoff_id, told_at=clock.now())
    if place.agents:
        wait = handoff_queue.wait_words(place.wait_minutes)
        slot = told(place.position, place.agents, place.wait_minutes, "utter_queue_back")
        return await conversation.say(app, sender, "utter_queue_back", None, slot, position=place.position, wait=wait)
    slot = told(place.position, 0, 0, "utter_queue_update_nobody", offered=True)
    return await offer_instead(app, sender, "utter_queue_back_nobody", place.position, slot)


class QueueWatch:
    """The watch over the queue, one per Rasa server (started with the desk's routes)."""

    def __init__(self, store: DeskStore) -> None:
        self.store = store
        self.started_at: Optional[datetime] = None
        self.stop_event: Optional[asyncio.Event] = None
        self.task: Optional["asyncio.Task[None]"] = None

    def settling(self, now: datetime) -> bool:
        """Just started: widgets and desks are still reconnecting, so nobody is judged gone yet."""
        if self.started_at is None:
            return False
        grace = max(START_GRACE_SECONDS, 2 * settings().queue_check_seconds)
        return (now - self.started_at).total_seconds() < grace

    async def check(self, app: Any) -> Dict[Text, List[int]]:
        """One look over the queue; what it did, by handoff id."""
        done: Dict[Text, List[int]] = {"returned": [], "went_away": [], "told": [], "offered": [], "declined": []}
        now = clock.now()
        settling = self.settling(now)
        if not settling:
            for handoff_id, sender in await self.store.return_expired():
                await back_in_queue(app, self.store, handoff_id, sender)
                done["returned"].append(handoff_id)
        widgets = conversation.open_widgets(app)
        for row in await self.store.run(handoff_queue.live_rows):
            if row.sender_id in widgets:
                await self.store.run(handoff_queue.mark, row.id, seen_at=now)
                await self._speak(app, row, now, done)
            elif not settling and await self._gone(app, row, now):
                if await self.store.run(handoff_queue.leave, row.id, handoff_queue.WENT_AWAY):
                    await conversation.forget_queue(app, row.sender_id)
                    done["went_away"].append(row.id)
        for row in await self.store.run(handoff_queue.offered_rows):
            await self._offered(app, row, now, settling, row.sender_id in widgets, done)
        return done

    async def _gone(self, app: Any, row: Any, now: datetime) -> bool:
        """No widget here, and nothing from the customer (nor their widget seen) for the left time."""
        left = settings().queue_left_seconds
        idle_since = max(m for m in (row.created_at, row.seen_at, row.updated_at) if m is not None)
        if left <= 0 or (now - idle_since).total_seconds() < left:
            return False
        last = _last_message_at(await app.ctx.agent.tracker_store.retrieve(row.sender_id))
        return last is None or (now - last).total_seconds() >= left

    async def _offered(
        self, app: Any, row: Any, now: datetime, settling: bool, here: bool, done: Dict[Text, List[int]]
    ) -> None:
        """A customer offered a call instead of a place: closed once the call form ended without one,
        or when they went away; never told a place."""
        if here:
            await self.store.run(handoff_queue.mark, row.id, seen_at=now)
        opened = max(m for m in (row.created_at, row.updated_at) if m is not None)
        if row.reason != codes.SAFETY and (now - opened).total_seconds() >= OFFER_SETTLE_SECONDS:
            tracker = await app.ctx.agent.tracker_store.retrieve(row.sender_id)
            if tracker is not None and tracker.active_loop_name != CALL_FORM:
                if await self.store.run(handoff_queue.leave, row.id, handoff_queue.DECLINED_CALL):
                    done["declined"].append(row.id)
                return
        if not here and not settling and await self._gone(app, row, now):
            if await self.store.run(handoff_queue.leave, row.id, handoff_queue.WENT_AWAY):
                done["went_away"].append(row.id)

    async def _last_told(self, app: Any, sender: Text) -> Any:
        """What the customer was last told (the ``queue_told`` slot), so the watch tells news too."""
        tracker = await app.ctx.agent.tracker_store.retrieve(sender)
        return tracker.get_slot(queue_news.SLOT) if tracker is not None else None

    async def _busy(self, app: Any, sender: Text) -> bool:
        """A form is asking the customer something (booking a call, say): no queue news in the middle of it."""
        tracker = await app.ctx.agent.tracker_store.retrieve(sender)
        return tracker is not None and bool(tracker.active_loop_name)

    async def _speak(self, app: Any, row: Any, now: datetime, done: Dict[Text, List[int]]) -> None:
        config = settings()
        limit = config.queue_wait_limit_seconds
        waited = (now - row.created_at).total_seconds()
        if limit > 0 and waited >= limit and row.offered_at is None:
            if await self._busy(app, row.sender_id):
                return
            if await self.store.run(handoff_queue.offer_once, row.id):
                place = await self.store.run(handoff_queue.standing, row.id)
                if place is not None and place.waiting:  # claimed meanwhile: the claim says who is here
                    last = await self._last_told(app, row.sender_id)
                    slot = SlotSet(queue_news.SLOT, queue_news.long_wait_told(place.position, place.agents, last, now))
                    await offer_instead(app, row.sender_id, "utter_queue_wait_long", place.position, slot)
                    await self.store.run(handoff_queue.mark, row.id, told_at=now)
                    done["offered"].append(row.id)
            return
        every = config.queue_update_seconds
        if every <= 0 or (now - (row.told_at or row.created_at)).total_seconds() < every:
            return
        if await self._busy(app, row.sender_id):
            return
        # Compare and set: of two servers (or the assistant answering a message), one speaks.
        if not await self.store.run(handoff_queue.tell, row.id, row.told_at):
            return
        place = await self.store.run(handoff_queue.standing, row.id)
        if place is None or not place.waiting:
            return
        # News, as the assistant tells it (gracious/queue_news.py): the wait counted down, never one line twice.
        news = queue_news.telling(
            place.position,
            place.agents,
            await self._last_told(app, row.sender_id),
            now,
            watch=True,
            comeback=place.comeback_ahead,  # passed by someone who came back into the line: said so, truly
        )
        slot = SlotSet(queue_news.SLOT, news.told)
        if news.offer:  # the call and the email as buttons once per wait (queue_news.offer_due), then in words
            await offer_instead(app, row.sender_id, news.response, place.position, slot)
        else:
            await conversation.say(app, row.sender_id, news.response, None, slot, **queue_news.values(news))
        done["told"].append(row.id)

    async def _every(self, app: Any, period: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check(app)
            except Exception:  # noqa: BLE001 - the next look tries again
                logger.exception("The look over the queue failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=period)
            except asyncio.TimeoutError:
                pass

    def install(self, blueprint: Blueprint) -> None:
        """Settle handoffs queued under older code, then start the watch with the server; stop it with the server."""

        @blueprint.listener("after_server_start")
        async def start_watch(app: Any, _: Any) -> None:
            if getattr(app.ctx, "agent", None) is None:
                return
            self.started_at = clock.now()
            try:
                await upgrade.settle_old_queue(app, self.store)
            except Exception:  # noqa: BLE001 - the server serves anyway; the next start tries again
                logger.exception("Settling handoffs queued under older code failed")
            period = settings().queue_check_seconds
            if period > 0 and (self.task is None or self.task.done()):
                self.stop_event = asyncio.Event()
                self.task = asyncio.create_task(self._every(app, period, self.stop_event), name="queue-watch")

        @blueprint.listener("before_server_stop")
        async def stop_watch(app: Any, _: Any) -> None:
            if self.stop_event is not None:
                self.stop_event.set()
            if self.task is not None:
                self.task.cancel()
                self.task = None
