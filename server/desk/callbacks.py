"""The desk's Callbacks routes: the team's list of booked calls, and the work on each.

``GET /desk/api/callbacks`` lists every booked call (callback_list.py) to any
signed-in agent: calling back is the team's job, so every agent sees and may
claim every call, and a lead sees the same; beside them, ``followups``, the
follow-ups by email the chat promised and nobody has done yet (followups.py),
each with its card as the conversation stands now and what the customer wrote
since the promise (live_card.py); a call keeps the card of its booking.
``GET /desk/api/callbacks/overdue`` is the counts behind the overdue alert on
every desk page. The POSTs claim a call, give it back, record how it went, or
add a note; claim a follow-up, give it back, or mark it done with a note. Registered by web.py, behind its
``api`` guard (signed in; state changes only from the desk's own pages).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import gracious.stores
from gracious.settings import settings
from gracious.stores import clock
from gracious.stores.base import Store
from server.desk import callback_list, cases, followups, live_card
from server.desk.agents import Agent
from server.desk.callback_list import Refused
from server.desk.shared import Error, Guard, Secure, json_body


def zone() -> ZoneInfo:
    return ZoneInfo(settings().timezone)


def routes(desk: Blueprint, api: Guard, store: Store, secure: Secure, error: Error) -> None:
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
        now = clock.now()
        listing = await store.run(callback_list.listing, now, zone())
        # A call with no handoff still gets its case card: made from the conversation (cases.py).
        await cases.fill_calls(request.app, store, [i for items in listing["groups"].values() for i in items])
        promised = await gracious.stores.company().run(followups.promised)
        found = await store.run(followups.listing, promised, now, zone(), settings().care_hours)
        await fill_followups(request.app, found, {item["key"]: item for item in promised}, now)
        listing["followups"] = found
        listing["followup_counts"] = {"open": len(found), "overdue": sum(1 for item in found if item["overdue"])}
        return secure(response.json(listing))

    async def fill_followups(app: Any, found: List[Dict[str, Any]], by_key: Dict[str, Any], now: Any) -> None:
        for item in found:
            promise = by_key[item["key"]]
            if item["case"] is None:  # the card as it was when promised, kept with the follow-up
                summary = await cases.from_conversation(
                    app, promise.get("case_sender_id") or promise["sender_id"], promise["promised_at"]
                )
                if summary is not None:
                    await store.run(followups.keep_summary, promise, summary, now)
                    item["case"] = cases.case_of(summary)
            # Still to be written: the card as the conversation stands, with what they added since (live_card.py).
            sender = promise.get("case_sender_id") or promise["sender_id"]
            item["case"] = await live_card.followup_now(app, sender, promise["promised_at"], item["case"])

    @desk.route("/api/callbacks/overdue", methods=["GET"])
    @api
    async def callbacks_overdue(request: Request, agent: Agent) -> HTTPResponse:
        now = clock.now()
        promised = await gracious.stores.company().run(followups.promised)
        late = await store.run(followups.overdue_count, promised, now, zone(), settings().care_hours)
        calls = await store.run(callback_list.overdue_count, now)
        return secure(response.json({"overdue": calls, "followups_overdue": late}))

    async def followup_work(fn: Callable[..., Any], grant_id: int, *args: Any) -> HTTPResponse:
        [promise] = (await gracious.stores.company().run(followups.promised, grant_id)) or [None]
        try:
            return await work(fn, promise, *args)
        except sa.exc.IntegrityError:  # two agents' first touch of the same follow-up at one moment
            return await work(fn, promise, *args)

    @desk.route("/api/followups/<grant_id:int>/claim", methods=["POST"])
    @api
    async def followup_claim(request: Request, agent: Agent, grant_id: int) -> HTTPResponse:
        return await followup_work(followups.claim, grant_id, agent.name, clock.now())

    @desk.route("/api/followups/<grant_id:int>/release", methods=["POST"])
    @api
    async def followup_release(request: Request, agent: Agent, grant_id: int) -> HTTPResponse:
        return await followup_work(followups.release, grant_id, agent.name, clock.now(), agent.lead)

    @desk.route("/api/followups/<grant_id:int>/done", methods=["POST"])
    @api
    async def followup_done(request: Request, agent: Agent, grant_id: int) -> HTTPResponse:
        try:
            note = callback_list.valid_note(json_body(request).get("note"))
        except Refused:
            return error(400, "Say in a line or two what you wrote to the customer (up to 2000 characters).")
        now = clock.now()
        return await followup_work(followups.done, grant_id, agent.name, note, now, zone(), settings().care_hours)

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
        body, now = json_body(request), clock.now()
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
            text = callback_list.valid_note(json_body(request).get("text"))
        except Refused as refused:
            return error(refused.status, str(refused))
        return await work(callback_list.add_note, callback_id, agent.name, text)
