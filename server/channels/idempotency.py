"""A message sent twice is answered once: REST clients may retry with the same message_id.

A customer's message can reach an instance that dies before it answers; the
client sees an error and sends the message again, which nginx hands to another
instance. If the first instance had already stored the message, handling it again
would make the customer say it twice. With a ``message_id`` in the request (the
widget and the soak send one), a message whose id is already in the conversation
is not handled again: the replies it got are sent back instead.

Only to its own caller, though: the earlier message must have come from the same
caller (its ``gracious_client`` metadata, server/channels/callers.py: the same
integration, or without tokens the same address) and have the same text. A
``message_id`` sent again by anyone else, or with other words, answers nothing
of the earlier turn (the REST channel says 409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.events import BotUttered, UserUttered

from server.channels.callers import CLIENT_KEY, caller_key

MAX_MESSAGE_ID_CHARS = 128
# Only the recent past is searched: a retry comes seconds after the first try.
SEARCHED_EVENTS = 2000


def reply_of(sender: Text, event: BotUttered) -> Dict[Text, Any]:
    """A stored bot message in the shape the REST channel answers with."""
    reply: Dict[Text, Any] = {"recipient_id": sender}
    if event.text:
        reply["text"] = event.text
    for key, value in (event.data or {}).items():
        if value:
            reply[key] = value
    return reply


@dataclass(frozen=True)
class Earlier:
    """A message already in the conversation under the same ``message_id``."""

    replies: List[Dict[Text, Any]]
    # Sent by the same caller with the same text: a true retry, which may have its replies.
    same: bool


def same_message(event: UserUttered, caller: Optional[Text], text: Text) -> bool:
    """Whether ``event`` is this caller's message with this text."""
    stored = caller_key((event.metadata or {}).get(CLIENT_KEY))
    return stored is not None and stored == caller and (event.text or "") == text


async def earlier_answer(
    agent: Any, sender: Text, message_id: Text, caller: Optional[Text], text: Text
) -> Optional[Earlier]:
    """The message with ``message_id``, if this conversation already has it, and its replies
    (none unless ``caller`` sent it with the same ``text``)."""
    tracker = await agent.tracker_store.retrieve(sender)
    if tracker is None:
        return None
    events = list(tracker.events)[-SEARCHED_EVENTS:]
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message_id:
            if not same_message(event, caller, text):
                return Earlier([], False)
            replies = []
            for later in events[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    replies.append(reply_of(sender, later))
            return Earlier(replies, True)
    return None
