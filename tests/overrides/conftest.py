"""What the overrides' tests run Rasa's own code on: the project's domain with a
recorded conversation, and a tiny assistant trained once per test run.

The tiny assistant answers "hello" with two responses (a rule), so a turn has a
first reply and a second one; nothing in it needs the action server.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import ROOT

RECORDED = ROOT / "tests" / "studio" / "fixtures" / "bill_dispute_tracker.json"

DOMAIN = """
version: "3.1"
intents:
  - greet
responses:
  utter_greet:
    - text: "Hello there."
  utter_help:
    - text: "How can I help?"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""
CONFIG = """
recipe: default.v1
assistant_id: tiny
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: KeywordIntentClassifier
policies:
  - name: RulePolicy
"""
DATA = """
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hello
      - hi
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
      - action: utter_help
"""


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trained tiny assistant (about ten seconds, once)."""
    from rasa.model_training import train

    folder = tmp_path_factory.mktemp("tiny")
    for name, text in (("domain.yml", DOMAIN), ("config.yml", CONFIG), ("data.yml", DATA)):
        (folder / name).write_text(textwrap.dedent(text))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RASA_CACHE_DIRECTORY", str(folder / "cache"))  # not the project's .rasa/cache
        result = train(
            str(folder / "domain.yml"), str(folder / "config.yml"), [str(folder / "data.yml")], str(folder / "models")
        )
    assert result.code == 0 and result.model, result
    return Path(result.model)


@pytest.fixture(scope="session")
def rasa_domain() -> Domain:
    """domain.yml as Rasa reads it."""
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def bill_dispute(rasa_domain: Domain) -> Callable[[], DialogueStateTracker]:
    """A recorded bill dispute: a new tracker of it at each call."""
    events = json.loads(RECORDED.read_text())["events"]
    return lambda: DialogueStateTracker.from_dict("recorded", events, rasa_domain.slots)


@pytest.fixture
def actions_on_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's HTTP call to an action server (GRACIOUS_ACTIONS=server), for the tests of that call."""
    monkeypatch.setenv("GRACIOUS_ACTIONS", "server")
