"""What the desk does to a live conversation: show it, write in it as the agent, give it back.

The desk runs inside the Rasa server (server/desk/web.py), so it reaches the
conversation directly: the transcript from the tracker store, the agent's words
into the tracker and at once to the customer's widget over the socket.io channel,
and the assistant's own actions when it takes over again. Every word the customer
reads, other than the agent's own, is a response in domain.yml.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, ConversationResumed, SlotSet

from gracious.responses import spoken
from server.desk import cleaning

# How the widget shows an agent's message: {agent_name} is their name, {agent_words} their words.
AGENT_MESSAGE = "utter_agent_message"
# Replies the desk suggests to agents, following the playbook.
SUGGESTIONS = ("utter_desk_suggest_empathize", "utter_desk_suggest_apologize", "utter_desk_suggest_offer")
# The hand-back says what the agent arranged and offers what is still open (actions/handback.py);
# "anything else?" follows when nothing is.
HAND_BACK = ("action_handback",)
ANYTHING_ELSE = "utter_anything_else"
# Set while the customer waits in the queue (actions/handoff.py); the waiting rules read it.
IN_QUEUE = "in_queue"
CLOSE = ("action_close_conversation", "utter_ask_rating")


def transcript(tracker: Any) -> List[Dict[Text, Any]]:
    """The conversation as the agent reads it: who said what, when."""
    lines = []
    for event in tracker.events if tracker else []:
        if event.type_name == "user" and event.text:
            lines.append({"from": "customer", "text": event.text, "at": event.timestamp})
        elif event.type_name == "bot" and event.text:
            agent = (event.metadata or {}).get("agent")
            lines.append(
                {"from": "agent" if agent else "assistant", "agent": agent, "text": event.text, "at": event.timestamp}
            )
    return lines


def _first_text(domain: Any, response: Text) -> Text:
    variations = spoken(domain).get(response) or [{}]
    return variations[0].get("text") or ""


def suggestions(domain: Any) -> List[Text]:
    said = spoken(domain)
    return [_first_text(domain, key) for key in SUGGESTIONS if key in said]


def _markdown_safe(name: Text) -> Text:
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>])", r"\\\1", name)


def agent_message(domain: Any, display_name: Text, text: Text) -> Text:
    """The agent's words as the widget shows them, from the domain's ``utter_agent_message``."""
    values = {"agent_name": _markdown_safe(display_name), "agent_words": text}
    # One pass, so an agent's words are never read as placeholders themselves.
    return re.sub(
        r"\{(agent_name|agent_words)\}", lambda found: values[found.group(1)], _first_text(domain, AGENT_MESSAGE)
    )


def _socket(app: Any) -> Any:
    from server.channels.socketio import GraciousSocketIOInput

    return next((c for c in app.ctx.input_channels if isinstance(c, GraciousSocketIOInput)), None)


async def _append(app: Any, sender: Text, *events: Any) -> None:
    rasa_agent = app.ctx.agent
    async with rasa_agent.lock_store.lock(sender):
        tracker = await rasa_agent.tracker_store.get_or_create_tracker(sender)
        for event in events:
            tracker.update(event)
        await rasa_agent.tracker_store.save(tracker)


async def _run(app: Any, sender: Text, *actions: Text) -> None:
    rasa_agent = app.ctx.agent
    socket = _socket(app)
    output = socket.output_for() if socket else None
    if output is None:
        output = CollectingOutputChannel()
    for action in actions:
        prediction = PolicyPrediction.for_action_name(rasa_agent.domain, action, "desk", 1.0)
        async with rasa_agent.lock_store.lock(sender):
            await rasa_agent.processor.execute_action(sender, action, output, rasa_agent.nlg, prediction)
    # End the assistant's turn the way Rasa does, so the customer's next
    # message is read as a new turn.
    await _append(app, sender, ActionExecuted(ACTION_LISTEN_NAME))


async def reply(app: Any, sender: Text, display_name: Text, text: Text) -> None:
    """The agent's words, cleaned (cleaning.py): into the transcript, and to the customer's widget at once."""
    text = cleaning.plain(text)
    await _append(app, sender, BotUttered(text, metadata={"agent": display_name}))
    socket = _socket(app)
    if socket:
        widget_text = cleaning.for_widget(text)
        await socket.send_agent_message(sender, agent_message(app.ctx.agent.domain, display_name, widget_text))


async def pause(app: Any, sender: Text) -> None:
    """An agent holds the conversation now: the assistant falls silent (messages are still kept)."""
    await _append(app, sender, ConversationPaused())


async def resume(app: Any, sender: Text) -> None:
    """Nobody holds the conversation any more (its agent signed out): the assistant answers again."""
    await _append(app, sender, ConversationResumed())


async def set_in_queue(app: Any, sender: Text) -> None:
    """The customer waits in the queue: the waiting rules apply (server/desk/upgrade.py, for older queues)."""
    await _append(app, sender, SlotSet(IN_QUEUE, True))


async def forget_queue(app: Any, sender: Text) -> None:
    """The customer is no longer in the queue (they went away): the waiting rules stop applying."""
    await _append(app, sender, SlotSet(IN_QUEUE, None))


async def joined(app: Any, sender: Text, display_name: Text, taken_from: Optional[Text] = None) -> None:
    """An agent claimed the conversation: the customer is told who is here and that they have read
    what was written (after a colleague's silent desk: that the colleague had to step away), then
    the assistant falls silent."""
    if taken_from:
        await say(
            app,
            sender,
            "utter_agent_took_over",
            None,
            agent_name=_markdown_safe(display_name),
            previous_agent=_markdown_safe(taken_from),
        )
    else:
        await say(app, sender, "utter_agent_joined", None, agent_name=_markdown_safe(display_name))
    await pause(app, sender)


async def hand_back(
    app: Any,
    sender: Text,
    agent_name: Optional[Text] = None,
    handoff_id: Optional[int] = None,
    names: Optional[Dict[Text, Text]] = None,
) -> None:
    """The assistant takes the conversation again, says what the agent arranged and carries on from it.
    ``names``: the desk's display names by login name, so each grant is credited to the agent who made it."""
    handback = {"agent": agent_name, "handoff_id": handoff_id, "names": dict(names or {})}
    await _append(app, sender, ConversationResumed(), SlotSet(IN_QUEUE, None), SlotSet("handback", handback))
    await _run(app, sender, *HAND_BACK)
    tracker = await app.ctx.agent.tracker_store.retrieve(sender)
    said = [e for e in tracker.events if e.type_name == "bot"] if tracker else []
    if not (said and (said[-1].data or {}).get("buttons")):
        await _run(app, sender, ANYTHING_ELSE)


async def close(app: Any, sender: Text) -> None:
    """The assistant closes the conversation with its thanks, and asks for a rating."""
    await _append(app, sender, ConversationResumed(), SlotSet(IN_QUEUE, None))
    await _run(app, sender, *CLOSE)


async def say(
    app: Any, sender: Text, response: Text, buttons: Optional[List[Dict[Text, Any]]] = None, *slots: Any, **values: Any
) -> bool:
    """The assistant's ``response`` (with ``buttons``) into the conversation and, at once, to the
    customer's widgets; ``slots`` (SlotSet events) go in first. Whether it was sent to the widget.

    The words go to the session's room through the socket.io server's manager, as the replies
    do: in a cluster (the Redis manager, server/channels/socket_manager.py) every instance
    delivers them to the widgets connected to it, so a customer on another instance hears them.
    Which widgets are open here (``open_widgets``) is only for the queue's watch's own decisions."""
    rasa_agent = app.ctx.agent
    socket = _socket(app)
    async with rasa_agent.lock_store.lock(sender):
        tracker = await rasa_agent.tracker_store.get_or_create_tracker(sender)
        message = await rasa_agent.nlg.generate(response, tracker, socket.name() if socket else "rest", **values)
        text = (message or {}).get("text") or ""
        data = {"buttons": buttons} if buttons else {}
        for event in slots:
            tracker.update(event)
        tracker.update(BotUttered(text, data=data, metadata={"utter_action": response}))
        await rasa_agent.tracker_store.save(tracker)
    output = socket.output_for() if socket else None
    if output is None:
        return False
    await output.send_response(sender, {"text": text, **data})  # sio.emit(..., room=sender)
    return True


def open_widgets(app: Any) -> set:
    """The conversations with a widget open on this instance (the socket.io channel's confirmed sessions)."""
    socket = _socket(app)
    return set(getattr(socket, "_sessions", {}).values()) if socket else set()
