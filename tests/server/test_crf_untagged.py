"""server/nlu/crf.py: the CRF trains as Rasa's does, and leaves the shared training data (so its
fingerprint, the key of the components trained after it in Rasa's cache) as it found it."""

from __future__ import annotations

from pathlib import Path
from typing import Type

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import LexicalSyntacticFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from server.nlu.crf import UntaggingCRFEntityExtractor

EXAMPLES = """
version: "3.1"
nlu:
- intent: complain_item
  examples: |
    - my [lamp](item) arrived broken
    - the [jacket](item) has a tear
    - the [mug](item) came chipped
    - my [sofa](item) is the wrong colour
    - my [kettle](item) arrived broken
    - the [scarf](item) has a hole
    - my [lamp](item) is the wrong size
    - the [kettle](item) came dented
    - my [mug](item) arrived cracked
    - the [lamp](item) has a scratch
- intent: greet
  examples: |
    - hello
    - hi there
"""


TOKENIZER = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


def featurizer(tmp_path: Path) -> LexicalSyntacticFeaturizer:
    """The CRF learns only from messages with features: a lexical featurizer, trained on the examples."""
    cls = LexicalSyntacticFeaturizer
    (tmp_path / "features").mkdir(exist_ok=True)
    storage = LocalModelStorage(tmp_path / "features")
    made = cls.create(cls.get_default_config(), storage, Resource("features"), ExecutionContext(GraphSchema({}), "t"))
    made.train(tokenized(None))
    return made


def tokenized(features: LexicalSyntacticFeaturizer | None) -> TrainingData:
    data = RasaYAMLReader().reads(EXAMPLES)
    TOKENIZER.process_training_data(data)
    if features is not None:
        features.process_training_data(data)
    return data


def trained(cls: Type[CRFEntityExtractor], data: TrainingData, tmp_path: Path) -> CRFEntityExtractor:
    (tmp_path / cls.__name__).mkdir(exist_ok=True)
    storage = LocalModelStorage(tmp_path / cls.__name__)
    context = ExecutionContext(GraphSchema({}), "test")
    extractor = cls.create(cls.get_default_config(), storage, Resource(cls.__name__), context)
    extractor.train(data)
    return extractor


def test_rasa_s_crf_tags_the_shared_data_and_so_changes_its_fingerprint(tmp_path) -> None:
    data = tokenized(featurizer(tmp_path))
    before = data.fingerprint()
    trained(CRFEntityExtractor, data, tmp_path)
    assert data.fingerprint() != before  # the cause: what the components after it were cached under


def test_ours_leaves_the_data_as_it_was_and_extracts_the_same_entities(tmp_path) -> None:
    features = featurizer(tmp_path)
    data = tokenized(features)
    before = data.fingerprint()
    ours = trained(UntaggingCRFEntityExtractor, data, tmp_path)
    assert data.fingerprint() == before
    assert not any(key.startswith("bilou") for message in data.training_examples for key in message.data)

    rasa_s = trained(CRFEntityExtractor, tokenized(features), tmp_path)
    for text in ("my lamp arrived broken", "the kettle has a tear", "hello"):
        found = []
        for extractor in (ours, rasa_s):
            message = Message(data={"text": text})
            TOKENIZER.process([message])
            features.process([message])
            extractor.process([message])
            found.append([(e["entity"], e["value"]) for e in message.get("entities", [])])
        assert found[0] == found[1], text
        assert found[0] == ([] if text == "hello" else [("item", text.split()[1])]), text
