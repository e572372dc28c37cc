"""A message in another language gets a kind answer, never a misreading.

"¿Hablan español?" is, to an English classifier, noise it forces into some intent;
a reference extractor may take a word of it for a coupon code. This component runs
after them: when the message has a word of another language (catalog/languages.yml)
or py3langid is sure it is in one (three words or more, or a script other than Latin), the intent becomes out_of_scope with full
confidence, the entities are dropped, and the message is marked `language` with the
language's code. action_redirect_out_of_scope then says, in English and in that
language when we have the words (catalog/languages.yml), that we can only help in
English here, and offers a person.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at, word_pattern
from server.nlu.stateless import StatelessComponent

WORDS_FILE = CATALOG_DIR / "languages.yml"
LANGUAGE_KEY = "language"
CLOSING_KEY = "closing_language"  # thanks and goodbye in another language
PERSON_KEY = "person_asked"  # a person asked for in another language
INTENT_NAME = "out_of_scope"
# Languages told apart; anything the model leans towards outside these is not flagged.
CANDIDATES = ["en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr", "ru", "uk", "zh", "ja", "ko", "ar", "hi", "vi"]
# How sure the model must be; English with typos and slang stays well below it.
CONFIDENCE = 0.97
# Words only English has, among those customers type: one is enough to stay in English.
ENGLISH = re.compile(
    r"\b(?:the|my|i|i'm|im|you|your|is|was|and|to|it|it's|this|that|what|where|why|how|please|pls|"
    r"order|bill|call|calling|refund|help|want|need|got|get|with|for|of|not|don't|dont|can't|cant|"
    # Everyday English the identifier takes for Italian ("no. gotta run": blind panel p55 D02).
    r"gotta|gonna|wanna|nope|yeah|yep|yup|bye|thanks|sorry|hey|later|just)\b",
    re.IGNORECASE,
)
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(CANDIDATES)
    return identifier


@lru_cache(maxsize=4)
def _words(modified_ns: int) -> Dict[str, Any]:
    raw = (yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}).get("languages") or {}
    return {str(code): word_pattern(words or []) for code, words in raw.items()}


@lru_cache(maxsize=4)
def _closings(modified_ns: int) -> Tuple[Any, Any]:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    fillers = [str(w) for w in raw.get("closing_fillers") or []]
    return word_pattern([str(w) for w in raw.get("closings") or []]), word_pattern(fillers)


@lru_cache(maxsize=4)
def _person_words(modified_ns: int) -> Any:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    return word_pattern(raw.get("person_words") or [])


def closes_in_another_language(text: Text) -> bool:
    """ "gracias! no, nada más", "merci, au revoir": short, and nothing but thanks and goodbyes."""
    if len(text.split()) > 6:
        return False
    closings, fillers = _closings(changed_at(WORDS_FILE))
    if not closings.search(text):
        return False
    return not LETTER.search(fillers.sub(" ", closings.sub(" ", text)))


def other_language(text: Text) -> Optional[Text]:
    """The code of the language ``text`` is written in, when it is surely not English."""
    letters = LETTER.findall(text or "")
    if not letters:
        return None
    if len(ENGLISH.findall(text)) >= 2:
        return None  # "obrigada, that is all": English with a word of another language
    language, confidence = _identifier().classify(text)
    found = {code: len(p.findall(text)) for code, p in _words(changed_at(WORDS_FILE)).items()}
    most = max(found.values(), default=0)
    if most:
        tied = [code for code, count in found.items() if count == most]
        return str(language) if language in tied else tied[0]
    if language == "en":
        return None
    if sum(1 for c in letters if not LATIN.match(c)) > len(letters) / 2:
        return str(language)  # another script: not English, however short
    words = [w for w in text.split() if LETTER.search(w)]
    if ENGLISH.search(text):
        return None  # "ok im calling 911": a word only English has settles it
    return str(language) if confidence >= CONFIDENCE and len(words) >= 3 else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageSignal(StatelessComponent):
    """Marks a message in another language, so it is answered kindly and never misread."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.startswith("/") and closes_in_another_language(text):
                # Thanks and goodbye in another language: the warm close, not the notice.
                closing = {"name": "goodbye", "confidence": 1.0}
                message.set(INTENT, closing, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [closing], add_to_output=True)
                message.set(ENTITIES, [], add_to_output=True)
                message.set(CLOSING_KEY, True, add_to_output=True)
                continue
            language = other_language(text) if not text.startswith("/") else None
            if language is None:
                continue
            intent = {"name": INTENT_NAME, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            # "si, una persona que hable español": a person is brought in (action_redirect_out_of_scope).
            message.set(PERSON_KEY, bool(_person_words(changed_at(WORDS_FILE)).search(text)), add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            # An order or bill number keeps its meaning in any language ("pedido LK-10424"):
            # kept, so it is never asked for again. Anything else could be a misreading.
            kept = [
                e
                for e in message.get(ENTITIES) or []
                if e.get("entity") == "order_id" and str(e.get("value", "")).upper().startswith(("LK-", "BL-"))
            ]
            message.set(ENTITIES, kept, add_to_output=True)
            message.set(LANGUAGE_KEY, language, add_to_output=True)
        return messages
