"""Closed-loop load: each virtual customer sends its next message when the reply arrived.

A round runs ``conversations`` conversations (each a fresh sender) through
``concurrency`` virtual customers, over REST or over the widget's socket.io channel,
and records every turn's latency. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp
import socketio

from bench.conversations import Script

# A turn that takes longer than this counts as unanswered (the server is stuck, not slow).
TURN_TIMEOUT_S = 60.0
# socket.io has no end-of-turn marker: this long without a message after the first ends a turn.
QUIET_S = 2.0
BROWSER_COOKIE = "gracious_browser"  # server/channels/sessions.py; any random value is a new browser


@dataclass
class Turn:
    """One message and its answer."""

    script: int
    turn: int  # from 0
    latency_s: float
    replies: int
    ok: bool
    problem: str = ""  # why a turn failed: "status 500", "no reply", an exception's name
    short: bool = False  # socket.io: answered with fewer messages than the same turn over REST


@dataclass
class RoundResult:
    """Every turn of one round, and how long the round took from first send to last reply."""

    turns: List[Turn] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def latencies(self) -> List[float]:
        return [t.latency_s for t in self.turns if t.ok]

    @property
    def errors(self) -> int:
        return sum(1 for t in self.turns if not t.ok)

    @property
    def short_turns(self) -> int:
        return sum(1 for t in self.turns if t.short)

    @property
    def problems(self) -> Dict[str, int]:
        """How many turns failed, by why."""
        counts: Dict[str, int] = {}
        for turn in self.turns:
            if not turn.ok:
                counts[turn.problem] = counts.get(turn.problem, 0) + 1
        return counts


async def post_turn(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> Tuple[float, Optional[List[Dict[str, Any]]], str]:
    """(latency, replies, problem) of one REST turn; replies is None when the turn failed."""
    start = time.perf_counter()
    problem = ""
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as reply:
            body = await reply.json(content_type=None)
            if reply.status != 200 or not isinstance(body, list):
                problem = f"status {reply.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        body, problem = None, type(error).__name__
    if not problem and not body:
        problem = "no reply"  # a silent bot fails the turn, whatever the status
    return time.perf_counter() - start, (None if problem else body), problem


def client_session(concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=max(concurrency, 1))
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S))


async def _closed_loop(concurrency: int, conversations: int, converse: Any) -> RoundResult:
    """Run ``converse(index, result)`` for each conversation, ``concurrency`` at a time."""
    queue: "asyncio.Queue[int]" = asyncio.Queue()
    for index in range(conversations):
        queue.put_nowait(index)
    result = RoundResult()

    async def customer() -> None:
        while not queue.empty():
            await converse(queue.get_nowait(), result)

    start = time.perf_counter()
    await asyncio.gather(*(customer() for _ in range(concurrency)))
    result.duration_s = time.perf_counter() - start
    return result


async def rest_round(
    base_url: str, scripts: Sequence[Script], concurrency: int, conversations: int, prefix: str = "bench"
) -> RoundResult:
    """One round over REST: conversation i follows scripts[i % len(scripts)]."""
    url = f"{base_url}/webhooks/rest/webhook"
    async with client_session(concurrency) as session:

        async def converse(index: int, result: RoundResult) -> None:
            sender = f"{prefix}-{uuid.uuid4().hex[:12]}"
            which = index % len(scripts)
            for number, text in enumerate(scripts[which]):
                latency, replies, problem = await post_turn(session, url, sender, text)
                result.turns.append(Turn(which, number, latency, len(replies or []), not problem, problem))

        return await _closed_loop(concurrency, conversations, converse)


def socket_messages(rest_replies: Sequence[Dict[str, Any]]) -> int:
    """How many socket.io messages the same replies make: Rasa splits text at blank lines."""
    return sum(len(r["text"].strip().split("\n\n")) if r.get("text") else 1 for r in rest_replies)


async def _socket_conversation(
    base_url: str, script: Script, expected: Sequence[int], which: int, result: RoundResult
) -> None:
    """One widget conversation: a new browser (cookie), a session from the server, the script.

    The server binds session ids to the browser's cookie (server/channels/sessions.py), so a
    non-browser client sends a random ``gracious_browser`` cookie with the handshake,
    asks for a session with ``session_request`` and uses the id from ``session_confirm``.
    A turn ends when as many ``bot_uttered`` messages arrived as the same turn gets over
    REST (socket.io has no end-of-turn marker).
    """
    loop = asyncio.get_running_loop()
    confirmed: "asyncio.Future[str]" = loop.create_future()
    arrived: "asyncio.Queue[float]" = asyncio.Queue()
    client = socketio.AsyncClient(reconnection=False)
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda _data: arrived.put_nowait(time.perf_counter()))
    cookie = f"{BROWSER_COOKIE}={secrets.token_hex(16)}"
    try:
        await asyncio.wait_for(
            client.connect(base_url, socketio_path="/socket.io", headers={"Cookie": cookie}, transports=["websocket"]),
            TURN_TIMEOUT_S,
        )
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed, TURN_TIMEOUT_S)
    except (socketio.exceptions.ConnectionError, asyncio.TimeoutError):
        result.turns.extend(Turn(which, n, 0.0, 0, False, "no session") for n in range(len(script)))
        await client.disconnect()
        return
    try:
        for number, text in enumerate(script):
            start = time.perf_counter()
            await client.emit("user_uttered", {"message": text, "session_id": session_id})
            got, last = 0, start
            deadline = start + TURN_TIMEOUT_S
            while got < expected[number]:
                # After the first message, a quiet spell ends the turn: a reply may rightly be shorter
                # than the same turn's over REST in the warm-up (a credit granted there is "already
                # done" here, gracious/stores/grants.py); it counts as answered, shorter.
                wait = deadline - time.perf_counter() if got == 0 else min(QUIET_S, deadline - time.perf_counter())
                try:
                    last = await asyncio.wait_for(arrived.get(), max(wait, 0.001))
                except asyncio.TimeoutError:
                    break
                got += 1
            ok = got > 0
            result.turns.append(
                Turn(
                    which,
                    number,
                    (last if ok else time.perf_counter()) - start,
                    got,
                    ok,
                    "" if ok else f"{got} of {expected[number]} messages",
                    short=0 < got < expected[number],
                )
            )
    finally:
        await client.disconnect()


async def socketio_round(
    base_url: str,
    scripts: Sequence[Script],
    expected: Sequence[Sequence[int]],
    concurrency: int,
    conversations: int,
) -> RoundResult:
    """One round over the widget's socket.io channel; ``expected[s][t]`` messages answer turn t of script s."""

    async def converse(index: int, result: RoundResult) -> None:
        which = index % len(scripts)
        await _socket_conversation(base_url, scripts[which], expected[which], which, result)

    return await _closed_loop(concurrency, conversations, converse)


async def calibrate(base_url: str, scripts: Sequence[Script]) -> Tuple[List[str], List[List[List[Dict[str, Any]]]]]:
    """Each script once, one turn at a time: the senders and every turn's replies.

    This also warms the server up (the first messages load what Rasa loads lazily).
    """
    senders, replies = [], []
    url = f"{base_url}/webhooks/rest/webhook"
    async with client_session(1) as session:
        for script in scripts:
            sender = f"calibrate-{uuid.uuid4().hex[:12]}"
            turns = []
            for text in script:
                _, answer, _ = await post_turn(session, url, sender, text)
                turns.append(answer or [])
            senders.append(sender)
            replies.append(turns)
    return senders, replies


async def long_conversation(base_url: str, script: Script) -> List[Optional[float]]:
    """Every turn's latency (None if unanswered) of one long conversation, one sender."""
    url = f"{base_url}/webhooks/rest/webhook"
    sender = f"long-{uuid.uuid4().hex[:12]}"
    latencies: List[Optional[float]] = []
    async with client_session(1) as session:
        for text in script:
            latency, replies, _ = await post_turn(session, url, sender, text)
            latencies.append(latency if replies else None)
    return latencies


async def timed_requests(
    base_url: str, method: str, path: str, bodies: Sequence[Optional[Dict[str, Any]]]
) -> List[float]:
    """Latencies of sequential requests that answered 200 (e.g. /model/parse alone)."""
    latencies = []
    async with client_session(1) as session:
        for body in bodies:
            start = time.perf_counter()
            try:
                async with session.request(method, f"{base_url}{path}", json=body) as reply:
                    await reply.read()
                    if reply.status == 200:
                        latencies.append(time.perf_counter() - start)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
    return latencies


async def tracker_events(base_url: str, token: str, sender: str) -> List[Dict[str, Any]]:
    """A conversation's events from Rasa's HTTP API."""
    async with client_session(1) as session:
        async with session.get(f"{base_url}/conversations/{sender}/tracker", params={"token": token}) as reply:
            return (await reply.json()).get("events", []) if reply.status == 200 else []


def custom_action_turns(events: Sequence[Dict[str, Any]], custom: Sequence[str]) -> List[bool]:
    """For each user turn in the events, whether it ran an action of the action server."""
    turns: List[bool] = []
    for event in events:
        if event.get("event") == "user":
            turns.append(False)
        elif event.get("event") == "action" and turns and event.get("name") in custom:
            turns[-1] = True
    return turns


def actions_per_turn(events: Sequence[Dict[str, Any]]) -> List[int]:
    """For each user turn in the events, how many actions Rasa predicted and ran (not listening).

    Each is one pass of the policies over the tracker, so this separates "a turn that
    did more" from "a turn that was slow at what it did".
    """
    turns: List[int] = []
    for event in events:
        if event.get("event") == "user":
            turns.append(0)
        elif event.get("event") == "action" and turns and event.get("name") != "action_listen":
            turns[-1] += 1
    return turns
