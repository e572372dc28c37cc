"""overrides/turns_at_once.py: at most GRACIOUS_TURNS_AT_ONCE prediction loops at a time, the rest in the order
they came; a loop inside a loop is never held twice."""

from __future__ import annotations

import asyncio
from typing import Any, List, Tuple

import pytest
from rasa.core.processor import MessageProcessor

from overrides import turns_at_once


@pytest.fixture(autouse=True)
def actions_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRACIOUS_ACTIONS", "in-process")


@pytest.fixture
def loops(monkeypatch: pytest.MonkeyPatch) -> List[Tuple[str, str]]:
    """Rasa's loop replaced by one that records when each turn starts and ends, and yields in between."""
    seen: List[Tuple[str, str]] = []

    async def rasa_loop(processor: Any, output_channel: Any, tracker: Any) -> None:
        seen.append(("start", tracker))
        for _ in range(3):  # an action, a database call: the event loop runs others meanwhile
            await asyncio.sleep(0)
        if tracker == "outer":
            # A reminder's loop started from inside a turn: never waits for its own place.
            await turns_at_once._run_prediction_loop(processor, output_channel, "inner")
        seen.append(("end", tracker))

    monkeypatch.setattr(turns_at_once, "_rasa_run_prediction_loop", rasa_loop)
    return seen


async def _turns(*names: str) -> None:
    await asyncio.gather(*(turns_at_once._run_prediction_loop(None, None, name) for name in names))  # type: ignore


def test_one_at_a_time_runs_each_turn_whole_in_the_order_they_came(monkeypatch, loops):
    monkeypatch.setenv("GRACIOUS_TURNS_AT_ONCE", "1")
    asyncio.run(_turns("a", "b", "c"))
    assert loops == [("start", "a"), ("end", "a"), ("start", "b"), ("end", "b"), ("start", "c"), ("end", "c")]


def test_two_at_a_time_lets_the_third_in_only_when_one_is_done(monkeypatch, loops):
    monkeypatch.setenv("GRACIOUS_TURNS_AT_ONCE", "2")
    asyncio.run(_turns("a", "b", "c"))
    assert loops[:2] == [("start", "a"), ("start", "b")]
    assert loops.index(("start", "c")) > min(loops.index(("end", "a")), loops.index(("end", "b")))


def test_no_limit_is_rasa_as_it_is(monkeypatch, loops):
    monkeypatch.setenv("GRACIOUS_TURNS_AT_ONCE", "0")
    asyncio.run(_turns("a", "b", "c"))
    assert loops[:3] == [("start", "a"), ("start", "b"), ("start", "c")]


def test_a_loop_inside_a_turn_is_not_held_again(monkeypatch, loops):
    monkeypatch.setenv("GRACIOUS_TURNS_AT_ONCE", "1")
    asyncio.run(asyncio.wait_for(_turns("outer", "b"), 5))
    assert loops[:4] == [("start", "outer"), ("start", "inner"), ("end", "inner"), ("end", "outer")]
    assert loops[4:] == [("start", "b"), ("end", "b")]


def test_the_patch_is_installed_over_rasas_loop():
    assert MessageProcessor._run_prediction_loop is turns_at_once._run_prediction_loop


def test_a_turn_stuck_on_something_slow_holds_the_others_up_only_so_long(monkeypatch):
    monkeypatch.setenv("GRACIOUS_TURNS_AT_ONCE", "1")
    monkeypatch.setattr(turns_at_once, "LONGEST_WAIT_SECONDS", 0.05)
    seen: List[Tuple[str, str]] = []

    async def rasa_loop(processor: Any, output_channel: Any, tracker: Any) -> None:
        seen.append(("start", tracker))
        await asyncio.sleep(0.5 if tracker == "stuck" else 0)
        seen.append(("end", tracker))

    monkeypatch.setattr(turns_at_once, "_rasa_run_prediction_loop", rasa_loop)
    asyncio.run(_turns("stuck", "b"))
    assert seen == [("start", "stuck"), ("start", "b"), ("end", "b"), ("end", "stuck")]


def test_with_the_action_server_every_turn_goes_in_at_once(monkeypatch, loops):
    # The work of each step is in the action server's process: a place held through it only makes others wait.
    monkeypatch.setenv("GRACIOUS_TURNS_AT_ONCE", "1")
    monkeypatch.setenv("GRACIOUS_ACTIONS", "server")
    asyncio.run(_turns("a", "b", "c"))
    assert loops[:3] == [("start", "a"), ("start", "b"), ("start", "c")]
