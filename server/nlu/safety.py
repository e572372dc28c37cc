"""Safety first: a message about health or danger goes to a person, whatever else it says.

"i'm allergic to oat milk and my throat feels itchy" is, to an intent classifier, a
complaint about a café order; answering it with the remake policy would be wrong.
This component runs last in the pipeline: when the message has a word from
catalog/safety.yml (read again when the file changes, no retraining), the intent
becomes request_human with full confidence and the message is marked `safety`, so
action_handoff first urges urgent help and puts the case first in the desk's queue.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, List, Text

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at, word_pattern
from server.nlu.stateless import StatelessComponent

WORDS_FILE = CATALOG_DIR / "safety.yml"
SAFETY_KEY = "safety"
SAFETY_INTENT = "request_human"


@lru_cache(maxsize=4)
def _pattern(modified_ns: int) -> Any:
    return word_pattern((yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}).get("words") or [])


def is_about_safety(text: Text) -> bool:
    """Whether the text has a word that signals a health or safety risk."""
    return bool(text) and bool(_pattern(changed_at(WORDS_FILE)).search(text))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetySignal(StatelessComponent):
    """Turns a message about health or danger into a request for a person, marked `safety`."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not is_about_safety(message.get(TEXT) or ""):
                continue
            intent = {"name": SAFETY_INTENT, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            message.set(SAFETY_KEY, True, add_to_output=True)
        return messages
