"""A message sent twice is answered once: REST clients may retry with the same message_id.

A customer's message can reach an instance that dies before it answers; the
client sees an error and sends the message again, which nginx hands to another
instance. If the first instance had already stored the message, handling it again
would make the customer say it twice. With a ``message_id`` in the request (the
widget and the soak send one), a message whose id is already in the conversation
is not handled again: the replies it got are sent back instead.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.events import BotUttered, UserUttered

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


async def earlier_answer(agent: Any, sender: Text, message_id: Text) -> Optional[List[Dict[Text, Any]]]:
    """The replies to the message with ``message_id``, if this conversation already has it."""
    tracker = await agent.tracker_store.retrieve(sender)
    if tracker is None:
        return None
    events = list(tracker.events)[-SEARCHED_EVENTS:]
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message_id:
            replies = []
            for later in events[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    replies.append(reply_of(sender, later))
            return replies
    return None
