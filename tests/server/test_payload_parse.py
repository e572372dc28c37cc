"""A button's payload unpacked without the model (server/dialogue/payloads.py) gives exactly the
parse Rasa's whole NLU graph gives it, on the trained model, for every button of the domain."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, Iterator, List

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage

from gracious.settings import ROOT
from server.dialogue import typed_choices
from server.dialogue.payloads import payload_parse
from tests.e2e.conftest import model_path


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    yield Agent.load(str(model_path()))


def button_payloads() -> List[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    found = {
        button["payload"]
        for variations in domain["responses"].values()
        for variation in variations
        for button in variation.get("buttons") or []
    }
    # The payloads our code builds (alternatives, typed choices as clicks), with entities and without.
    found |= {
        '/choose_alternative{"alternative": "goodwill_credit"}',
        '/choose_alternative{"alternative": "refund", "order_id": "LK-10421"}',
        "/greet",
        "/request_human",
        '/inform{"email": "ana@example.com"}',
    }
    return sorted(p for p in found if not re.search(r"\{[a-z_]+\}", p))  # no unfilled placeholders


def test_there_are_payloads_to_compare() -> None:
    assert len(button_payloads()) >= 10


def graph(agent: Agent, text: str) -> Dict[str, Any]:
    return asyncio.run(typed_choices._rasa_graph_parse(agent.processor, UserMessage(text, sender_id="t")))


@pytest.mark.parametrize("payload", button_payloads())
def test_a_payload_parses_as_the_model_would(agent: Agent, payload: str) -> None:
    fast = payload_parse(agent.processor, UserMessage(payload, sender_id="t"))
    assert fast is not None
    assert fast == graph(agent, payload)


@pytest.mark.parametrize("text", ["/", "/not_an_intent_we_have", "/greet{broken", "/choose_alternative{x}"])
def test_an_odd_payload_is_read_as_the_model_reads_it_or_left_to_the_model(agent: Agent, text: str) -> None:
    fast = payload_parse(agent.processor, UserMessage(text, sender_id="t"))
    assert fast is None or fast == graph(agent, text)


@pytest.mark.parametrize("text", ["hello /greet", " the refund please", "refund pls /"])
def test_words_go_to_the_model(agent: Agent, text: str) -> None:
    assert payload_parse(agent.processor, UserMessage(text, sender_id="t")) is None
