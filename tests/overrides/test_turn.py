"""One deadline for a whole turn (overrides/turn.py): an action call gets only the time
left, the first failed call fails the turn, and a failed turn says and calls nothing more."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from gracious.settings import settings
from overrides import turn
from tests.overrides.test_durable import processor

# These tests call an action server over HTTP (in-process: tests/overrides/test_in_process.py).
pytestmark = pytest.mark.usefixtures("actions_on_a_server")


class _Hung(BaseHTTPRequestHandler):
    calls: List[float] = []

    def do_POST(self) -> None:  # noqa: N802
        _Hung.calls.append(time.monotonic())
        time.sleep(4)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hung_action_server() -> Iterator[str]:
    _Hung.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hung)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    finally:
        server.shutdown()
        server.server_close()


def test_the_override_is_installed():
    assert RemoteAction.run is turn._run_within_turn
    assert MessageProcessor._should_handle_message is turn._should_handle_message
    assert settings().turn_deadline_seconds == 15.0 < settings().action_timeout


def call(action: RemoteAction, rasa_domain: Any, tracker: DialogueStateTracker) -> Any:
    return action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, rasa_domain)


def test_a_call_gets_only_the_time_left_in_its_turn_then_the_turn_calls_nothing_more(
    rasa_domain, bill_dispute, hung_action_server
):
    action = RemoteAction("action_empathize", EndpointConfig(hung_action_server))

    async def run() -> Dict[str, Any]:
        with turn.opened(0.6) as this:
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await call(action, rasa_domain, bill_dispute())
            first = time.monotonic() - started
            started = time.monotonic()
            with pytest.raises(RasaException, match="not called"):
                await call(action, rasa_domain, bill_dispute())
            return {"first": first, "second": time.monotonic() - started, "failed": this.failed}

    seen = asyncio.run(run())
    # The action timeout is 20 s; the turn had 0.6 s left, and the second call none.
    assert seen["first"] < 2.5 and seen["second"] < 0.5 and seen["failed"]
    assert len(_Hung.calls) == 1


def test_outside_a_turn_a_call_is_rasas_own(rasa_domain, bill_dispute, hung_action_server, monkeypatch):
    from rasa.core.actions import action as rasa_action

    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 1.0)
    action = RemoteAction("action_empathize", EndpointConfig(hung_action_server))
    assert turn.current() is None
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(call(action, rasa_domain, bill_dispute()))
    with pytest.raises(asyncio.TimeoutError):  # called again: Rasa carries on after a failure
        asyncio.run(call(action, rasa_domain, bill_dispute()))
    assert len(_Hung.calls) == 2


class _FailsTurnAtFirstReply(CollectingOutputChannel):
    """As if an action call failed right after the first reply went out."""

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        await super()._persist_message(message)
        current = turn.current()
        if current is not None:
            current.failed = True


def test_a_failed_turn_says_nothing_more(tiny_model):
    from overrides.durable import _log_and_store

    async def replies(in_turn: bool) -> Tuple[List[str], List[str]]:
        rasa, store = processor(tiny_model, _log_and_store)
        output = _FailsTurnAtFirstReply()
        if in_turn:
            with turn.opened(10):
                await rasa.handle_message(UserMessage("hello", output, "maya"))
        else:
            await rasa.handle_message(UserMessage("hello", output, "maya"))
        stored = await store.retrieve("maya")
        actions = [e.action_name for e in stored.events if isinstance(e, ActionExecuted)]
        return [m["text"] for m in output.messages], actions[-3:]

    # Rasa's own, then the failed turn: one reply, and the conversation waits for the customer.
    assert asyncio.run(replies(in_turn=False)) == (
        ["Hello there.", "How can I help?"],
        ["utter_greet", "utter_help", "action_listen"],
    )
    assert asyncio.run(replies(in_turn=True)) == (["Hello there."], ["action_listen", "utter_greet", "action_listen"])


def test_an_action_failed_on_a_designers_mistake_is_told_apart_from_any_other_failure() -> None:
    from rasa.utils.endpoints import ClientResponseError

    def failed(body: bytes) -> RasaException:
        try:
            raise RasaException("Failed to execute custom action 'action_empathize'") from ClientResponseError(
                500,
                "Internal Server Error",
                body,  # type: ignore[arg-type] (aiohttp gives the body as bytes)
            )
        except RasaException as error:
            return error

    assert turn.designers_mistake(
        failed(b'{"error":"designers_mistake","message":"A designer\'s file has a mistake."}')
    )
    assert not turn.designers_mistake(failed(b'{"error":"action_failed","message":"The action failed."}'))
    assert not turn.designers_mistake(RasaException("no cause"))
