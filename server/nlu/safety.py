"""Safety first: a message about health or danger goes to a person, whatever else it says.

"i'm allergic to oat milk and my throat feels itchy" is, to an intent classifier, a
complaint about a café order; answering it with the remake policy would be wrong.
This component runs last in the pipeline: when the message has a word from
catalog/safety.yml (read again when the file changes, no retraining), the intent
becomes request_human with full confidence and the message is marked `safety`, so
action_handoff first urges urgent help and puts the case first in the desk's queue.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from gracious.settings import CATALOG_DIR
from gracious.signals import says_they_are_all_right
from gracious.wordlists import changed_at, word_pattern
from server.nlu.stateless import StatelessComponent

WORDS_FILE = CATALOG_DIR / "safety.yml"
SAFETY_KEY = "safety"
SAFETY_INTENT = "request_human"
HELP_HERE_INTENT = "help_arrived"


@lru_cache(maxsize=4)
def _patterns(modified_ns: int) -> Dict[str, Any]:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    names = (
        "words",
        "asked_before",
        "not_had",
        "symptoms",
        "help_here",
        "figures_of_speech",
        "danger_denied",
        "feeling_off",
    )
    return {name: word_pattern(raw.get(name) or []) for name in names}


# The words that only name an allergy, not a symptom: with a question asked before a visit, no emergency.
ALLERGY_ONLY = re.compile(r"\b(?:allergic|allergy|allergies|coeliac|celiac|intoleran\w*)\b", re.I)
# An intolerance, which is not an allergy: "im lactose intolerant", "intolerant to gluten".
INTOLERANCE = re.compile(
    r"\b(?:(?:lactose|dairy|gluten|wheat|milk)\s+)?intoleran\w*(?:\s+to\s+(?:lactose|dairy|gluten|wheat|milk))?\b", re.I
)
ALLERGY = re.compile(r"\b(?:allergic|allergy|allergies|coeliac|celiac|anaphyla\w*)\b", re.I)
# The mark on a parse whose wrong food or drink meets an intolerance, nothing said of feeling unwell: the case with a
# word of care (actions/empathize.py), never the emergency line.
CARE_KEY = "care"


def is_about_safety(text: Text) -> bool:
    """Whether the text has a word that signals a health or safety risk; not a question asked before
    a visit about what is in the food, with no symptom ("is anything nut free? my son has an allergy")."""
    if not text:
        return False
    found = _patterns(changed_at(WORDS_FILE))
    text = found["figures_of_speech"].sub(" ", text)  # "i feel sick just looking at it": disgust, not a symptom
    text = found["danger_denied"].sub(" ", text)  # "why would i call 911?? its a jacket", "nothing caught fire"
    if not found["words"].search(text):
        return False
    return (
        not asked_before_a_visit(text, found)
        and not named_but_not_had(text, found)
        and not intolerance_only(text, found)
    )


def intolerance_only(text: Text, found: Optional[Dict[str, Any]] = None) -> bool:
    """ "they gave me a cappuccino with normal milk. im lactose intolerant" (blind panel p48 14): an intolerance
    named, no allergy, nothing of feeling unwell (catalog/safety.yml `symptoms`) nor any other word of danger.
    Not an emergency: the wrong order put right, with a word of care."""
    found = found or _patterns(changed_at(WORDS_FILE))
    if not INTOLERANCE.search(text) or ALLERGY.search(text):
        return False
    rest = INTOLERANCE.sub(" ", text)
    return not found["words"].search(rest) and not found["symptoms"].search(rest)


def care_for(text: Text) -> str:
    """The word of care an intolerance gets: "intolerance", or "intolerance_unwell" when the customer says they feel
    a bit off already ("so im not feeling great either": catalog/safety.yml `feeling_off`)."""
    return (
        "intolerance_unwell" if _patterns(changed_at(WORDS_FILE))["feeling_off"].search(text or "") else "intolerance"
    )


def named_but_not_had(text: Text, found: Optional[Dict[str, Any]] = None) -> bool:
    """ "got a latte with cows milk. im lactose intolerant so i cant drink it": an allergy named of
    something not eaten or drunk, no symptom (catalog/safety.yml `not_had`, `symptoms`)."""
    found = found or _patterns(changed_at(WORDS_FILE))
    if not ALLERGY_ONLY.search(text) or not found["not_had"].search(text):
        return False
    rest = found["not_had"].sub(" ", ALLERGY_ONLY.sub(" ", text))
    return not found["words"].search(rest) and not found["symptoms"].search(rest)


def asked_before_a_visit(text: Text, found: Optional[Dict[str, Any]] = None) -> bool:
    """ "are the pastries safe for my son's peanut allergy? we're going this afternoon": an allergy
    named in a question about the food, no symptom (catalog/safety.yml `asked_before`, `symptoms`)."""
    found = found or _patterns(changed_at(WORDS_FILE))
    rest = ALLERGY_ONLY.sub(" ", text)
    return (
        bool(ALLERGY_ONLY.search(text))
        and not found["words"].search(rest)
        and bool(found["asked_before"].search(text))
        and not found["symptoms"].search(text)
    )


def symptom_told(text: Text) -> bool:
    """ "he already ATE it. what do i do", "now his mouth feels tingly": eaten, or a sign of the body, in words that
    are only a symptom beside an allergy told earlier in the chat (catalog/safety.yml `symptoms`)."""
    if not text:
        return False
    found = _patterns(changed_at(WORDS_FILE))
    text = found["danger_denied"].sub(" ", found["figures_of_speech"].sub(" ", text))
    return bool(found["symptoms"].search(text))


def help_has_come(text: Text) -> bool:
    """ "the paramedics are here now", "she's ok now": help has come or the danger is over
    (catalog/safety.yml `help_here`)."""
    return bool(text) and bool(_patterns(changed_at(WORDS_FILE))["help_here"].search(text))


def denies_danger(text: Text) -> bool:
    """ "no nothing caught fire, it just flickers", "my throat is fine": the danger said not to be there
    (catalog/safety.yml `danger_denied`), and no other word of danger beside it."""
    found = _patterns(changed_at(WORDS_FILE))
    return bool(text) and bool(found["danger_denied"].search(text)) and not is_about_safety(text)


def says_all_right(text: Text) -> bool:
    """Help has come, or the person is all right (gracious/signals.says_they_are_all_right): said after a worry."""
    return help_has_come(text) or says_they_are_all_right(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetySignal(StatelessComponent):
    """Turns a message about health or danger into a request for a person, marked `safety`."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if help_has_come(text):
                # Never the urgent line again once help is there (nor a call time asked).
                intent = {"name": HELP_HERE_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
                continue
            if not is_about_safety(text):
                if intolerance_only(text) and not named_but_not_had(text):
                    message.set(CARE_KEY, care_for(text), add_to_output=True)
                continue
            intent = {"name": SAFETY_INTENT, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            message.set(SAFETY_KEY, True, add_to_output=True)
        return messages
