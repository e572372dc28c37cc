"""Rasa's CRF entity extractor, leaving the training data as it found it.

Rasa's ``CRFEntityExtractor.train`` writes its BILOU tags into the shared training
messages (``bilou_utils.apply_bilou_schema``). The intent classifier and the synonym
mapper train on those same messages, and Rasa's training cache keys each component by
the fingerprint of what it receives: when the CRF trains first, they are cached under
the tagged messages' fingerprint, which the next `rasa train` never computes (it
fingerprints the untagged output of the featurizers). So after any training in which
the CRF trained (an NLU edit), the next one (a rule or a response added) retrained the
logistic regression and the synonym mapper for nothing: about a minute.

This subclass trains exactly as Rasa's does (same model), then takes its tags off the
messages again. Measured by `make bench ARGS="--only retrain"` (docs/speed.md).
"""

from __future__ import annotations

from typing import List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import BILOU_ENTITIES, BILOU_ENTITIES_GROUP, BILOU_ENTITIES_ROLE
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BILOU_KEYS = (BILOU_ENTITIES, BILOU_ENTITIES_ROLE, BILOU_ENTITIES_GROUP)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class UntaggingCRFEntityExtractor(CRFEntityExtractor):
    """``CRFEntityExtractor``, whose training leaves no BILOU tags on the shared training data."""

    def train(self, training_data: TrainingData) -> Resource:
        added: List[Tuple[Message, str]] = [
            (message, key)
            for message in training_data.training_examples
            for key in BILOU_KEYS
            if key not in message.data
        ]
        try:
            return super().train(training_data)
        finally:
            for message, key in added:
                if key in message.data:
                    del message.data[key]
                    message._cached_fingerprint = None  # as Message.set does
