"""``GET /desk/api/me`` (with the agent's availability) and ``POST /desk/api/availability``
("available" or "away"; only available agents count as on duty, presence.py), behind web.py's
``api`` guard: a signed-in agent, and state changes only from the desk's own pages. The choice
is written only while the agent's session exists, in the same statement (a request in flight
when the agent signs out marks nobody present again)."""

from __future__ import annotations

import json
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from server.desk.agents import Agent
from server.desk.sessions import COOKIE
from server.desk.store import DeskStore


def routes(desk: Blueprint, api: Any, store: DeskStore, secure: Any, error: Any) -> None:
    @desk.route("/api/me", methods=["GET"])
    @api
    async def me(request: Request, agent: Agent) -> HTTPResponse:
        who = {"name": agent.name, "display_name": agent.display_name, "lead": agent.lead}
        return secure(response.json({**who, "availability": await store.availability(agent)}))

    @desk.route("/api/availability", methods=["POST"])
    @api
    async def availability(request: Request, agent: Agent) -> HTTPResponse:
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = {}
        status = body.get("status") if isinstance(body, dict) else None
        try:
            await store.set_availability(agent, str(status or ""), request.cookies.get(COOKIE))
        except ValueError as problem:
            return error(400, str(problem))
        return secure(response.json({"availability": await store.availability(agent)}))
