"""The smaller calls to the action server (overrides/remote_actions.py) carry what
rasa_sdk's actions read, check answers as Rasa does, and give up after the setting."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker

from gracious.settings import settings
from overrides import remote_actions
from overrides.remote_actions import (
    PAYLOAD_EVENTS,
    _rasa_call_format,
    _rasa_validate_action_result,
    _recent_call_format,
    _validate_action_result,
)

# These tests call an action server over HTTP (in-process: tests/overrides/test_in_process.py).
pytestmark = pytest.mark.usefixtures("actions_on_a_server")


def conversation(tracker: DialogueStateTracker, turns: int) -> DialogueStateTracker:
    """A recorded bill dispute, then ``turns`` more exchanges, and a form left open."""
    for n in range(turns):
        tracker.update(UserUttered(f"and another thing {n}", intent={"name": "inform", "confidence": 0.9}))
        tracker.update(ActionExecuted("utter_ask_more"))
        tracker.update(BotUttered(f"Noted, {n}.", metadata={"utter_action": "utter_ask_more"}))
        tracker.update(ActionExecuted("action_listen"))
    for event in (
        UserUttered(
            "my coupon failed",
            intent={"name": "coupon_problem", "confidence": 1.0},
            entities=[{"entity": "coupon_code", "value": "SPRING15", "start": 0, "end": 1}],
        ),
        ActionExecuted("case_form"),
        ActiveLoop("case_form"),
        SlotSet("requested_slot", "coupon_code"),
    ):
        tracker.update(event)
    return tracker


def calls(tracker: DialogueStateTracker, domain: Domain) -> tuple:
    action = RemoteAction("case_form", None)
    return _recent_call_format(action, tracker, domain), _rasa_call_format(action, tracker, domain)


def test_the_overrides_are_installed():
    assert RemoteAction._action_call_format is _recent_call_format
    assert RemoteAction._validate_action_result is _validate_action_result
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == settings().action_timeout != remote_actions._rasa_request_timeout


def test_a_short_conversation_is_sent_exactly_as_rasa_sends_it(rasa_domain, bill_dispute):
    ours, rasas = calls(conversation(bill_dispute(), 3), rasa_domain)
    assert len(rasas["tracker"]["events"]) < PAYLOAD_EVENTS
    assert ours == rasas


def test_a_long_conversation_sends_its_recent_events_and_everything_else_as_rasa_does(rasa_domain, bill_dispute):
    ours, rasas = calls(conversation(bill_dispute(), 150), rasa_domain)
    assert len(rasas["tracker"]["events"]) > PAYLOAD_EVENTS
    assert ours["tracker"]["events"] == rasas["tracker"]["events"][-PAYLOAD_EVENTS:]
    assert {**ours["tracker"], "events": None} == {**rasas["tracker"], "events": None}
    assert {**ours, "tracker": None} == {**rasas, "tracker": None}  # the domain, the action, the version
    # What a rasa_sdk action reads of its tracker.
    small, full = Tracker.from_dict(ours["tracker"]), Tracker.from_dict(rasas["tracker"])
    for read in (
        lambda t: t.current_slot_values(),
        lambda t: t.latest_message,
        lambda t: t.active_loop,
        lambda t: t.get_intent_of_latest_message(),
        lambda t: list(t.get_latest_entity_values("coupon_code")),
        lambda t: t.latest_action_name,
        lambda t: t.followup_action,
        lambda t: t.is_paused(),
        lambda t: t.slots_to_validate(),
        lambda t: t.get_last_event_for("bot"),
        lambda t: [e for e in t.events if e["event"] == "user"][-20:],
    ):
        assert read(small) == read(full)


RESULTS = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "coupon_code", "value": "SPRING15"}], "responses": [{"text": "hi"}]},
    {"events": [{"event": "followup", "name": "action_listen", "timestamp": None}]},
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [{"event": "slot", "name": "x", "timestamp": "yesterday"}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "hello"},
]


@pytest.mark.parametrize("result", RESULTS, ids=[json.dumps(r)[:40] for r in RESULTS])
def test_an_answer_is_accepted_or_refused_as_rasa_does(result: Dict[str, Any]):
    def outcome(validate: Any) -> Any:
        try:
            return validate(RemoteAction("a", None), result)
        except ValidationError as error:
            return error.message

    assert outcome(_validate_action_result) == outcome(_rasa_validate_action_result)


def test_some_answers_are_refused():
    refused = 0
    for result in RESULTS:
        try:
            _validate_action_result(RemoteAction("a", None), result)
        except ValidationError as error:
            refused += 1
            assert "Failed to validate Action server response" in error.message
    assert refused >= 3


class _Slow(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        time.sleep(3)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_action_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    finally:
        server.shutdown()
        server.server_close()


def test_a_call_gives_up_after_the_configured_timeout(rasa_domain, bill_dispute, monkeypatch, slow_action_server):
    monkeypatch.setenv("GRACIOUS_ACTION_TIMEOUT", "0.5")
    timeout = next(p for p in remote_actions.patches() if p.name == "DEFAULT_REQUEST_TIMEOUT")
    assert timeout.replacement == 0.5
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", timeout.replacement)
    action = RemoteAction("case_form", EndpointConfig(slow_action_server))
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(
            action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator({}),
                conversation(bill_dispute(), 0),
                rasa_domain,
            )
        )
    assert time.monotonic() - started < 2.5


def test_a_bad_timeout_setting_is_named(monkeypatch):
    monkeypatch.setenv("GRACIOUS_ACTION_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="GRACIOUS_ACTION_TIMEOUT"):
        remote_actions.patches()
