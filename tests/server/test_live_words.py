"""The Rasa server's response generator (server/dialogue/live_words.py): Rasa's own
choices (conditions, channels, buttons, whole words) over the live words of domain.yml."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
from rasa.core.agent import Agent
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from gracious import responses
from gracious.settings import ROOT
from server.dialogue import whole_words
from server.dialogue.live_words import LiveWordsGenerator

DOMAIN = """\
version: "3.1"
slots:
  order_status:
    type: any
    mappings:
      - type: custom
responses:
  utter_greet:
    - text: "Hello, I'm Gracious."
  utter_greet_web:
    - text: "Hello from the website."
      channel: socketio
    - text: "Hello from anywhere."
  utter_offer:
    - text: "Shall I?"
      buttons:
        - title: "Yes, please"
          payload: /affirm
  utter_status:
    - condition:
        - type: slot
          name: order_status
          value: shipped
      text: "It's on its way."
    - text: "Let me look."
  utter_refund:
    - text: "Your refund for {reference} is under way."
    - text: "Your refund is under way."
"""


def write(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.fixture
def domain_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "domain.yml"
    write(path, DOMAIN)
    monkeypatch.setenv("GRACIOUS_DOMAIN", str(path))
    return path


@pytest.fixture
def agent(domain_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Agent]:
    """An agent made as `rasa run` makes it from endpoints.yml, its model's responses handed over."""
    for name in ("GRACIOUS_ACTION_URL", "GRACIOUS_ACTION_TOKEN", "GRACIOUS_TRACKER_DB_URL"):
        monkeypatch.setenv(name, "unused")  # endpoints.yml's other entries ask for them
    made = Agent(generator=read_endpoint_config(str(ROOT / "endpoints.yml"), "nlg"))
    # What Agent.load_model does with a loaded model's domain.
    model = Domain.from_yaml(DOMAIN)
    assert isinstance(made.nlg, TemplatedNaturalLanguageGenerator)
    made.nlg.responses = model.responses
    yield made
    made.nlg.live.settle()
    responses.serve(None)


def say(agent: Agent, key: str, channel: str = "rest", slots: Optional[Dict[str, Any]] = None, **values: Any) -> Any:
    tracker = DialogueStateTracker("someone", [AnySlot("order_status", mappings=[{"type": "custom"}])])
    for name, value in (slots or {}).items():
        tracker.slots[name].value = value
    return asyncio.run(agent.nlg.generate(key, tracker, channel, **values))


def text(agent: Agent, key: str, **kwargs: Any) -> Optional[str]:
    said = say(agent, key, **kwargs)
    return None if said is None else said["text"]


def eventually(agent: Agent, key: str, expected: str, within: float = 5.0) -> float:
    started = time.monotonic()
    while text(agent, key) != expected:
        assert time.monotonic() - started < within, f"{key} still says {text(agent, key)!r}"
        time.sleep(0.02)
    return time.monotonic() - started


def test_endpoints_yml_makes_rasa_use_the_live_generator(agent) -> None:
    assert type(agent.nlg) is LiveWordsGenerator
    # Our whole-words rule is Rasa's generate_from_slots here too (overrides/dialogue.py).
    assert LiveWordsGenerator.generate_from_slots is whole_words.generate_whole
    assert responses.serving() is agent.nlg.live


def test_conditional_variations_are_chosen_as_rasa_chooses_them(agent) -> None:
    assert text(agent, "utter_status", slots={"order_status": "shipped"}) == "It's on its way."
    assert text(agent, "utter_status", slots={"order_status": "packed"}) == "Let me look."


def test_channel_variations_and_buttons_are_kept(agent) -> None:
    assert text(agent, "utter_greet_web", channel="socketio") == "Hello from the website."
    assert text(agent, "utter_greet_web", channel="rest") == "Hello from anywhere."
    assert say(agent, "utter_offer")["buttons"] == [{"title": "Yes, please", "payload": "/affirm"}]


def test_a_variation_with_an_empty_placeholder_is_never_chosen(agent) -> None:
    for _ in range(20):
        assert text(agent, "utter_refund", reference="") == "Your refund is under way."
    assert {text(agent, "utter_refund", reference="LK-10426") for _ in range(40)} == {
        "Your refund for LK-10426 is under way.",
    }


def test_a_wording_edit_is_said_within_seconds(agent, domain_file) -> None:
    assert text(agent, "utter_greet") == "Hello, I'm Gracious."
    write(domain_file, DOMAIN.replace("Hello, I'm Gracious.", "Welcome, I'm Gracious."))
    assert eventually(agent, "utter_greet", "Welcome, I'm Gracious.") < 5
    # Edited again: the newer words.
    write(domain_file, DOMAIN.replace("Hello, I'm Gracious.", "Hi, I'm Gracious."))
    eventually(agent, "utter_greet", "Hi, I'm Gracious.")


def test_a_broken_save_keeps_the_last_good_words_and_names_the_line(agent, domain_file, caplog) -> None:
    write(domain_file, DOMAIN.replace("Hello, I'm Gracious.", "Welcome, I'm Gracious."))
    eventually(agent, "utter_greet", "Welcome, I'm Gracious.")
    with caplog.at_level(logging.WARNING):
        write(
            domain_file,
            DOMAIN.replace("Hello, I'm Gracious.", "Broken.").replace('    - text: "Let me look."', "    -"),
        )
        for _ in range(5):
            assert text(agent, "utter_greet") == "Welcome, I'm Gracious."
            agent.nlg.live.settle()
    assert text(agent, "utter_greet") == "Welcome, I'm Gracious."
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "domain.yml:25: response 'utter_status' variation 2 is not a variation" in warnings[0]
    assert str(responses.responses_rejection()).startswith("domain.yml:25: ")


def test_a_response_the_model_has_cannot_go_from_the_file(agent, domain_file, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        write(domain_file, DOMAIN.replace("utter_offer:", "utter_offer_help:").replace("Hello,", "Hey,"))
        for _ in range(3):
            say(agent, "utter_greet")
            agent.nlg.live.settle()
    assert text(agent, "utter_greet") == "Hello, I'm Gracious."
    assert say(agent, "utter_offer")["text"] == "Shall I?"
    rejection = responses.responses_rejection()
    assert (
        rejection is not None and "'utter_offer' is in the running model but no longer in the file" in rejection.problem
    )
    assert "`make train`" in rejection.problem
    assert any("'utter_offer' is in the running model" in r.getMessage() for r in caplog.records)


def test_a_new_model_s_responses_are_the_ones_the_file_must_keep(agent, domain_file) -> None:
    write(domain_file, DOMAIN.replace("utter_offer:", "utter_offer_help:"))
    say(agent, "utter_greet")
    agent.nlg.live.settle()
    assert responses.responses_rejection() is not None
    # `make train` made a model with the new name: the file is good again.
    agent.nlg.responses = Domain.from_yaml(DOMAIN.replace("utter_offer:", "utter_offer_help:")).responses
    assert responses.responses_rejection() is None
    assert say(agent, "utter_offer_help")["text"] == "Shall I?"


def test_each_reply_sees_one_version_even_if_rasa_s_generate_awaits(agent, monkeypatch) -> None:
    """Two replies worded at once, the file changing between them: each sees its own version throughout."""
    versions = iter([{"utter_greet": [{"text": "first"}]}, {"utter_greet": [{"text": "second"}]}])
    monkeypatch.setattr(agent.nlg.live, "current", lambda: next(versions))

    async def awaiting_generate(self, utter_action, tracker, output_channel, **kwargs):
        before = self.responses["utter_greet"][0]["text"]
        await asyncio.sleep(0.01)  # the other reply starts meanwhile
        return {"text": f"{before}/{self.responses['utter_greet'][0]['text']}"}

    monkeypatch.setattr(TemplatedNaturalLanguageGenerator, "generate", awaiting_generate)
    tracker = DialogueStateTracker("someone", [])

    async def both() -> list:
        return await asyncio.gather(
            agent.nlg.generate("utter_greet", tracker, "rest"), agent.nlg.generate("utter_greet", tracker, "rest")
        )

    assert [said["text"] for said in asyncio.run(both())] == ["first/first", "second/second"]


def test_a_quiet_save_is_said_by_the_first_reply_after_it(agent, domain_file) -> None:
    assert text(agent, "utter_greet") == "Hello, I'm Gracious."
    write(domain_file, DOMAIN.replace("Hello, I'm Gracious.", "Lovely to see you."))
    time.sleep(1.5)  # no message in between
    assert text(agent, "utter_greet") == "Lovely to see you."
