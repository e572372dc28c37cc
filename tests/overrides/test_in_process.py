"""Custom actions in the Rasa server's process (overrides/in_process.py): the same events and
words as the action server gives, bounded by the turn's deadline, failures logged without
customer text, the event loop never blocked."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any, Dict, Iterator, List, Text

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Action
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection

from gracious.catalog_model import CatalogError
from gracious.settings import ROOT, settings
from launch.action_server import TOKEN_HEADER
from launch.launcher import free_port
from overrides import in_process, turn

SECRET_WORDS = "my neighbour Ingrid Falkenberg"


def call(name: str, domain: Any, tracker: DialogueStateTracker) -> Any:
    """``RemoteAction.run`` as Rasa calls it, through every override (overrides/turn.py)."""
    action = RemoteAction(name, None)
    return action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)


def comparable(events: List[Any]) -> List[Dict[Text, Any]]:
    return [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in events]


@pytest.fixture
def action_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """launch.action_server in its own process on a free port, with this test's databases."""
    port, token = free_port(), "a-test-secret-for-the-action-server"
    env = {**os.environ, "GRACIOUS_ACTION_TOKEN": token, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "launch.action_server", "--port", str(port), "--actions", "actions"],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the action server did not start"
                time.sleep(0.3)
        monkeypatch.setenv("GRACIOUS_ACTION_TOKEN", token)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_in_process_is_the_default_and_a_wrong_mode_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings().actions_mode == in_process.IN_PROCESS and in_process.in_process()
    monkeypatch.setenv("GRACIOUS_ACTIONS", "Server")
    assert not in_process.in_process()
    monkeypatch.setenv("GRACIOUS_ACTIONS", "elsewhere")
    with pytest.raises(ValueError, match="GRACIOUS_ACTIONS must be in-process or server, not 'elsewhere'"):
        settings()


def test_a_project_action_gives_here_what_the_action_server_gives(
    action_server: str, monkeypatch: pytest.MonkeyPatch, rasa_domain, bill_dispute
) -> None:
    here = asyncio.run(call("action_empathize", rasa_domain, bill_dispute()))
    monkeypatch.setenv("GRACIOUS_ACTIONS", "server")
    endpoint = EndpointConfig(action_server, headers={TOKEN_HEADER: os.environ["GRACIOUS_ACTION_TOKEN"]})
    remote = RemoteAction("action_empathize", endpoint)
    nlg = TemplatedNaturalLanguageGenerator(rasa_domain.responses)
    there = asyncio.run(remote.run(CollectingOutputChannel(), nlg, bill_dispute(), rasa_domain))
    assert here and comparable(here) == comparable(there)
    assert any(event.as_dict()["event"] == "bot" for event in here)  # words were said, not only slots


class _Actions:
    """Actions of the test's own, registered in the process's executor for one test."""

    def __init__(self) -> None:
        self.added: List[str] = []

    def add(self, action: Action) -> None:
        in_process.executor().actions[action.name()] = in_process.never_blocking(action.run)
        self.added.append(action.name())


@pytest.fixture
def test_actions() -> Iterator[_Actions]:
    actions = _Actions()
    yield actions
    for name in actions.added:
        in_process.executor().actions.pop(name, None)


class _Hung(Action):
    def name(self) -> Text:
        return "test_hung"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[Text, Any]]:
        await asyncio.sleep(5)
        return []


class _Broken(Action):
    def __init__(self, error: Exception) -> None:
        self.error = error

    def name(self) -> Text:
        return "test_broken"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[Text, Any]]:
        raise self.error


class _Plain(Action):
    threads: List[int] = []

    def name(self) -> Text:
        return "test_plain"

    def run(self, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[Text, Any]]:
        _Plain.threads.append(threading.get_ident())
        time.sleep(0.3)  # blocking work: must not hold the event loop
        dispatcher.utter_message(text="Done on a worker thread.")
        return [{"event": "slot", "name": "case_kind", "value": "bill"}]


class _Rejecting(Action):
    def name(self) -> Text:
        return "test_rejecting"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[Text, Any]]:
        raise SdkRejection("test_rejecting", "not this slot")


def test_an_action_gets_only_the_time_left_in_its_turn(test_actions, rasa_domain, bill_dispute) -> None:
    test_actions.add(_Hung())

    async def run() -> Dict[str, Any]:
        with turn.opened(0.6) as this:
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await call("test_hung", rasa_domain, bill_dispute())
            return {"took": time.monotonic() - started, "failed": this.failed, "timed_out": this.timed_out}

    seen = asyncio.run(run())
    assert seen["took"] < 2.0 and seen["failed"] and seen["timed_out"]


def test_a_failed_action_fails_the_turn_and_its_words_stay_out_of_the_log(
    test_actions, rasa_domain, bill_dispute, caplog: pytest.LogCaptureFixture
) -> None:
    test_actions.add(_Broken(ValueError(f"the customer said {SECRET_WORDS}")))

    async def run() -> bool:
        with turn.opened(5) as this:
            with pytest.raises(in_process.ActionFailed, match="'test_broken'") as failed:
                await call("test_broken", rasa_domain, bill_dispute())
            assert not failed.value.designers_mistake
            return this.failed

    with caplog.at_level(logging.ERROR):
        assert asyncio.run(run())
    assert "ValueError (message not logged)" in caplog.text and SECRET_WORDS not in caplog.text


def test_a_designers_mistake_is_one_line_and_the_turn_gets_its_apology(
    test_actions, rasa_domain, bill_dispute, caplog: pytest.LogCaptureFixture
) -> None:
    mistake = CatalogError(
        ROOT / "catalog" / "policies.yml", "policy 'late_delivery'", "'goodwil_credit' is not in the list", line=12
    )
    test_actions.add(_Broken(mistake))

    async def run() -> Any:
        with turn.opened(5) as this:
            said = await call("test_broken", rasa_domain, bill_dispute())
            return said, this.failed

    with caplog.at_level(logging.WARNING):
        said, failed = asyncio.run(run())
    assert said == [] and failed  # nothing kept of the action; the channel apologises for the turn
    assert "Traceback" not in caplog.text and "goodwil_credit" in caplog.text


def test_a_plain_def_run_runs_on_a_worker_thread_and_the_loop_keeps_going(
    test_actions, rasa_domain, bill_dispute
) -> None:
    _Plain.threads = []
    test_actions.add(_Plain())

    async def run() -> Any:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        ticking = asyncio.ensure_future(ticker())
        said = await call("test_plain", rasa_domain, bill_dispute())
        ticking.cancel()
        return said, ticks

    said, ticks = asyncio.run(run())
    assert _Plain.threads and _Plain.threads[0] != threading.get_ident()
    assert ticks >= 5  # the loop ran while the action slept 0.3 s
    events = comparable(said)
    assert events[0]["event"] == "bot" and events[0]["text"] == "Done on a worker thread."
    assert events[1] == {"event": "slot", "name": "case_kind", "value": "bill"}


def test_a_form_s_rejection_is_rasa_s_rejection(test_actions, rasa_domain, bill_dispute) -> None:
    test_actions.add(_Rejecting())
    with pytest.raises(ActionExecutionRejection, match="not this slot"):
        asyncio.run(call("test_rejecting", rasa_domain, bill_dispute()))


def test_every_project_action_is_a_coroutine_here() -> None:
    runs = in_process.executor().actions
    assert "action_empathize" in runs
    assert all(asyncio.iscoroutinefunction(run) for run in runs.values())
