"""A customer's message is stored the moment it arrives, before the assistant works on it.

Rasa 3.6 keeps a new message in memory while it runs the turn's actions, sends the
replies as they come, and stores the message with the turn's events at the end.
An instance that dies in between (killed, out of memory, a machine lost) loses the
customer's message although the customer may already have seen replies. Here the
message is stored first (one more write per message); the rest of the turn is
stored at its end as before. The conversation then continues on another instance
with the customer's words in it, and a retry with the same message_id is
recognised (server/channels/idempotency.py).
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from overrides.patch import Patch

_rasa_log_message = MessageProcessor.log_message


async def _log_and_store(self: MessageProcessor, message: UserMessage, should_save_tracker: bool = True) -> Any:
    return await _rasa_log_message(self, message, should_save_tracker=True)


PATCHES = [Patch(MessageProcessor, "log_message", _log_and_store)]
