"""The dialogue plugins' two hooks into Rasa's message handling.

The logic lives in server/dialogue/; these are the places Rasa calls it from:
- every parsed message is read against the last buttons and for a repair or a
  second problem (server/dialogue/typed_choices.py);
- a response is chosen only among variations whose placeholders are all filled
  (server/dialogue/whole_words.py).
"""

from __future__ import annotations

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor

from overrides.patch import Patch
from server.dialogue import typed_choices, whole_words

PATCHES = [
    Patch(MessageProcessor, "parse_message", typed_choices.parse_with_choices),
    Patch(TemplatedNaturalLanguageGenerator, "generate_from_slots", whole_words.generate_whole),
]
