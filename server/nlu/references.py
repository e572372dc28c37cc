"""Reference extractor: order and bill numbers, coupon codes, amounts, emails, phones.

Customers type references every which way ("#LK10421", "lk 10421", "order 10426",
"welcome10", "fifty bucks"). The CRF learns the words around entities but not every
format, so this component finds these five kinds with `gracious.references`, the one
place their formats are defined, and replaces whatever an earlier extractor said about
them. Slots are then filled with normal forms ("LK-10421", "WELCOME10", "50.00").
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from gracious import references
from server.nlu.stateless import StatelessComponent

KINDS = {"order_id", "coupon_code", "amount", "email", "phone"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ReferenceExtractor(StatelessComponent, EntityExtractorMixin):
    """Finds references with `gracious.references` and owns those entity types."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            kept = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) not in KINDS]
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: ref.entity,
                    ENTITY_ATTRIBUTE_VALUE: ref.value,
                    ENTITY_ATTRIBUTE_START: ref.start,
                    ENTITY_ATTRIBUTE_END: ref.end,
                    "confidence_entity": 1.0,
                }
                for ref in references.the_case_code(text, references.find(text))
            ]
            found = self.add_extractor_name(found)
            kept = [e for e in kept if not any(_overlap(e, f) for f in found)]
            message.set(
                ENTITIES, sorted(kept + found, key=lambda e: e.get(ENTITY_ATTRIBUTE_START, 0)), add_to_output=True
            )
        return messages


def _overlap(a: Dict[Text, Any], b: Dict[Text, Any]) -> bool:
    return a.get("start", 0) < b.get("end", 0) and b.get("start", 0) < a.get("end", 0)
