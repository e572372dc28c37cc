"""The dialogue plugins' hooks into Rasa's message handling.

The logic lives in server/dialogue/; these are the places Rasa calls it from:
- every parsed message is read against the last buttons and for a repair or a
  second problem (server/dialogue/typed_choices.py), and its other questions
  are marked (server/dialogue/also_asked.py);
- before the options, "anything else?" or listening again, those other questions are answered by
  action_answer_also_asked, whose words are kept without an action of its own in the
  conversation, so the rules read the next message against the turn as it was;
- a response is chosen only among variations whose placeholders are all filled
  (server/dialogue/whole_words.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.actions.action import action_for_name_or_text
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import settings
from overrides import turn
from overrides.patch import Patch
from server.dialogue import also_asked, whole_words

logger = logging.getLogger(__name__)
_rasa_run_action = MessageProcessor._run_action


async def answer_the_rest(
    processor: MessageProcessor, tracker: DialogueStateTracker, output_channel: OutputChannel
) -> None:
    """The answers to the message's other questions (action_answer_also_asked), its words only.

    A failure here costs only these answers, never the reply the turn has given."""
    also_asked.looked_up(tracker)
    current = turn.current()
    seconds = min(settings().action_timeout, current.remaining()) if current else settings().action_timeout
    if seconds <= 0:
        return
    action = action_for_name_or_text(also_asked.ACTION, processor.domain, processor.action_endpoint)
    try:
        events = await asyncio.wait_for(
            turn.call(action, output_channel, processor.nlg, tracker, processor.domain), seconds
        )
    except Exception:  # the turn's reply stands without the extra answers
        logger.warning("The other questions of a message could not be answered.", exc_info=True)
        return
    said = [e for e in events if isinstance(e, BotUttered)]
    tracker.update_with_events(said, processor.domain)
    await processor.execute_side_effects(said, tracker, output_channel)


async def run_action_answering_the_rest(
    self: MessageProcessor, action: Any, tracker: DialogueStateTracker, output_channel: Any, nlg: Any, prediction: Any
) -> bool:
    """Rasa's action step; before the options, "anything else?" or listening, the other questions answered."""
    if action.name() in (ACTION_LISTEN_NAME, *also_asked.BEFORE) and also_asked.pending(tracker):
        await answer_the_rest(self, tracker, output_channel)
    return await _rasa_run_action(self, action, tracker, output_channel, nlg, prediction)


PATCHES = [
    Patch(MessageProcessor, "parse_message", also_asked.parse_and_mark),
    Patch(MessageProcessor, "_run_action", run_action_answering_the_rest),
    Patch(TemplatedNaturalLanguageGenerator, "generate_from_slots", whole_words.generate_whole),
]
