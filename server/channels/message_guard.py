"""What every customer channel does around Rasa, whatever the transport.

Bad input gets a clear answer instead of a stack trace or silence, long messages
are trimmed and the customer is told, and when the action server is down the
customer's message is kept and they hear an apology and how we will reach them.
A whole turn has one deadline (GRACIOUS_TURN_DEADLINE_SECONDS, overrides/turn.py):
a turn that runs out of time or loses an action call ends in that same apology,
never in silence or half an answer. An email address or phone number the customer
wrote in a message that could not be answered goes to a handoff an agent sees.
The apology is kept in the conversation's history like any reply the assistant
gives (a bot event naming its response), so the desk's transcript and `make review`
show what the customer read. No customer text is written to the logs.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered

from gracious import codes, references
from gracious.settings import settings
from overrides import in_process, turn
from server.channels.failures import log_failure
from server.channels.wording import say

logger = logging.getLogger(__name__)

# How long a good action-server health check is trusted, in seconds.
HEALTH_TTL = 2.0
KEPT_CONTROL = {"\n", "\t"}
CONTACT_KINDS = ("email", "phone")


def clean_text(raw: Text) -> Tuple[Text, bool]:
    """Drop control characters, normalise, trim to the limit: (text, was_trimmed)."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        ch for ch in text if ch in KEPT_CONTROL or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()
    limit = settings().max_message_chars
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


class MessageGuard:
    """Cleans and trims the text, keeps the message and apologises when the action
    server is down, and apologises when a turn produced no reply at all."""

    def __init__(self) -> None:
        self._actions_ok_until = 0.0

    async def actions_alive(self, agent: Any) -> bool:
        """Whether the action server answers its health check (cached briefly); always, in-process."""
        if time.monotonic() < self._actions_ok_until or in_process.in_process():
            return True
        endpoint = getattr(agent, "action_endpoint", None)
        if endpoint is None or not endpoint.url:
            return True
        health = endpoint.url.rsplit("/webhook", 1)[0] + "/health"
        try:
            timeout = aiohttp.ClientTimeout(total=1.5)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(health) as reply:
                    alive = reply.status == 200
        except asyncio.TimeoutError:
            # Slow is not down: under load this server or the action server answers
            # late. Go on (without remembering it); the action call itself decides.
            return True
        except (aiohttp.ClientError, OSError):
            alive = False
        if alive:
            self._actions_ok_until = time.monotonic() + HEALTH_TTL
        return alive

    async def prepare(self, agent: Any, raw: Text, sender: Text) -> Tuple[Optional[Text], List[Dict[Text, Any]]]:
        """The cleaned text (None if nothing is left) and replies to send first."""
        text, trimmed = clean_text(raw)
        if not text:
            return None, [await say(agent, "utter_empty_message", sender)]
        if trimmed:
            return text, [await say(agent, "utter_message_trimmed", sender, limit=settings().max_message_chars)]
        return text, []

    async def run(
        self,
        agent: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message: UserMessage,
        replied: Callable[[], bool],
    ) -> List[Dict[Text, Any]]:
        """Hand the message to Rasa; returns the channel's own replies to send after.

        The whole turn has GRACIOUS_TURN_DEADLINE_SECONDS (overrides/turn.py): a turn
        that runs out of time or whose action call fails ends in one apology, and the
        replies a REST caller would have got from the half-finished turn are dropped.
        """
        with turn.opened(settings().turn_deadline_seconds) as this_turn:
            if not await self.actions_alive(agent) and not await self.with_agent(agent, message.sender_id):
                logger.warning("Action server unreachable; message kept (text not logged).")
                return await self._during_outage(agent, message)
            try:
                await asyncio.wait_for(on_new_message(message), max(this_turn.remaining(), 0.1))
            except asyncio.TimeoutError:
                this_turn.failed = this_turn.timed_out = True
            except Exception:  # noqa: BLE001 - the customer gets an apology, the log the error only
                log_failure(logger, "Handling a message failed (text not logged).")
                this_turn.failed = True
        if this_turn.failed and not await self.with_agent(agent, message.sender_id):
            why = "ran past its deadline" if this_turn.timed_out else "had an action call fail"
            logger.warning("A turn %s; the customer gets one apology (text not logged).", why)
            self._actions_ok_until = 0.0
            collected = getattr(message.output_channel, "messages", None)
            if isinstance(message.output_channel, CollectingOutputChannel) and collected:
                collected.clear()  # half a turn is not sent as if it were the answer
            return await self._apologise(agent, message, contact_in(message.text or ""))
        if replied() or await self.with_agent(agent, message.sender_id):
            # Silence is right while a person has the conversation (Rasa is paused).
            return []
        # A turn with no reply means an action failed: check the action server
        # afresh next time instead of trusting the cached health check.
        self._actions_ok_until = 0.0
        return [await said(agent, "utter_service_trouble", message.sender_id)]

    @staticmethod
    async def with_agent(agent: Any, sender: Text) -> bool:
        """Whether a person has this conversation (the assistant is paused)."""
        tracker = await agent.tracker_store.retrieve(sender)
        return bool(tracker and tracker.is_paused())

    async def _during_outage(self, agent: Any, message: UserMessage) -> List[Dict[Text, Any]]:
        """Keep the message, apologise, and take contact details if given."""
        tracker = await agent.log_message(message)
        entities = tracker.latest_message.entities if tracker.latest_message else []
        contact = {e["entity"]: e["value"] for e in entities if e.get("entity") in CONTACT_KINDS}
        return await self._apologise(agent, message, {**contact, **contact_in(message.text or "")})

    @staticmethod
    async def _apologise(agent: Any, message: UserMessage, contact: Dict[Text, Text]) -> List[Dict[Text, Any]]:
        """The one apology of a turn that could not be answered, after saving the contact
        details the customer gave in it to a handoff an agent sees."""
        from gracious.stores import records

        if contact:
            given = ", ".join(contact[kind] for kind in CONTACT_KINDS if kind in contact)
            await records().create_handoff(
                message.sender_id,
                codes.SERVICE_OUTAGE,
                codes.CUSTOMER_CARE,
                {
                    "contact": contact,
                    "what_happened": "The assistant was unavailable; please contact the customer at " + given + ".",
                },
            )
            return [await said(agent, "utter_service_trouble_contact_saved", message.sender_id)]
        return [await said(agent, "utter_service_trouble", message.sender_id)]


async def said(agent: Any, key: Text, sender: Text) -> Dict[Text, Any]:
    """Response ``key`` as a reply (``say``), and kept in the conversation as a bot event
    naming it, as Rasa keeps the assistant's own replies. Keeping it never stops the reply."""
    reply = await say(agent, key, sender)
    try:
        async with agent.lock_store.lock(sender):
            tracker = await agent.tracker_store.retrieve(sender)
            if tracker is not None:
                tracker.update(BotUttered(reply["text"], metadata={"utter_action": key}))
                await agent.tracker_store.save(tracker)
    except Exception:  # noqa: BLE001 - the customer still gets the reply
        log_failure(logger, "Keeping a channel's reply in the conversation failed.")
    return reply


def contact_in(text: Text) -> Dict[Text, Text]:
    """The email address and phone number written in ``text`` (gracious/references.py), if any."""
    found = {kind: references.first(text, kind) for kind in CONTACT_KINDS}
    return {kind: value for kind, value in found.items() if value}
