"""A button's payload ("/choose_alternative{...}") read without running the NLU model.

Rasa 3.6 runs every message through the whole NLU graph, tokenizers, featurizers, the
sentence encoder, the classifier and the entity extractor, and only then lets its
``RegexMessageHandler`` replace what they found with the intent and entities written in
the payload. For a click, or a typed choice read as one (server/dialogue/typed_choices.py),
that is about ten milliseconds of work whose result is thrown away (bench/profile.py).
Here a payload is unpacked with the same function the handler uses
(``YAMLStoryReader.unpack_regex_message``), and gives the same parse
(tests/server/test_payload_parse.py compares the two on every button of the domain).
Anything that is not a well-formed payload of a known intent goes to the model as before.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

# The name Rasa's handler gives the entities it unpacks (rasa/nlu/classifiers/regex_message_handler.py).
HANDLER = "RegexMessageHandler"


def payload_parse(processor: MessageProcessor, message: UserMessage) -> Optional[Dict[str, Any]]:
    """The parse of ``message`` when it is a payload of an intent in the domain; None otherwise."""
    text = (message.text or "").strip()
    if not text.startswith(INTENT_MESSAGE_PREFIX) or processor.http_interpreter is not None:
        return None
    given = Message(data={TEXT: message.text})
    unpacked = YAMLStoryReader.unpack_regex_message(given, processor.domain, entity_extractor_name=HANDLER)
    if unpacked is given:
        return None  # not a payload, or an intent the domain doesn't know: the model reads it
    parsed: Dict[str, Any] = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
    parsed.update(unpacked.as_dict(only_output_properties=True))
    processor._check_for_unseen_features(parsed)
    return parsed
