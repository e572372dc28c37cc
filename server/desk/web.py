"""The agent desk: sign in, the live queue, a case, replies to the customer, hand back.

Served by the Rasa server at /desk/ (mounted like a channel, Rasa's way to add
routes), so it reaches the conversations directly (server/desk/conversation.py):
it reads transcripts from the tracker store, resumes the assistant, and talks to
the customer's widget over the socket.io channel. Every page and API needs a signed-in agent;
the session lives in an HttpOnly cookie. Pages poll the JSON API, so a page that
lost its connection simply carries on when the server is back.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious import codes
from gracious.settings import settings
from server.channels.guards import GuardedBlueprint
from server.desk import availability, callbacks, cleaning, conversation, edits, grants, outbox, readable, shift, waiting
from server.desk.agents import Agent
from server.desk.live_card import case_now
from server.desk.queue import OUTCOMES, NotOnDuty
from server.desk.sessions import COOKIE, SESSION_LIFETIME
from server.desk.store import DeskStore
from server.desk.throttle import Throttled
from server.desk.verify import routes as identity_check
from server.http import Site, client_address, secured
from server.proxy import trust_our_proxy

logger = logging.getLogger(__name__)
# A claim that takes longer than this to tell the customer is logged: it waits on the conversation's lock.
SLOW_CLAIM_SECONDS = 5.0

STATIC = Path(__file__).resolve().parent / "static"
PAGES = {"desk": "desk.html", "login": "login.html", "callbacks": "callbacks.html", "outbox": "outbox.html"}
ASSETS = {"desk.js": "application/javascript", "login.js": "application/javascript", "desk.css": "text/css"}
# The Callbacks and Outbox pages (callbacks.py, outbox.py), and the nav with the overdue alert on every page.
ASSETS.update({name: "application/javascript" for name in ("callbacks.js", "outbox.js", "nav.js")})
# The desk page's open case, its grants (grants.py), its notifications, and the cases that left (left.js).
ASSETS.update({name: "application/javascript" for name in ("case.js", "grants.js", "events.js", "left.js")})
# The shift tools (shift.py): the History page, and the canned replies the case view mounts.
PAGES["history"] = "history.html"
ASSETS.update({name: "application/javascript" for name in ("history.js", "replies.js")})
ASSETS["shift.css"] = "text/css"
MAX_REPLY = 2000
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def _secure(reply: HTTPResponse) -> HTTPResponse:
    return secured(reply, CSP, cache=False)


def _error(status: int, message: Text, **headers: Text) -> HTTPResponse:
    return _secure(response.json({"error": message}, status=status, headers=headers))


class DeskBlueprint(GuardedBlueprint):
    """The desk's routes, with the channels' guards (server/channels/guards.py) on the app, and
    our nginx's Forwarded header believed (server/proxy.py): the client's address for the
    sign-in limits, HTTPS for the cookie."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        trust_our_proxy(app)
        super().register(app, options)


class DeskSite(Site):
    """The agent desk at /desk/: pages, the JSON API, and the conversation controls."""

    PATH = "desk"

    def __init__(self) -> None:
        self.store = DeskStore(settings().records_db_url)
        self.watch = waiting.QueueWatch(self.store)

    # -- the routes ---------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        desk: Blueprint = DeskBlueprint("gracious_desk", __name__)
        store = self.store
        self.watch.install(desk)  # the queue's watch (waiting.py)

        async def signed_in(request: Request) -> Optional[Agent]:
            return await store.agent_for_session(request.cookies.get(COOKIE))

        def same_origin(request: Request) -> bool:
            origin = request.headers.get("origin")
            return origin is None or origin.split("://", 1)[-1] == request.host

        async def page(name: Text) -> HTTPResponse:
            return _secure(await response.file(STATIC / PAGES[name], mime_type="text/html; charset=utf-8"))

        @desk.route("/", methods=["GET"])
        async def home(request: Request) -> HTTPResponse:
            if not await signed_in(request):
                return _secure(response.redirect("/desk/login"))
            return await page("desk")

        @desk.route("/<name:callbacks|outbox|history>", methods=["GET"])
        async def other_page(request: Request, name: Text) -> HTTPResponse:
            if not await signed_in(request):
                return _secure(response.redirect("/desk/login"))
            return await page(name)

        @desk.route("/login", methods=["GET"])
        async def login_page(request: Request) -> HTTPResponse:
            return await page("login")

        @desk.route("/login", methods=["POST"])
        async def login(request: Request) -> HTTPResponse:
            if not same_origin(request):
                return _error(403, "Cross-site sign-in refused.")
            body = _json(request)
            name, password = body.get("name"), body.get("password")
            if not isinstance(name, str) or not isinstance(password, str):
                return _error(400, "Give your name and password.")
            try:
                agent = await store.verify_login(name, password, client_address(request))
            except Throttled as slow:
                return _error(
                    429,
                    f"Too many failed sign-ins. Try again in {slow.retry_after} seconds.",
                    **{"Retry-After": str(slow.retry_after)},
                )
            if agent is None:
                return _error(401, "That name and password don't match.")
            token = await store.create_session(agent)
            reply = _secure(response.json({"agent": agent.display_name}))
            reply.cookies[COOKIE] = token
            reply.cookies[COOKIE]["httponly"] = True
            reply.cookies[COOKIE]["samesite"] = "Strict"
            reply.cookies[COOKIE]["path"] = "/desk"
            reply.cookies[COOKIE]["max-age"] = int(SESSION_LIFETIME.total_seconds())
            if over_https(request):
                reply.cookies[COOKIE]["secure"] = True
            return reply

        @desk.route("/logout", methods=["POST"])
        async def logout(request: Request) -> HTTPResponse:
            if not same_origin(request):
                return _error(403, "Cross-site sign-out refused.")
            returned = await store.end_session(request.cookies.get(COOKIE))
            for handoff_id, sender in returned:  # back in the queue, and the customer told so
                await waiting.back_in_queue(request.app, store, handoff_id, sender)
            reply = _secure(response.json({"signed_out": True, "returned": [case[0] for case in returned]}))
            del reply.cookies[COOKIE]
            return reply

        @desk.route("/static/<name>", methods=["GET"])
        async def asset(request: Request, name: Text) -> HTTPResponse:
            if name not in ASSETS:
                raise NotFound("No such file.")
            return _secure(await response.file(STATIC / name, mime_type=f"{ASSETS[name]}; charset=utf-8"))

        def api(handler: Callable[..., Awaitable[HTTPResponse]]) -> Callable[..., Awaitable[HTTPResponse]]:
            """Only for signed-in agents; state changes only from the desk's own pages."""

            async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                agent = await signed_in(request)
                if agent is None:
                    return _error(401, "Sign in to the desk first.")
                if request.method != "GET" and not same_origin(request):
                    return _error(403, "Cross-site request refused.")
                return await handler(request, agent, *args, **kwargs)

            guarded.__name__ = handler.__name__
            return guarded

        callbacks.routes(desk, api, store, _secure, _error)
        outbox.routes(desk, api, _secure)
        grants.routes(desk, api, store, _secure, _error)
        identity_check(desk, api, store, _secure, _error)  # an agent checks who the customer is (verify.py)
        shift.routes(desk, api, store, _secure, _error)
        edits.routes(desk, api, _secure)  # /api/edits: designers' edits refused, the banner on every page
        availability.routes(desk, api, store, _secure, _error)  # /api/me and /api/availability

        @desk.route("/api/agents", methods=["GET"])
        @api
        async def agents(request: Request, agent: Agent) -> HTTPResponse:
            people = [{"name": a.name, "display_name": a.display_name} for a in await store.agents()]
            return _secure(response.json(people))

        @desk.route("/api/outcomes", methods=["GET"])
        @api
        async def outcomes(request: Request, agent: Agent) -> HTTPResponse:
            """The outcomes an agent may finish a handoff with, and their words (gracious/codes.py)."""
            return _secure(response.json([{"code": code, "label": codes.DESK_OUTCOMES[code]} for code in OUTCOMES]))

        @desk.route("/api/queue", methods=["GET"])
        @api
        async def queue(request: Request, agent: Agent) -> HTTPResponse:
            # Each card's words (readable.py): the name or a guest label, the last message, the wait, the SLA timer.
            items = await readable.queue(store, getattr(request.app.ctx, "agent", None))
            return _secure(response.json(items, default=str))

        @desk.route("/api/handoffs/<handoff_id:int>", methods=["GET"])
        @api
        async def case(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
            handoff = await store.handoff_for(handoff_id, agent)
            if handoff is None:  # also one this agent may not see: it is none of theirs
                return _error(404, "No such handoff.")
            tracker = await request.app.ctx.agent.tracker_store.retrieve(handoff["sender_id"])
            handoff["transcript"] = conversation.transcript(tracker)
            handoff["suggestions"] = conversation.suggestions(request.app.ctx.agent.domain)
            handoff = await case_now(request.app, handoff, tracker)  # the card as it stands now
            # Clicks as their titles, times, display names, the card in words (readable.py).
            handoff = readable.for_case(handoff, tracker, request.app.ctx.agent.domain, await store.agents())
            return _secure(response.json(handoff, default=str))

        async def held(handoff_id: int, agent: Agent) -> Optional[Dict[Text, Any]]:
            handoff = await store.handoff(handoff_id)
            return handoff if handoff and handoff["agent"] == agent.name and handoff["status"] == "claimed" else None

        @desk.route("/api/handoffs/<handoff_id:int>/claim", methods=["POST"])
        @api
        async def claim(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
            taken = await store.take(handoff_id, agent)
            if taken is None:
                return _error(409, "Someone else has this one, or it is finished.")
            handoff = await store.handoff(handoff_id)
            if handoff is not None and hasattr(request.app.ctx, "agent"):
                # The customer hears who is here (after a silent desk: who stepped away); the assistant falls silent.
                started = time.monotonic()
                await conversation.joined(request.app, handoff["sender_id"], agent.display_name, taken.taken_from_name)
                took = time.monotonic() - started
                if took > SLOW_CLAIM_SECONDS:
                    logger.warning("Claiming handoff %s took %.1f s to tell the customer.", handoff_id, took)
            return _secure(response.json({"claimed": handoff_id}))

        @desk.route("/api/handoffs/<handoff_id:int>/reply", methods=["POST"])
        @api
        async def reply(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
            handoff = await held(handoff_id, agent)
            if handoff is None:
                return _error(409, "Claim the conversation before replying.")
            text = _json(request).get("text")
            if not isinstance(text, str) or not cleaning.plain(text) or len(text) > MAX_REPLY:
                return _error(400, f"A reply needs 1 to {MAX_REPLY} characters.")
            await conversation.reply(request.app, handoff["sender_id"], agent.display_name, text)
            await shift.note_first_reply(store, handoff_id, agent.name)  # the first-reply timer stops
            return _secure(response.json({"sent": True}))

        @desk.route("/api/handoffs/<handoff_id:int>/notes", methods=["POST"])
        @api
        async def note(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
            if await store.handoff_for(handoff_id, agent) is None:
                return _error(404, "No such handoff.")
            try:
                await store.add_note(handoff_id, agent, str(_json(request).get("text") or ""))
            except ValueError as problem:
                return _error(400, str(problem))
            return _secure(response.json({"noted": True}))

        @desk.route("/api/handoffs/<handoff_id:int>/transfer", methods=["POST"])
        @api
        async def transfer(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
            target = _json(request).get("to")
            try:
                moved = isinstance(target, str) and await store.transfer(handoff_id, agent, target)
            except NotOnDuty as problem:  # nobody would see it there
                return _error(409, str(problem))
            if not moved:
                return _error(409, "Only the agent holding a conversation can pass it to another agent.")
            return _secure(response.json({"transferred_to": target}))

        @desk.route("/api/handoffs/<handoff_id:int>/finish", methods=["POST"])
        @api
        async def finish(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
            body = _json(request)
            outcome, then = body.get("outcome"), body.get("then")
            if outcome not in OUTCOMES or then not in ("handback", "close"):
                return _error(400, f"Give an outcome ({', '.join(OUTCOMES)}) and then 'handback' or 'close'.")
            handoff = await held(handoff_id, agent)
            if handoff is None or not await store.finish(handoff_id, agent, outcome):
                return _error(409, "Only the agent holding a conversation can finish it.")
            if then == "handback":  # with what the agent arranged (actions/handback.py)
                names = await store.display_names()
                await conversation.hand_back(request.app, handoff["sender_id"], agent.display_name, handoff_id, names)
            else:
                await conversation.close(request.app, handoff["sender_id"])
            return _secure(response.json({"finished": handoff_id, "outcome": outcome, "then": then}))

        return desk


def over_https(request: Request) -> bool:
    """Served over HTTPS: to this server, or to our own nginx (its Forwarded proto, trusted only
    with the proxy secret; Sanic's ``request.scheme``)."""
    return request.scheme in ("https", "wss")


def _json(request: Request) -> Dict[Text, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}
