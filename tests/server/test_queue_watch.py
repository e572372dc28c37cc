"""The queue's watch (server/desk/waiting.py) over a real SQLite records database, with the clock
injected, in a real Sanic server serving the widget's socket.io channel (a real socket.io client is
the customer's widget), with a Rasa agent holding the domain and the conversations (no model: the
watch says domain responses, it runs no policy).

Position updates once per interval and by one server only; with nobody on duty the call and
email offered as buttons and recorded in their own slot; the wait-limit offer; a waiting customer
who went away (never during the start grace); a silent desk's case returned; a customer offered a
call who declined it; who is told when an agent joins or takes over; the one-off for queues from
older code; and, through a real redis-server, words from an instance the widget is not connected
to reaching it (the socket.io manager's room emit).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import time
from datetime import datetime, timedelta
from typing import Any, Awaitable, Iterator, List, Optional

import pytest
import socketio
import sqlalchemy as sa
from rasa.core.agent import Agent as RasaAgent
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, ConversationPaused, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import ROOT, settings
from gracious.stores import handoff_queue
from gracious.stores.records import ensure_schema, handoffs
from server.channels.sessions import BROWSER_COOKIE
from server.channels.socketio import GraciousSocketIOInput
from server.desk import conversation, upgrade, waiting
from server.desk.store import DeskStore
from tests.helpers.hand_clock import START, Clock
from tests.helpers.loopback_sanic import LoopbackSanic, free_port
from tests.server.test_desk_store import PASSWORD

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def queue_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRACIOUS_QUEUE_CHECK_SECONDS", "5")
    monkeypatch.setenv("GRACIOUS_QUEUE_UPDATE_SECONDS", "120")
    monkeypatch.setenv("GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS", "600")
    monkeypatch.setenv("GRACIOUS_QUEUE_LEFT_SECONDS", "600")


class Server:
    """A Rasa server's parts the watch uses: the widget's channel on loopback, the domain, the conversations."""

    def __init__(self) -> None:
        self.channel = GraciousSocketIOInput.from_credentials(None)
        self.loopback = LoopbackSanic(self.channel)
        self.app = self.loopback.app
        self.app.ctx.agent = RasaAgent(
            domain=DOMAIN, tracker_store=InMemoryTrackerStore(DOMAIN), lock_store=InMemoryLockStore()
        )
        self.app.ctx.input_channels = [self.channel]
        self.store = DeskStore(settings().records_db_url)
        ensure_schema(self.store.engine)
        self.watch = waiting.QueueWatch(self.store)

    def start(self) -> "Server":
        self.loopback.start()
        return self

    async def on_server(self, work: Awaitable[Any]) -> Any:
        """Run ``work`` on the server's own loop, as its routes and its watch do."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loopback._loop))

    async def check(self) -> dict:
        return await self.on_server(self.watch.check(self.app))

    def tracker(self, sender: str) -> DialogueStateTracker:
        return asyncio.run_coroutine_threadsafe(
            self.app.ctx.agent.tracker_store.get_or_create_tracker(sender), self.loopback._loop
        ).result(10)

    def save(self, sender: str, *events: Any) -> None:
        tracker = self.tracker(sender)
        for event in events:
            tracker.update(event)
        asyncio.run_coroutine_threadsafe(self.app.ctx.agent.tracker_store.save(tracker), self.loopback._loop).result(10)

    def stop(self) -> None:
        self.loopback.stop()
        self.store.engine.dispose()


@pytest.fixture
def server(queue_settings: None, clock: Clock) -> Iterator[Server]:
    made = Server().start()
    yield made
    made.stop()


class Widget:
    """A customer's widget: a real socket.io client, what it was told."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = socketio.AsyncClient(reconnection=False)
        self.said: List[dict] = []
        self.session_id = ""

    async def open(self) -> "Widget":
        confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        self.client.on("bot_uttered", lambda data: self.said.append(data))
        headers = {"Cookie": f"{BROWSER_COOKIE}={secrets.token_hex(16)}"}
        await self.client.connect(self.base, socketio_path="/socket.io", transports=["websocket"], headers=headers)
        await self.client.emit("session_request", {"session_id": None})
        self.session_id = await asyncio.wait_for(confirmed, 20)
        return self

    async def heard(self, count: int, timeout: float = 10) -> List[str]:
        deadline = time.monotonic() + timeout
        while len(self.said) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return [m.get("text", "") for m in self.said]

    async def close(self) -> None:
        await self.client.disconnect()


def text_of(response: str, **values: Any) -> str:
    return DOMAIN.responses[response][0]["text"].format(**values)


def handoff(store: DeskStore, sender: str, created: datetime, **values: Any) -> int:
    values.setdefault("queued", True)
    with store.engine.begin() as conn:
        return int(
            conn.execute(
                handoffs.insert().values(
                    sender_id=sender,
                    reason=values.pop("reason", "customer_asked"),
                    team="customer_care",
                    status=values.pop("status", "waiting"),
                    summary=json.dumps(values.pop("summary", {})),
                    created_at=created,
                    **values,
                )
            ).inserted_primary_key[0]
        )


def row(store: DeskStore, handoff_id: int) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).one()


def on_duty(store: DeskStore, name: str = "sam") -> Any:
    agent = asyncio.run(store.add_agent(name, name.title() + " Lee", PASSWORD))
    return agent, asyncio.run(store.create_session(agent))


def test_a_waiting_widget_hears_its_place_once_an_interval_and_from_one_server_only(server: Server, clock: Clock):
    _, token = on_duty(server.store)

    async def scenario() -> List[str]:
        widget = await Widget(server.loopback.base).open()
        try:
            mine = handoff(server.store, widget.session_id, START - timedelta(minutes=3))
            done = await server.check()
            assert done["told"] == [mine]
            await widget.heard(1)
            assert await server.check() == {"returned": [], "went_away": [], "told": [], "offered": [], "declined": []}
            told = row(server.store, mine).told_at
            assert told == START
            # Another server read told_at before this one spoke: it stays silent.
            assert not await server.store.run(handoff_queue.tell, mine, None)
            clock.advance(minutes=2)
            await server.store.agent_for_session(token)  # Sam's desk still asks
            assert (await server.check())["told"] == [mine]
            return await widget.heard(2)
        finally:
            await widget.close()

    heard = asyncio.run(scenario())
    # Two minutes later at the same place, the wait has counted down, said in other words.
    assert heard == [
        text_of("utter_queue_update", position=1, wait="6 minutes"),
        text_of("utter_queue_wait_now", position=1, wait="4 minutes"),
    ]


def test_no_queue_news_in_the_middle_of_a_form(server: Server, clock: Clock):
    on_duty(server.store)

    async def scenario() -> List[str]:
        widget = await Widget(server.loopback.base).open()
        try:
            mine = handoff(server.store, widget.session_id, START - timedelta(minutes=15))
            server.save(widget.session_id, ActiveLoop("callback_form"))  # they asked for a call meanwhile
            assert (await server.check())["told"] == [] and row(server.store, mine).offered_at is None
            server.save(widget.session_id, ActiveLoop(None))
            assert (await server.check())["offered"] == [mine]
            return await widget.heard(1)
        finally:
            await widget.close()

    assert asyncio.run(scenario()) == [text_of("utter_queue_wait_long", position=1)]


def test_with_nobody_on_duty_the_update_offers_a_call_or_email_as_buttons_and_records_it(server: Server):
    async def scenario() -> Widget:
        widget = await Widget(server.loopback.base).open()
        try:
            handoff(server.store, widget.session_id, START - timedelta(minutes=3))
            await server.check()
            await widget.heard(1)
            return widget
        finally:
            await widget.close()

    widget = asyncio.run(scenario())
    texts = [m.get("text") for m in widget.said]
    assert texts[0] == text_of("utter_queue_update_nobody", position=1)
    buttons = [b for m in widget.said for b in m.get("quick_replies") or []]
    assert [b["payload"] for b in buttons] == [
        '/choose_alternative{"alternative": "callback"}',
        '/choose_alternative{"alternative": "email_followup"}',
    ]
    tracker = server.tracker(widget.session_id)
    assert tracker.get_slot("queue_offer") == ["callback", "email_followup"]
    assert tracker.get_slot("offered_alternatives") in (None, [])  # the case's own offer is untouched


def test_after_the_wait_limit_the_call_or_email_is_offered_once(server: Server, clock: Clock):
    on_duty(server.store)

    async def scenario() -> List[str]:
        widget = await Widget(server.loopback.base).open()
        try:
            mine = handoff(server.store, widget.session_id, START - timedelta(minutes=11))
            assert (await server.check())["offered"] == [mine]
            clock.advance(minutes=5)
            assert (await server.check())["offered"] == []
            return await widget.heard(2, timeout=2)
        finally:
            await widget.close()

    heard = asyncio.run(scenario())
    assert heard[0] == text_of("utter_queue_wait_long", position=1)
    assert len([t for t in heard if t == heard[0]]) == 1


def test_a_customer_who_went_away_leaves_but_never_during_the_start_grace(server: Server, clock: Clock):
    gone = handoff(server.store, "rest-caller", START - timedelta(minutes=15))
    talking = handoff(server.store, "still-talking", START - timedelta(minutes=15))
    server.save("rest-caller", SlotSet("in_queue", True))
    server.save("still-talking", UserUttered("hello?", timestamp=time.time() - 60))
    server.watch.started_at = START  # the server has just started: widgets are reconnecting

    assert asyncio.run(server.check())["went_away"] == []
    assert row(server.store, gone).status == "waiting"
    clock.advance(seconds=61)
    assert asyncio.run(server.check())["went_away"] == [gone]
    assert (row(server.store, gone).status, row(server.store, gone).left_reason) == ("left", "went_away")
    assert row(server.store, talking).status == "waiting"  # wrote a minute ago (by the tracker's clock)
    assert server.tracker("rest-caller").get_slot("in_queue") is None


def test_a_silent_desks_case_returns_to_the_queue_and_the_widget_hears_its_place(server: Server, clock: Clock):
    sam, _ = on_duty(server.store, "sam")
    ana, ana_token = on_duty(server.store, "ana")

    async def scenario() -> List[str]:
        widget = await Widget(server.loopback.base).open()
        try:
            mine = handoff(server.store, widget.session_id, START - timedelta(minutes=1))
            assert await server.store.claim(mine, sam)
            await server.on_server(conversation.pause(server.app, widget.session_id))
            clock.advance(seconds=90)
            await server.store.agent_for_session(ana_token)
            assert (await server.check())["returned"] == []  # a reload or a blip: still Sam's
            clock.advance(seconds=40)
            await server.store.agent_for_session(ana_token)
            assert (await server.check())["returned"] == [mine]
            return await widget.heard(1)
        finally:
            await widget.close()

    heard = asyncio.run(scenario())
    assert heard == [text_of("utter_queue_back", position=1, wait="6 minutes")]
    [mine] = [r for r in asyncio.run(server.store.queue())]
    assert (mine["status"], mine["agent"]) == ("waiting", None)
    assert not server.tracker(mine["sender_id"]).is_paused()


def test_a_customer_offered_a_call_is_never_told_a_place_and_leaves_when_the_form_ends_unbooked(
    server: Server, clock: Clock
):
    on_duty(server.store)
    in_form = handoff(server.store, "booking", START - timedelta(minutes=5), queued=False)
    declined = handoff(server.store, "declined", START - timedelta(minutes=5), queued=False)
    safety = handoff(server.store, "hurt", START - timedelta(minutes=5), queued=False, reason="safety")
    queued = handoff(server.store, "queued", START - timedelta(minutes=1))
    server.save("booking", ActiveLoop("callback_form"), UserUttered("tomorrow at 3", timestamp=time.time()))
    server.save("declined", UserUttered("no thanks", timestamp=time.time()))
    server.save("hurt", UserUttered("no thanks", timestamp=time.time()))

    assert asyncio.run(server.store.run(handoff_queue.standing, queued)).position == 1  # the others don't count
    assert asyncio.run(server.store.run(handoff_queue.standing, in_form)).status == "offered"
    assert asyncio.run(server.check())["declined"] == [declined]
    assert (row(server.store, declined).status, row(server.store, declined).left_reason) == ("left", "declined_call")
    assert [row(server.store, h).status for h in (in_form, safety, queued)] == ["waiting"] * 3


def test_a_claim_tells_the_customer_who_is_here_and_a_takeover_who_stepped_away(server: Server):
    async def scenario() -> List[str]:
        widget = await Widget(server.loopback.base).open()
        try:
            await server.on_server(conversation.joined(server.app, widget.session_id, "Sam Lee"))
            await server.on_server(conversation.joined(server.app, widget.session_id, "Ana Ruiz", "Sam Lee"))
            return await widget.heard(2)
        finally:
            await widget.close()

    heard = asyncio.run(scenario())
    assert heard == [
        text_of("utter_agent_joined", agent_name="Sam Lee"),
        text_of("utter_agent_took_over", agent_name="Ana Ruiz", previous_agent="Sam Lee"),
    ]
    assert "Sam Lee" in heard[0] and "had to step away" in heard[1]


def test_handoffs_queued_under_older_code_are_resumed_and_marked_once(server: Server):
    paused = handoff(server.store, "old-paused", START, queued=None)
    waiting_here = handoff(server.store, "in-queue", START, queued=None)
    offered = handoff(server.store, "offered-call", START, queued=None)
    held = handoff(server.store, "held", START, queued=None, status="claimed", agent="sam")
    server.save("old-paused", ConversationPaused())
    server.save("in-queue", SlotSet("in_queue", True))
    server.save("offered-call", UserUttered("no thanks", timestamp=time.time()))

    done = asyncio.run(server.on_server(upgrade.settle_old_queue(server.app, server.store)))
    assert done == {"resumed": [paused], "queued": [waiting_here, held], "offered": [offered]}
    assert [row(server.store, h).queued for h in (paused, waiting_here, offered, held)] == [True, True, False, True]
    tracker = server.tracker("old-paused")
    assert not tracker.is_paused() and tracker.get_slot("in_queue") is True
    again = asyncio.run(server.on_server(upgrade.settle_old_queue(server.app, server.store)))
    assert again == {"resumed": [], "queued": [], "offered": []}
    assert [e.type_name for e in server.tracker("old-paused").events].count("resume") == 1


# -- a cluster: the words reach a widget connected to another instance, through Redis ----------


@pytest.fixture
def redis_url(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    from launch.cluster.services import Redis

    redis = Redis(free_port(), tmp_path_factory.mktemp("redis")).start(timeout=20)
    monkeypatch.setenv("GRACIOUS_REDIS_URL", redis.url)
    try:
        yield redis.url
    finally:
        redis.stop()


def test_words_said_on_one_instance_reach_a_widget_connected_to_another(
    redis_url: str, queue_settings: None, clock: Clock
):
    first, second = Server().start(), Server().start()  # two Rasa instances, one Redis

    async def scenario() -> Optional[List[str]]:
        widget = await Widget(second.loopback.base).open()  # connected to the second instance only
        try:
            assert widget.session_id not in conversation.open_widgets(first.app)
            await asyncio.sleep(1)  # the first instance's manager subscribes to Redis
            sent = await first.on_server(
                conversation.say(first.app, widget.session_id, "utter_queue_back", None, position=2, wait="a minute")
            )
            assert sent is True
            return await widget.heard(1)
        finally:
            await widget.close()

    try:
        heard = asyncio.run(scenario())
    finally:
        first.stop()
        second.stop()
    assert heard == [text_of("utter_queue_back", position=2, wait="a minute")]
    assert "about a minute" in heard[0]
