"""A few turns worked on at once, the others waiting their turn in the order they came.

Rasa runs every message's prediction loop as soon as it has been parsed: with twenty
customers typing, twenty loops share the event loop, each going to the back of the line at
every ``await`` (an action, a database call), so a complaint turn of four actions waits
behind everyone four times and takes many times its own length, while a short turn
slips through. Here at most GRACIOUS_TURNS_AT_ONCE loops run at a time (``0``: no limit,
as Rasa does); the rest wait at the door, first come first served. The same work is done,
in a fairer order: a long turn no longer pays for everyone else's, which is what the
slowest answers (the p95) were made of (docs/speed.md). Parsing is not held here: it runs
in the NLU worker (overrides/nlu_process.py) while the server works on other turns.

Only with the actions in this process (GRACIOUS_ACTIONS=in-process, the default): with the action
server, each step's work is in another process and the server waits on it, so holding a place
through it only makes the others wait (the cluster's soak answered fewer and apologised more).
A turn waits for its place at most LONGEST_WAIT_SECONDS: when the turns at work are stuck on
something slow, the next goes in beside them, as Rasa would let it, instead of queueing behind
them. A loop started inside another (a reminder, an external event) is never held twice.
"""

from __future__ import annotations

import asyncio
import weakref
from contextvars import ContextVar
from typing import Any, Optional

from rasa.core.processor import MessageProcessor

from gracious.settings import settings
from overrides import in_process
from overrides.patch import Patch

_rasa_run_prediction_loop = MessageProcessor._run_prediction_loop

# One gate per event loop (the tests start several loops in one process).
_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()
# A turn waits at most this long for its place, so one stuck on something slow never holds up everyone else.
LONGEST_WAIT_SECONDS = 2.0


class _Place:
    """A turn's place among those at work: whether it holds one right now."""

    def __init__(self, door: asyncio.Semaphore) -> None:
        self.door = door
        self.holding = False

    async def take(self) -> None:
        try:
            await asyncio.wait_for(self.door.acquire(), LONGEST_WAIT_SECONDS)
            self.holding = True
        except asyncio.TimeoutError:
            # The turns at work are stuck on something slow: this one goes in beside them rather than wait behind them.
            self.holding = False

    def give_up(self) -> None:
        if self.holding:
            self.holding = False
            self.door.release()


# The turn's place; the same object in the tasks the turn starts (an action call under a deadline).
_place: ContextVar[Optional[_Place]] = ContextVar("gracious_place_among_turns", default=None)


def gate() -> Optional[asyncio.Semaphore]:
    """This event loop's gate, or None with no limit set or the actions on the action server."""
    limit = settings().turns_at_once
    if limit <= 0 or not in_process.in_process():
        return None
    loop = asyncio.get_running_loop()
    if loop not in _gates:
        _gates[loop] = asyncio.Semaphore(limit)
    return _gates[loop]


async def _run_prediction_loop(self: MessageProcessor, output_channel: Any, tracker: Any) -> None:
    """Rasa's prediction loop, once a place among the turns at work is free."""
    door = gate()
    if door is None or _place.get() is not None:
        return await _rasa_run_prediction_loop(self, output_channel, tracker)
    place = _Place(door)
    await place.take()
    token = _place.set(place)
    try:
        return await _rasa_run_prediction_loop(self, output_channel, tracker)
    finally:
        _place.reset(token)
        place.give_up()


PATCHES = [Patch(MessageProcessor, "_run_prediction_loop", _run_prediction_loop)]
