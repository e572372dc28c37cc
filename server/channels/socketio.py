"""The socket.io channel for the website widget: Rasa's, with server-issued sessions.

The widget (rasa-webchat) asks for a session; the server answers with a signed id
bound to the browser's cookie (server/channels/sessions.py), so a reload or
another page of the site continues the conversation, and nobody else can join it.
Every socket of a session is in that session's room, so all of a customer's tabs,
and later an agent (server/desk), reach them. The guards and what every channel
does around Rasa are the REST channel's (server/channels/guards.py,
server/channels/message_guard.py); a turn slower than the patience gets a
holding message. A session's messages are handled one at a time, in the order
they came (server/channels/in_order.py), and a message larger than a request may
be gets a polite word instead of a dropped socket.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

import overrides
from gracious.settings import settings, var_dir
from server.channels import callers, guards, refusals, socket_manager, wording
from server.channels.in_order import InOrder
from server.channels.message_guard import MessageGuard
from server.channels.rate_limits import sender_limiter
from server.channels.sessions import SessionSigner, browser_from_cookie_header, load_secret
from server.channels.wording import say

logger = logging.getLogger(__name__)

# Said instead of handling a message over the sender's limit.
TOO_MANY_MESSAGES = "utter_too_many_messages"
MAX_METADATA_CHARS = 2000


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
    """Rasa's socket.io channel for the website widget, with server-issued sessions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = MessageGuard()
        self.signer = SessionSigner(load_secret(var_dir(), settings().session_secret))
        self._browsers: Dict[Text, Text] = {}
        self._sessions: Dict[Text, Text] = {}
        self._addresses: Dict[Text, Text] = {}
        self._in_order = InOrder()

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
        overrides.require_installed("The website chat")
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
            self._addresses[sid] = callers.socket_address(environ)
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            self._browsers.pop(sid, None)
            self._sessions.pop(sid, None)
            self._addresses.pop(sid, None)

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
            async with self._in_order.turn(session_id):  # taken before any await: arrival order
                await take(sid, session_id, data)

        async def take(sid: Text, session_id: Text, data: Dict[Text, Any]) -> None:
            agent = webhook.ctx.app.ctx.agent
            raw = data.get("message")
            raw = raw if isinstance(raw, str) else ""
            limit = settings().max_body_bytes
            if len(raw.encode("utf-8", "replace")) > limit:  # read in full, but not handled
                notice = wording.text(refusals.TOO_LARGE, agent, "socketio", max_size=refusals.size_words(limit))
                await sio.emit(self.bot_message_evt, {"text": notice}, room=sid)
                return
            if not (await sender_limiter().hit(session_id)).allowed:  # nothing stored
                await sio.emit(
                    self.bot_message_evt, {"text": wording.text(TOO_MANY_MESSAGES, agent, "socketio")}, room=sid
                )
                return
            metadata = data.get(self.metadata_key)
            if not isinstance(metadata, dict) or len(json.dumps(metadata)) > MAX_METADATA_CHARS:
                metadata = {}

            async def emit(replies: List[Dict[Text, Any]]) -> None:
                for reply in replies:
                    await sio.emit(self.bot_message_evt, {"text": reply["text"]}, room=session_id)

            cleaned, first = await self.guard.prepare(agent, raw, session_id)
            await emit(first)
            if cleaned is None:
                return
            output = _CountingSocketOutput(sio, self.bot_message_evt)
            who = callers.client(self._addresses.get(sid), self.name())
            metadata = callers.with_client(metadata, who)
            message = UserMessage(cleaned, output, session_id, input_channel=self.name(), metadata=metadata)
            turn = asyncio.ensure_future(self.guard.run(agent, on_new_message, message, lambda: output.sent > 0))
            done, _ = await asyncio.wait({turn}, timeout=settings().patience_seconds)
            if not done and output.sent == 0:
                # Slow work (an action server under load): say so instead of
                # leaving the customer in silence; the answer follows.
                await emit([await say(agent, "utter_still_working", session_id)])
            await emit(await turn)

        return webhook

    def output_for(self) -> Optional[SocketIOOutput]:
        """An output channel that reaches a customer's widget (every open tab)."""
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    async def send_agent_message(self, session_id: Text, text: Text) -> None:
        """Show an agent's message (already prefixed with their name) in the widget."""
        if self.sio is not None:
            await self.sio.emit(self.bot_message_evt, {"text": text}, room=session_id)
