"""Our NLU components: the pretrained sentence features and the reference extractor, through Rasa."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import numpy as np
import pytest

from bot.nlu.sentence_features import embed


def test_sentence_vectors_are_deterministic_normalised_and_512_wide():
    first = embed(["I need to get a rebate", "where is my parcel"])
    again = embed(["I need to get a rebate", "where is my parcel"])
    assert first.shape == (2, 512) and first.dtype == np.float32
    assert np.allclose(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert embed([]).shape == (0, 512)


def test_a_paraphrase_is_closer_than_an_unrelated_sentence():
    anchor, paraphrase, unrelated = embed(
        ["how do I get my money back", "I'd like a reimbursement please", "what's the weather in Madrid"]
    )
    assert float(anchor @ paraphrase) > float(anchor @ unrelated) + 0.1


TRAINING = """
version: "3.1"
nlu:
- intent: request_refund
  examples: |
    - i want my money back
    - can i get a refund
    - please refund me
    - refund my order
    - i'd like to return this and get paid back
- intent: check_order_status
  examples: |
    - where is my order
    - has my parcel shipped
    - when will my package arrive
    - track my delivery
    - my order hasn't come yet
"""

CONFIG = """
recipe: default.v1
language: en
assistant_id: component-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: bot.nlu.sentence_features.SentenceEncoderFeaturizer
  - name: LogisticRegressionClassifier
  - name: bot.nlu.references.ReferenceExtractor
policies: []
"""


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    from rasa.model_training import train_nlu

    folder = tmp_path_factory.mktemp("nlu")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RASA_CACHE_DIRECTORY", str(folder / "cache"))  # not the project's .rasa/cache
        return _train(folder, train_nlu)


def _train(folder: Path, train_nlu) -> str:
    (folder / "nlu.yml").write_text(textwrap.dedent(TRAINING))
    (folder / "config.yml").write_text(textwrap.dedent(CONFIG))
    model = train_nlu(str(folder / "config.yml"), str(folder / "nlu.yml"), str(folder / "models"))
    assert model and Path(model).exists()
    return model


def parse(model: str, text: str) -> dict:
    from rasa.core.agent import Agent

    return asyncio.run(Agent.load(model).parse_message(text))


def test_rasa_trains_and_parses_with_the_components(small_model):
    # No word of "reimbursement" or "shipment" is in the training data: the sentence
    # features carry the meaning.
    assert parse(small_model, "I'm after a reimbursement")["intent"]["name"] == "request_refund"
    result = parse(small_model, "any news on the shipment of lk 10422?")
    assert result["intent"]["name"] == "check_order_status"
    assert [(e["entity"], e["value"], e["extractor"]) for e in result["entities"]] == [
        ("order_id", "LK-10422", "ReferenceExtractor")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "i'm allergic to oat milk and honestly my throat feels a bit itchy",
        "the heater SPARKS when i switch it on",
        "my son choked on a piece of the toy",
        "the charger caught fire last night",
    ],
)
def test_health_or_danger_becomes_a_request_for_a_person_marked_safety(text):
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "dispute_charge", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("intent") == {"name": "request_human", "confidence": 1.0}
    assert message.get("safety") is True


@pytest.mark.parametrize("text", ["i'm sick of this", "what a shocking bill, honestly", "my order is late"])
def test_ordinary_messages_are_left_alone(text):
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "dispute_charge", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("intent")["name"] == "dispute_charge" and message.get("safety") is None
