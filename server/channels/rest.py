"""The REST channel: Rasa's, hardened for real customers.

Same URL and body as Rasa's own (``POST /webhooks/rest/webhook`` with
``{"sender": ..., "message": ...}``), with the guards on its routes
(server/channels/guards.py), the per-sender limit asked before anything is stored,
and what every channel does around Rasa (server/channels/message_guard.py). An
optional ``message_id`` makes a retried message count once
(server/channels/idempotency.py), for its own caller only. Who may post into a
conversation (tokens per integration, or the first address) is
server/channels/rest_access.py. A malformed request gets a 400 saying what is
wrong, for the developer who sent it.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import overrides
from server.channels import callers, refusals
from server.channels.guards import GuardedBlueprint
from server.channels.idempotency import MAX_MESSAGE_ID_CHARS, earlier_answer
from server.channels.message_guard import MessageGuard, clean_text
from server.channels.rate_limits import refuse_if_too_fast
from server.channels.refusals import bad_request
from server.channels.rest_access import authenticate, refuse_other_callers
from server.channels.wording import say

MAX_SENDER_CHARS = 128


def _problem(payload: Any) -> Optional[Text]:
    """What is wrong with a message's JSON body, if anything."""
    if not isinstance(payload, dict):
        return "The body must be a JSON object."
    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters."
    if payload.get("message") is not None and not isinstance(payload["message"], str):
        return "'message' must be a string."
    if payload.get("metadata") is not None and not isinstance(payload["metadata"], dict):
        return "'metadata' must be a JSON object."
    message_id = payload.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_MESSAGE_ID_CHARS
    ):
        return f"'message_id' must be a non-empty string of at most {MAX_MESSAGE_ID_CHARS} characters."
    return None


class GraciousRestInput(RestInput):
    """Rasa's REST channel with input checks, trimming and an outage fallback."""

    def __init__(self) -> None:
        self.guard = MessageGuard()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        overrides.require_installed("The REST channel")
        webhook = GuardedBlueprint("gracious_rest", __name__)  # size, origin and framing checks

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            allowed, integration = authenticate(request)
            if not allowed:
                return refusals.token_needed()
            try:
                payload = json.loads(request.body or b"")
            except UnicodeDecodeError:
                return bad_request("The body must be JSON encoded as UTF-8.")
            except (ValueError, RecursionError):
                return bad_request('The body must be JSON like {"sender": "abc", "message": "hello"}.')
            problem = _problem(payload)
            if problem:
                return bad_request(problem)
            sender, message_id = payload["sender"], payload.get("message_id")
            who = callers.client(callers.request_address(request), self.name(), integration)
            refused = await refuse_other_callers(sender, who)  # nothing of another's conversation
            if refused is not None:
                return refused
            agent = request.app.ctx.agent
            refused = await refuse_if_too_fast(sender, agent)  # before anything is stored
            if refused is not None:
                return refused

            raw = payload.get("message") or ""
            if message_id:
                earlier = await earlier_answer(agent, sender, message_id, callers.caller_key(who), clean_text(raw)[0])
                if earlier is not None and not earlier.same:
                    return refusals.message_id_reused()  # nothing of the earlier turn
                if earlier is not None:
                    # Sent before (a retry): its replies again, or, if the instance that
                    # took it died mid-turn, the apology; never the message twice.
                    return response.json(earlier.replies or [await say(agent, "utter_service_trouble", sender)])
            text, first = await self.guard.prepare(agent, raw, sender)
            if text is None:
                return response.json(first)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                metadata=callers.with_client(payload.get("metadata"), who),
                message_id=message_id,
            )
            after = await self.guard.run(agent, on_new_message, message, lambda: bool(collector.messages))
            return response.json(first + collector.messages + after)

        return webhook
