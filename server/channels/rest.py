"""The customer channels: Rasa's REST channel, hardened for real customers.

Same URL and body as Rasa's own (``POST /webhooks/rest/webhook`` with
``{"sender": ..., "message": ...}``), with what a support page needs on top:
bad input gets a clear answer instead of a stack trace or silence, long messages
are trimmed and the customer is told, and when the action server is down the
customer's message is kept and they hear an apology and how we will reach them.
An optional ``message_id`` makes a retried message count once (server/channels/idempotency.py);
a turn slower than the patience gets a holding message in the widget.
No customer text is written to the logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import unicodedata
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from server.channels import guards, socket_manager
from gracious.settings import settings, var_dir
from server.channels.idempotency import MAX_MESSAGE_ID_CHARS, earlier_answer
from server.channels.sessions import SessionSigner, browser_from_cookie_header, load_secret

logger = logging.getLogger(__name__)

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
    limit = settings().max_message_chars
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


def bad_request(problem: Text) -> HTTPResponse:
    return response.json({"error": "bad_request", "message": problem}, status=400)


class MessageGuard:
    """What every customer channel does around Rasa, whatever the transport.

    Cleans and trims the text, keeps the message and apologises when the action
    server is down, and apologises when a turn produced no reply at all.
    """

    def __init__(self) -> None:
        self._actions_ok_until = 0.0

    async def actions_alive(self, agent: Any) -> bool:
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
        except asyncio.TimeoutError:
            # Slow is not down: under load this server or the action server answers
            # late. Go on (without remembering it); the action call itself decides.
            return True
        except (aiohttp.ClientError, OSError):
            alive = False
        if alive:
            self._actions_ok_until = time.monotonic() + HEALTH_TTL
        return alive

    @staticmethod
    async def say(agent: Any, key: Text, sender: Text, **values: Any) -> Dict[Text, Any]:
        """A domain response as a reply, so the wording stays in the domain."""
        tracker = DialogueStateTracker(sender, agent.domain.slots)
        message = await agent.nlg.generate(key, tracker, "rest", **values) or {}
        return {"recipient_id": sender, "text": message.get("text", "")}

    async def prepare(self, agent: Any, raw: Text, sender: Text) -> Tuple[Optional[Text], List[Dict[Text, Any]]]:
        """The cleaned text (None if nothing is left) and replies to send first."""
        text, trimmed = clean_text(raw)
        if not text:
            return None, [await self.say(agent, "utter_empty_message", sender)]
        if trimmed:
            return text, [await self.say(agent, "utter_message_trimmed", sender, limit=settings().max_message_chars)]
        return text, []

    async def run(
        self,
        agent: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message: UserMessage,
        replied: Callable[[], bool],
    ) -> List[Dict[Text, Any]]:
        """Hand the message to Rasa; returns the channel's own replies to send after."""
        if not await self.actions_alive(agent) and not await self.with_agent(agent, message.sender_id):
            logger.warning("Action server unreachable; message kept (text not logged).")
            return await self._during_outage(agent, message)
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - the customer gets an apology, the log the error only
            guards.log_failure(logger, "Handling a message failed (text not logged).")
        if replied() or await self.with_agent(agent, message.sender_id):
            # Silence is right while a person has the conversation (Rasa is paused).
            return []
        # A turn with no reply means an action failed: check the action server
        # afresh next time instead of trusting the cached health check.
        self._actions_ok_until = 0.0
        return [await self.say(agent, "utter_service_trouble", message.sender_id)]

    @staticmethod
    async def with_agent(agent: Any, sender: Text) -> bool:
        """Whether a person has this conversation (the assistant is paused)."""
        tracker = await agent.tracker_store.retrieve(sender)
        return bool(tracker and tracker.is_paused())

    async def _during_outage(self, agent: Any, message: UserMessage) -> List[Dict[Text, Any]]:
        """Keep the message, apologise, and take contact details if given."""
        from gracious.stores import records

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
            return [await self.say(agent, "utter_service_trouble_contact_saved", message.sender_id)]
        return [await self.say(agent, "utter_service_trouble", message.sender_id)]


class GraciousRestInput(RestInput):
    """Rasa's REST channel with input checks, trimming and an outage fallback."""

    def __init__(self) -> None:
        self.guard = MessageGuard()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = guards.GuardedBlueprint("gracious_rest", __name__)  # size, origin and framing checks

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = json.loads(request.body or b"")
            except UnicodeDecodeError:
                return bad_request("The body must be JSON encoded as UTF-8.")
            except (ValueError, RecursionError):
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
            message_id = payload.get("message_id")
            if message_id is not None and (
                not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_MESSAGE_ID_CHARS
            ):
                return bad_request(f"'message_id' must be a non-empty string of at most {MAX_MESSAGE_ID_CHARS} characters.")
            refused = await guards.refuse_if_too_fast(sender)  # before anything is stored
            if refused is not None:
                return refused

            agent = request.app.ctx.agent
            if message_id:
                earlier = await earlier_answer(agent, sender, message_id)
                if earlier is not None:
                    # Sent before (a retry): its replies again, or, if the instance that
                    # took it died mid-turn, the apology; never the message twice.
                    return response.json(earlier or [await self.guard.say(agent, "utter_service_trouble", sender)])
            text, first = await self.guard.prepare(agent, raw or "", sender)
            if text is None:
                return response.json(first)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata,
                                  message_id=message_id)
            after = await self.guard.run(agent, on_new_message, message, lambda: bool(collector.messages))
            return response.json(first + collector.messages + after)

        return webhook


class _AppSocketBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint, remembering the app (and so the agent) it serves."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        self.ctx.app = app
        guards.install(app, self.ctx.sio)
        super().register(app, options)


class _CountingSocketOutput(SocketIOOutput):
    """Rasa's socket.io output, noting whether the turn said anything."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


class GraciousSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel for the website widget, with server-issued sessions.

    The widget (rasa-webchat) asks for a session; the server answers with a
    signed id bound to the browser's cookie (see server/channels/sessions.py), so a reload or
    another page of the site continues the conversation, and nobody else can
    join it. Every socket of a session is in that session's room, so all of a
    customer's tabs, and later an agent, reach them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = MessageGuard()
        self.signer = SessionSigner(load_secret(var_dir(), settings().session_secret))
        self._browsers: Dict[Text, Text] = {}
        self._sessions: Dict[Text, Text] = {}

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            True,  # sessions always persist: reloads continue the conversation
            credentials.get("socketio_path", "/socket.io"),
            metadata_key=credentials.get("metadata_key", "customData"),
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Same-origin only: the widget is served by this server (server/site/pages.py).
        # With GRACIOUS_REDIS_URL (make cluster), emits reach sockets on every instance.
        manager = socket_manager.client_manager(settings().redis_url)
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager)
        webhook = _AppSocketBlueprint(sio, self.socketio_path, "gracious_socketio", __name__)
        self.sio = sio

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            self._browsers[sid] = browser_from_cookie_header(environ.get("HTTP_COOKIE"))
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            self._browsers.pop(sid, None)
            self._sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            browser = self._browsers.get(sid, "")
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if self.signer.valid(asked, browser) else self.signer.issue(browser)
            sio.enter_room(sid, session_id, namespace=self.namespace)
            self._sessions[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            session_id = self._sessions.get(sid)
            if session_id is None or not isinstance(data, dict):
                logger.warning("Ignored a socket message without a confirmed session.")
                return
            if not (await guards.sender_limiter().hit(session_id)).allowed:  # nothing stored
                await sio.emit(self.bot_message_evt, {"text": guards.TOO_MANY_MESSAGES_TEXT}, room=sid)
                return
            raw = data.get("message")
            raw = raw if isinstance(raw, str) else ""
            metadata = data.get(self.metadata_key)
            metadata = metadata if isinstance(metadata, dict) and len(json.dumps(metadata)) <= 2000 else {}
            agent = webhook.ctx.app.ctx.agent

            async def emit(replies: List[Dict[Text, Any]]) -> None:
                for reply in replies:
                    await sio.emit(self.bot_message_evt, {"text": reply["text"]}, room=session_id)

            text, first = await self.guard.prepare(agent, raw, session_id)
            await emit(first)
            if text is None:
                return
            output = _CountingSocketOutput(sio, self.bot_message_evt)
            message = UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata)
            turn = asyncio.ensure_future(self.guard.run(agent, on_new_message, message, lambda: output.sent > 0))
            done, _ = await asyncio.wait({turn}, timeout=settings().patience_seconds)  # then the widget hears we are still on it
            if not done and output.sent == 0:
                # Slow work (an action server under load): say so instead of
                # leaving the customer in silence; the answer follows.
                await emit([await self.guard.say(agent, "utter_still_working", session_id)])
            await emit(await turn)

        return webhook

    def output_for(self) -> Optional[SocketIOOutput]:
        """An output channel that reaches a customer's widget (every open tab)."""
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    async def send_agent_message(self, session_id: Text, text: Text) -> None:
        """Show an agent's message (already prefixed with their name) in the widget."""
        if self.sio is not None:
            await self.sio.emit(self.bot_message_evt, {"text": text}, room=session_id)


