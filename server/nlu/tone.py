"""Sarcasm is frustration: "wow, fantastic service as always" is not praise.

An intent classifier reads the words of praise. This component runs after it: when
a message read as thanks, feedback, a yes or a greeting has a sarcastic phrase, or
a word of praise together with a word of trouble (catalog/signals.yml: `sarcasm`,
`mocking`, `praise`, `trouble`; read again when the file changes, no retraining), the intent
becomes express_frustration and the message is marked `sarcasm`; a message that tells a problem of its own
("great so my headphones crackle in the left ear now", blind panel p48 24) is read as that problem instead,
marked `sarcasm` as well, so the case opens and the tone is heard in its sympathy.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Text

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from gracious.settings import CATALOG_DIR
from gracious.signals import about_staff_conduct, says_it_is_faulty, says_it_is_late
from gracious.wordlists import changed_at, word_pattern
from server.nlu.stateless import StatelessComponent

WORDS_FILE = CATALOG_DIR / "signals.yml"
# What sarcasm is mistaken for.
PRAISE_INTENTS = {"thank", "give_feedback", "affirm", "greet"}
FRUSTRATION = "express_frustration"


@lru_cache(maxsize=4)
def _patterns(modified_ns: int) -> Dict[str, Any]:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    return {name: word_pattern(raw.get(name) or []) for name in ("sarcasm", "mocking", "praise", "trouble")}


def is_sarcastic(text: Text) -> bool:
    """Whether a message that sounds pleased is really not."""
    found = _patterns(changed_at(WORDS_FILE))
    if found["sarcasm"].search(text) or found["mocking"].search(text) or "/s" in text.split():
        return True
    # "Nothing wrong, I just wanted to say the barista ... was lovely" (blind panel p72 AF-10: "things have really piled
    # up"): trouble said not to be there is none.
    untroubled = NONE_WRONG.sub(" ", text)
    return bool(found["praise"].search(text) and found["trouble"].search(untroubled))


NONE_WRONG = re.compile(
    r"\b(?:nothing(?:'s|s)?|no|not\s+a|not\s+any)\s+(?:is\s+)?(?:wrong|problems?|complaints?|issues?|trouble)\b", re.I
)


def mocks(text: Text) -> bool:
    """Whether a message says one of the phrases that mock what they name (catalog/signals.yml `mocking`: "how
    wonderful", "yeah right"): an option named in them is not chosen ("oh great, the credit then" chooses it)."""
    return bool(_patterns(changed_at(WORDS_FILE))["mocking"].search(text or ""))


def _problem_told(text: Text) -> Text:
    """The case a sarcastic message tells (something that doesn't work, an order that is late, staff who were rude),
    else frustration."""
    if about_staff_conduct(text):
        return "complain_service"
    if says_it_is_faulty(text):
        return "report_wrong_item"
    if says_it_is_late(text):
        return "check_order_status"
    return FRUSTRATION


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SarcasmSignal(StatelessComponent):
    """Reads sarcastic praise as frustration, marked `sarcasm`."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            # "oh the CEOs office team, how wonderful. very personal." under that option (blind panel p69 Y-07: taken as
            # a yes): an option named in plainly sarcastic words is no choice.
            mocked = intent in ("choose_alternative", "request_executive") and mocks(text)
            if not mocked and (intent not in PRAISE_INTENTS or not is_sarcastic(text)):
                continue
            reread = {"name": _problem_told(message.get(TEXT) or ""), "confidence": 1.0}
            message.set(INTENT, reread, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [reread], add_to_output=True)
            message.set("sarcasm", True, add_to_output=True)
            if mocked:
                message.set("mocked_choice", True, add_to_output=True)
        return messages
