"""The customer channels: Rasa's REST channel, hardened for real customers.

Same URL and body as Rasa's own (``POST /webhooks/rest/webhook`` with
``{"sender": ..., "message": ...}``), with what a support page needs on top:
bad input gets a clear answer instead of a stack trace or silence, long messages
are trimmed and the customer is told, and when the action server is down the
customer's message is kept and they hear an apology and how we will reach them.
No customer text is written to the logs.
"""

from __future__ import annotations

import json
import logging
import os
import time
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = int(os.environ.get("GRACIOUS_MAX_MESSAGE_CHARS", "2000"))
MAX_SENDER_CHARS = 128
# How long a good action-server health check is trusted, in seconds.
HEALTH_TTL = 2.0
KEPT_CONTROL = {"\n", "\t"}


def clean_text(raw: Text) -> Tuple[Text, bool]:
    """Drop control characters, normalise, trim to the limit: (text, was_trimmed)."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        ch for ch in text if ch in KEPT_CONTROL or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()
    if len(text) > MAX_MESSAGE_CHARS:
        return text[:MAX_MESSAGE_CHARS].rstrip(), True
    return text, False


def bad_request(problem: Text) -> HTTPResponse:
    return response.json({"error": "bad_request", "message": problem}, status=400)


class GraciousRestInput(RestInput):
    """Rasa's REST channel with input checks, trimming and an outage fallback."""

    def __init__(self) -> None:
        self._actions_ok_until = 0.0

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _actions_alive(self, agent: Any) -> bool:
        """Whether the action server answers its health check (cached briefly)."""
        if time.monotonic() < self._actions_ok_until:
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
        except (aiohttp.ClientError, OSError, TimeoutError):
            alive = False
        if alive:
            self._actions_ok_until = time.monotonic() + HEALTH_TTL
        return alive

    @staticmethod
    async def _say(agent: Any, key: Text, sender: Text, **values: Any) -> Dict[Text, Any]:
        """A domain response as a REST reply, so the wording stays in the domain."""
        tracker = DialogueStateTracker(sender, agent.domain.slots)
        message = await agent.nlg.generate(key, tracker, "rest", **values) or {}
        return {"recipient_id": sender, "text": message.get("text", "")}

    async def _during_outage(self, agent: Any, message: UserMessage) -> List[Dict[Text, Any]]:
        """Keep the message, apologise, and take contact details if given."""
        from actions.stores import records

        tracker = await agent.log_message(message)
        entities = tracker.latest_message.entities if tracker.latest_message else []
        contact = {e["entity"]: e["value"] for e in entities if e.get("entity") in ("email", "phone")}
        if contact:
            await records().create_handoff(
                message.sender_id,
                "service_outage",
                "customer_care",
                {"contact": contact, "what_happened": "The assistant was unavailable; please contact the customer."},
            )
            return [await self._say(agent, "utter_service_trouble_contact_saved", message.sender_id)]
        return [await self._say(agent, "utter_service_trouble", message.sender_id)]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("gracious_rest", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return bad_request('The body must be JSON like {"sender": "abc", "message": "hello"}.')
            if not isinstance(payload, dict):
                return bad_request("The body must be a JSON object.")
            sender = payload.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
                return bad_request(f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters.")
            raw = payload.get("message")
            if raw is not None and not isinstance(raw, str):
                return bad_request("'message' must be a string.")
            metadata = payload.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return bad_request("'metadata' must be a JSON object.")

            agent = request.app.ctx.agent
            text, trimmed = clean_text(raw or "")
            if not text:
                return response.json([await self._say(agent, "utter_empty_message", sender)])

            replies: List[Dict[Text, Any]] = []
            if trimmed:
                replies.append(await self._say(agent, "utter_message_trimmed", sender, limit=MAX_MESSAGE_CHARS))
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            if not await self._actions_alive(agent):
                logger.warning("Action server unreachable; message kept for sender (text not logged).")
                return response.json(replies + await self._during_outage(agent, message))
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - the customer gets an apology, the log gets the type only
                logger.exception("Handling a message failed (text not logged).")
            replies += collector.messages
            if not collector.messages:
                replies.append(await self._say(agent, "utter_service_trouble", sender))
            return response.json(replies)

        return webhook
