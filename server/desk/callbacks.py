"""The desk's Callbacks routes: the team's list of booked calls, and the work on each.

``GET /desk/api/callbacks`` lists every booked call (callback_list.py) to any
signed-in agent: calling back is the team's job, so every agent sees and may
claim every call, and a lead sees the same. ``GET /desk/api/callbacks/overdue``
is the count behind the overdue alert on every desk page. The POSTs claim a call,
give it back, record how it went, or add a note. Registered by web.py, behind its
``api`` guard (signed in; state changes only from the desk's own pages).
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict
from zoneinfo import ZoneInfo

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.settings import settings
from gracious.stores import clock
from gracious.stores.base import Store
from server.desk import callback_list, cases
from server.desk.agents import Agent
from server.desk.callback_list import Refused

Guard = Callable[[Callable[..., Awaitable[HTTPResponse]]], Callable[..., Awaitable[HTTPResponse]]]


def zone() -> ZoneInfo:
    return ZoneInfo(settings().timezone)


def _body(request: Request) -> Dict[str, Any]:
    try:
        found = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def routes(
    desk: Blueprint,
    api: Guard,
    store: Store,
    secure: Callable[[HTTPResponse], HTTPResponse],
    error: Callable[..., HTTPResponse],
) -> None:
    """Add the Callbacks API to the desk's blueprint."""

    async def work(fn: Callable[..., Any], *args: Any) -> HTTPResponse:
        try:
            done = await store.run(fn, *args)
        except Refused as refused:
            return error(refused.status, str(refused))
        return secure(response.json(done))

    @desk.route("/api/callbacks", methods=["GET"])
    @api
    async def callback_list_(request: Request, agent: Agent) -> HTTPResponse:
        listing = await store.run(callback_list.listing, clock.now(), zone())
        # A call with no handoff still gets its case card: made from the conversation (cases.py).
        await cases.fill_calls(request.app, store, [i for items in listing["groups"].values() for i in items])
        return secure(response.json(listing))

    @desk.route("/api/callbacks/overdue", methods=["GET"])
    @api
    async def callbacks_overdue(request: Request, agent: Agent) -> HTTPResponse:
        return secure(response.json({"overdue": await store.run(callback_list.overdue_count, clock.now())}))

    @desk.route("/api/callbacks/<callback_id:int>/claim", methods=["POST"])
    @api
    async def callback_claim(request: Request, agent: Agent, callback_id: int) -> HTTPResponse:
        return await work(callback_list.claim, callback_id, agent.name, clock.now())

    @desk.route("/api/callbacks/<callback_id:int>/release", methods=["POST"])
    @api
    async def callback_release(request: Request, agent: Agent, callback_id: int) -> HTTPResponse:
        return await work(callback_list.release, callback_id, agent.name, clock.now(), agent.lead)

    @desk.route("/api/callbacks/<callback_id:int>/outcome", methods=["POST"])
    @api
    async def callback_outcome(request: Request, agent: Agent, callback_id: int) -> HTTPResponse:
        body, now = _body(request), clock.now()
        outcome = body.get("outcome")
        if outcome not in callback_list.OUTCOMES:
            shown = str(outcome)[:40] if outcome is not None else "none"
            return error(400, f"Unknown outcome {shown!r}; use one of: {', '.join(callback_list.OUTCOMES)}.")
        try:
            when = callback_list.parse_time(body.get("next_call_at"), now, zone())
        except Refused as refused:
            if outcome in callback_list.NEEDS_TIME:
                return error(refused.status, str(refused))
            when = None
        return await work(callback_list.record_outcome, callback_id, agent.name, outcome, when, now)

    @desk.route("/api/callbacks/<callback_id:int>/notes", methods=["POST"])
    @api
    async def callback_note(request: Request, agent: Agent, callback_id: int) -> HTTPResponse:
        try:
            text = callback_list.valid_note(_body(request).get("text"))
        except Refused as refused:
            return error(refused.status, str(refused))
        return await work(callback_list.add_note, callback_id, agent.name, text)
