"""The queue, watched from the Rasa server: nobody waits unheard, nobody counts who left.

Every ``GRACIOUS_QUEUE_CHECK_SECONDS`` (0 turns the watch off) each Rasa server:

- returns to the queue the cases held by agents whose desk stopped asking (their
  presence expired, server/desk/presence.py): the conversation resumed, the
  customer told in the widget that they are back in the queue, and their place;
- takes out of the queue, as ``went_away``, a waiting customer with no widget
  open here and no message for ``GRACIOUS_QUEUE_LEFT_SECONDS``;
- tells a waiting customer whose widget is open their place and an honest wait
  every ``GRACIOUS_QUEUE_UPDATE_SECONDS`` (0: never), and once, after
  ``GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS`` with nobody claiming, offers a call or an
  email instead (buttons the chat's rules take, as any offer's).

A REST caller has no widget to speak into: the assistant says the same on their
next message (actions/waiting.py). Words are domain.yml's responses; they are said
the way the desk speaks (server/desk/conversation.py). In a cluster each instance
sees only the widgets connected to it, so a customer on another instance is kept
in the queue by their messages there and the left-time counts from the last one.
docs/queue.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.events import SlotSet
from sanic import Blueprint

from gracious.catalog import current_catalog
from gracious.settings import settings
from gracious.stores import clock, handoff_queue
from server.desk import conversation
from server.desk.store import DeskStore

logger = logging.getLogger(__name__)

# The ways out of the queue offered instead of waiting: a call, or an email from the team.
INSTEAD = ("callback", "email_followup")


def instead_buttons(domain: Any) -> List[Dict[Text, Any]]:
    """The call and email buttons, titled as every offer of them (the chat's choose_alternative payloads)."""
    made = []
    for way in INSTEAD:
        offer = current_catalog().alternatives[way].offer
        variations = domain.responses.get(offer) or [{"text": way}]
        made.append(
            {"title": variations[0].get("text") or way, "payload": '/choose_alternative{"alternative": "%s"}' % way}
        )
    return made


def offered(tracker: Any) -> List[Text]:
    """The offered alternatives with the call and the email added (so a typed choice of them works)."""
    had = list(tracker.get_slot("offered_alternatives") or []) if tracker else []
    return had + [way for way in INSTEAD if way not in had]


def _last_message_at(tracker: Any) -> Optional[datetime]:
    times = [e.timestamp for e in tracker.events if e.type_name == "user"] if tracker else []
    return datetime.utcfromtimestamp(max(times)) if times else None


async def back_in_queue(app: Any, store: DeskStore, handoff_id: int, sender: Text) -> bool:
    """A case whose agent left is waiting again: the assistant resumed, the customer told their place."""
    if getattr(app.ctx, "agent", None) is None:
        return False  # the desk alone (its API tests): no conversation to speak in
    place = await store.run(handoff_queue.standing, handoff_id)
    if place is None or not place.waiting:
        return False
    await conversation.resume(app, sender)
    domain = app.ctx.agent.domain
    if place.agents:
        return await conversation.say(
            app, sender, "utter_queue_back", None, position=place.position, wait_minutes=place.wait_minutes
        )
    tracker = await app.ctx.agent.tracker_store.retrieve(sender)
    return await conversation.say(
        app,
        sender,
        "utter_queue_back_nobody",
        instead_buttons(domain),
        SlotSet("offered_alternatives", offered(tracker)),
        position=place.position,
    )


class QueueWatch:
    """The watch over the queue, one per Rasa server (started with the desk's routes)."""

    def __init__(self, store: DeskStore) -> None:
        self.store = store
        self.stop_event: Optional[asyncio.Event] = None
        self.task: Optional["asyncio.Task[None]"] = None

    async def check(self, app: Any) -> Dict[Text, List[int]]:
        """One look over the queue; what it did, by handoff id."""
        done: Dict[Text, List[int]] = {"returned": [], "went_away": [], "told": [], "offered": []}
        for handoff_id, sender in await self.store.return_expired():
            await back_in_queue(app, self.store, handoff_id, sender)
            done["returned"].append(handoff_id)
        config = settings()
        widgets = conversation.open_widgets(app)
        now = clock.now()
        for row in await self.store.run(handoff_queue.live_rows):
            if row.sender_id in widgets:
                await self.store.run(handoff_queue.mark, row.id, seen_at=now)
                await self._speak(app, row, now, done)
                continue
            idle_since = max(m for m in (row.created_at, row.seen_at, row.updated_at) if m is not None)
            if config.queue_left_seconds <= 0 or (now - idle_since).total_seconds() < config.queue_left_seconds:
                continue
            tracker = await app.ctx.agent.tracker_store.retrieve(row.sender_id)
            last = _last_message_at(tracker)
            if last is not None and (now - last).total_seconds() < config.queue_left_seconds:
                continue
            if await self.store.run(handoff_queue.leave, row.id, handoff_queue.WENT_AWAY):
                await conversation.forget_queue(app, row.sender_id)
                done["went_away"].append(row.id)
        return done

    async def _speak(self, app: Any, row: Any, now: datetime, done: Dict[Text, List[int]]) -> None:
        config = settings()
        waited = (now - row.created_at).total_seconds()
        domain = app.ctx.agent.domain
        limit = config.queue_wait_limit_seconds
        if limit > 0 and waited >= limit and row.offered_at is None:
            if await self.store.run(handoff_queue.offer_once, row.id):
                place = await self.store.run(handoff_queue.standing, row.id)
                tracker = await app.ctx.agent.tracker_store.retrieve(row.sender_id)
                await conversation.say(
                    app,
                    row.sender_id,
                    "utter_queue_wait_long",
                    instead_buttons(domain),
                    SlotSet("offered_alternatives", offered(tracker)),
                    position=place.position if place else 1,
                )
                await self.store.run(handoff_queue.mark, row.id, told_at=now)
                done["offered"].append(row.id)
            return
        every = config.queue_update_seconds
        if every <= 0 or (now - (row.told_at or row.created_at)).total_seconds() < every:
            return
        place = await self.store.run(handoff_queue.standing, row.id)
        if place is None or not place.waiting:
            return
        if place.agents:
            await conversation.say(
                app, row.sender_id, "utter_queue_update", None, position=place.position, wait_minutes=place.wait_minutes
            )
        else:
            await conversation.say(app, row.sender_id, "utter_queue_update_nobody", None, position=place.position)
        await self.store.run(handoff_queue.mark, row.id, told_at=now)
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
        """Start the watch with the server, stop it with the server."""

        @blueprint.listener("after_server_start")
        async def start_watch(app: Any, _: Any) -> None:
            period = settings().queue_check_seconds
            if period > 0 and getattr(app.ctx, "agent", None) is not None and (self.task is None or self.task.done()):
                self.stop_event = asyncio.Event()
                self.task = asyncio.create_task(self._every(app, period, self.stop_event), name="queue-watch")

        @blueprint.listener("before_server_stop")
        async def stop_watch(app: Any, _: Any) -> None:
            if self.stop_event is not None:
                self.stop_event.set()
            if self.task is not None:
                self.task.cancel()
                self.task = None


def routes(desk: Blueprint, api: Any, store: DeskStore, secure: Any, error: Any) -> None:
    """``GET /desk/api/me`` (with the agent's availability) and ``POST /desk/api/availability``
    ("available" or "away"; only available agents count as on duty, presence.py), behind web.py's
    ``api`` guard: a signed-in agent, and state changes only from the desk's own pages."""
    from sanic import response
    from sanic.request import Request
    from sanic.response import HTTPResponse

    from server.desk.agents import Agent

    @desk.route("/api/me", methods=["GET"])
    @api
    async def me(request: Request, agent: Agent) -> HTTPResponse:
        who = {"name": agent.name, "display_name": agent.display_name, "lead": agent.lead}
        return secure(response.json({**who, "availability": await store.availability(agent)}))

    @desk.route("/api/availability", methods=["POST"])
    @api
    async def availability(request: Request, agent: Agent) -> HTTPResponse:
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = {}
        status = body.get("status") if isinstance(body, dict) else None
        try:
            await store.set_availability(agent, str(status or ""))
        except ValueError as problem:
            return error(400, str(problem))
        return secure(response.json({"availability": await store.availability(agent)}))
