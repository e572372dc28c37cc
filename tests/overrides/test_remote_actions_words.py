"""The domain a call to the action server carries has the live responses
(overrides/remote_actions.py with gracious/responses.py), and is otherwise Rasa's."""

from __future__ import annotations

import copy
import os
import timeit
from pathlib import Path
from typing import Iterator

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from gracious import responses
from gracious.settings import ROOT
from overrides.remote_actions import _rasa_call_format, _recent_call_format


@pytest.fixture
def live_domain(tmp_path: Path) -> Iterator[Path]:
    """A copy of domain.yml served live, as the running Rasa server serves it."""
    path = tmp_path / "domain.yml"
    path.write_text((ROOT / "domain.yml").read_text(encoding="utf-8"), encoding="utf-8")
    reader = responses.LiveResponses(path)
    reader.bind_model(Domain.load(str(ROOT / "domain.yml")).responses)
    responses.serve(reader)
    yield path
    reader.settle()
    responses.serve(None)


def edit_greeting(path: Path, words: str) -> None:
    text = path.read_text(encoding="utf-8")
    before = path.stat().st_mtime_ns
    path.write_text(text.replace("Good to see you. I'm Gracious", words, 1), encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_without_a_live_generator_the_call_is_rasa_s(rasa_domain, bill_dispute) -> None:
    action = RemoteAction("action_empathize", None)
    assert _recent_call_format(action, bill_dispute(), rasa_domain)["domain"] is rasa_domain.as_dict()


def test_the_call_carries_the_words_of_the_file_now(live_domain, rasa_domain, bill_dispute) -> None:
    action = RemoteAction("action_empathize", None)
    kept = copy.deepcopy(rasa_domain.as_dict())
    edit_greeting(live_domain, "Lovely to see you. I'm Gracious")
    live = responses.serving()
    assert live is not None
    live.current()
    live.settle()

    ours = _recent_call_format(action, bill_dispute(), rasa_domain)
    rasas = _rasa_call_format(action, bill_dispute(), rasa_domain)
    greetings = [v["text"] for v in ours["domain"]["responses"]["utter_greet"]]
    assert any(t.startswith("Lovely to see you. I'm Gracious") for t in greetings)
    # Everything else is Rasa's, and Rasa's own domain dict is left as it was.
    assert {**ours["domain"], "responses": None} == {**rasas["domain"], "responses": None}
    assert rasa_domain.as_dict() == kept
    assert ours["domain"]["responses"] is live.current()


def test_the_live_words_cost_a_call_next_to_nothing(live_domain, rasa_domain, bill_dispute) -> None:
    """The substitution is a stat and a copy of the domain's top level: well under a millisecond."""
    action = RemoteAction("action_empathize", None)
    tracker = bill_dispute()
    live = responses.serving()
    responses.serve(None)
    before = min(timeit.repeat(lambda: _recent_call_format(action, tracker, rasa_domain), number=50, repeat=3)) / 50
    responses.serve(live)
    after = min(timeit.repeat(lambda: _recent_call_format(action, tracker, rasa_domain), number=50, repeat=3)) / 50
    print(f"call format: {before * 1e3:.3f} ms without live words, {after * 1e3:.3f} ms with")
    assert after - before < 0.001
