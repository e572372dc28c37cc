"""The Rasa server's responses, read live from domain.yml: wording edits need no training.

endpoints.yml names this class as Rasa's response generator (``nlg: type:
server.dialogue.live_words.LiveWordsGenerator``); Rasa 3.6 makes it in the server
process itself (rasa/core/nlg/generator.py), so a response costs no HTTP call.

It is Rasa's own TemplatedNaturalLanguageGenerator in every way but one: its
``responses`` are gracious/responses.py's live ones. Conditional variations, channel
variations, buttons and our whole-words rule (server/dialogue/whole_words.py,
installed over ``generate_from_slots`` by overrides/dialogue.py) work exactly as
before, on the live responses. When Rasa loads a model it hands the model's
responses over (``Agent.load_model`` sets ``nlg.responses``): they become the first
good version, and the names the file must keep.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from gracious import responses as live_responses
from gracious.response_checks import Responses

# The version one generate() call sees throughout: per asyncio task (and thread), so two
# replies worded at once never see each other's version, even if Rasa's generate awaits.
_PINNED: ContextVar[Optional[Responses]] = ContextVar("gracious_pinned_responses", default=None)


class LiveWordsGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's response generator over the live responses of GRACIOUS_DOMAIN."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        self.live = live_responses.live()
        live_responses.serve(self.live)
        super().__init__(domain.responses if domain is not None else {})

    @property  # type: ignore[override]
    def responses(self) -> Responses:
        """The responses to say now: the file's latest good version."""
        pinned = _PINNED.get()
        return pinned if pinned is not None else self.live.current()

    @responses.setter
    def responses(self, model_responses: Responses) -> None:
        # Rasa hands over a newly loaded model's responses (and {} before any model).
        if model_responses:
            self.live.bind_model(model_responses)

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        """Rasa's generate, every look at the responses seeing the same version."""
        token = _PINNED.set(self.live.current())
        try:
            return await super().generate(utter_action, tracker, output_channel, **kwargs)
        finally:
            _PINNED.reset(token)
