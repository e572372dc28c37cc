"""The desk's shift tools: canned replies, the first-reply timer, history search and satisfaction.

Routes (registered by web.py behind its ``api`` guard: signed-in agents only,
state changes only from the desk's own pages):

- ``GET /desk/api/replies?q=``, ``POST /desk/api/replies`` {title, text},
  ``PUT`` and ``DELETE /desk/api/replies/<id>`` (the agent who added it, or a
  lead), ``POST /desk/api/replies/restore`` (a lead): the team's canned replies
  (replies.py), the playbook's suggestions the first defaults;
- ``GET /desk/api/history?q=&agent=&outcome=&offset=``: finished cases (history.py);
- ``GET /desk/api/queue/left``: the cases that left the queue without an agent (newest first), any
  agent's to open and follow up; ``?ids=``: why those that just went from the queue left it, in words;
- ``GET /desk/api/handoffs/<id>/rating``: the customer's rating of a case, for its view;
- ``GET /desk/api/satisfaction``: ratings per agent over 7 and 30 days.

The first-reply timer: the reply route calls ``note_first_reply`` once the
agent's words went out; the first one per handoff is kept, later ones never
move it. ``first_replies`` and ``add_timers`` give the queue its SLA figures
against ``GRACIOUS_DESK_FIRST_REPLY_SECONDS``.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa
import yaml
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.settings import ROOT, settings
from gracious.stores import clock
from gracious.stores.base import Store, add_row
from server.desk import history, replies
from server.desk.agents import Agent
from server.desk.shared import Error, Guard, Secure, iso, json_body
from server.desk.tables import handoff_first_replies

# -- the first-reply timer ----------------------------------------------------


def record_first_reply(conn: sa.engine.Connection, handoff_id: int, agent: str) -> bool:
    """Keep the moment of the handoff's first agent reply; False when it has one already."""
    kept = conn.execute(
        sa.select(handoff_first_replies.c.id).where(handoff_first_replies.c.handoff_id == handoff_id)
    ).first()
    if kept is not None:
        return False
    add_row(conn, handoff_first_replies, handoff_id=handoff_id, agent=agent)
    return True


async def note_first_reply(store: Store, handoff_id: int, agent: str) -> bool:
    """``record_first_reply`` in its own transaction (two replies at one moment: the first wins)."""
    try:
        return await store.run(record_first_reply, handoff_id, agent)
    except sa.exc.IntegrityError:
        return False


def first_replies(conn: sa.engine.Connection, handoff_ids: Iterable[int]) -> Dict[int, datetime]:
    """When each of these handoffs had its first agent reply (UTC, naive as stored); absent: none yet."""
    ids = list(handoff_ids)
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(handoff_first_replies.c.handoff_id, handoff_first_replies.c.created_at).where(
            handoff_first_replies.c.handoff_id.in_(ids)
        )
    )
    return {int(row.handoff_id): row.created_at for row in rows}


async def first_replies_for(store: Store, handoff_ids: Iterable[int]) -> Dict[int, datetime]:
    return await store.run(first_replies, list(handoff_ids))


def timer(created_at: datetime, first_reply_at: Optional[datetime], now: datetime, target: int) -> Dict[str, Any]:
    """A case's first-reply figures: the target (``sla_seconds``), and until the first reply the
    seconds left (negative once late); after it, how long it took and whether that was in time."""
    elapsed = max(0, int(((first_reply_at or now) - created_at).total_seconds()))
    return {
        "first_reply_at": iso(first_reply_at),
        "sla_seconds": target,
        "first_reply_seconds": elapsed if first_reply_at else None,
        "sla_left_seconds": None if first_reply_at else target - elapsed,
        "sla_late": elapsed > target,
    }


def _stored(iso: Any) -> datetime:
    return clock.stored(datetime.fromisoformat(str(iso)))


async def add_timers(store: Store, entries: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Queue entries (queue._entry, with ``id`` and ``created_at``) with ``timer``'s figures added."""
    found = await first_replies_for(store, [entry["id"] for entry in entries])
    now, target = clock.now(), settings().desk_first_reply_seconds
    for entry in entries:
        entry.update(timer(_stored(entry["created_at"]), found.get(entry["id"]), now, target))
    return entries


# -- the routes -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _domain_file() -> Any:
    """The playbook's responses from domain.yml, when no model is loaded (the desk without Rasa)."""
    responses = (yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}).get("responses") or {}
    return SimpleNamespace(responses=responses)


def playbook_domain(app: Any) -> Any:
    """The running model's domain, or domain.yml's responses."""
    return getattr(getattr(app.ctx, "agent", None), "domain", None) or _domain_file()


def _offset(request: Request) -> int:
    raw = request.args.get("offset") or "0"
    return max(0, min(int(raw), 10**6)) if raw.isdigit() else 0


def routes(desk: Blueprint, api: Guard, store: Store, secure: Secure, error: Error) -> None:
    """Add the shift tools' API to the desk's blueprint."""

    async def seeded(app: Any) -> None:
        try:
            await store.run(replies.seed, replies.seeds(playbook_domain(app)))
        except sa.exc.IntegrityError:  # two first requests at one moment: the other one seeded
            pass

    @desk.route("/api/replies", methods=["GET"])
    @api
    async def reply_list(request: Request, agent: Agent) -> HTTPResponse:
        await seeded(request.app)
        query = (request.args.get("q") or "")[:200]
        found = await store.run(replies.search, agent, query)
        missing = await store.run(replies.missing_defaults, replies.seeds(playbook_domain(request.app)))
        return secure(response.json({"replies": found, "lead": agent.lead, "missing_defaults": len(missing)}))

    @desk.route("/api/replies", methods=["POST"])
    @api
    async def reply_add(request: Request, agent: Agent) -> HTTPResponse:
        try:
            title, text = replies.valid(json_body(request))
        except replies.Invalid as invalid:
            return error(400, str(invalid))
        await seeded(request.app)
        return secure(response.json(await store.run(replies.add, title, text, agent), status=201))

    @desk.route("/api/replies/restore", methods=["POST"])
    @api
    async def reply_restore(request: Request, agent: Agent) -> HTTPResponse:
        """A lead puts the playbook's replies that are missing back on the list."""
        if not agent.lead:
            return error(403, "Only a lead can restore the playbook's canned replies.")
        restored = await store.run(replies.restore, replies.seeds(playbook_domain(request.app)), agent.name)
        return secure(response.json({"restored": restored}))

    @desk.route("/api/replies/<reply_id:int>", methods=["PUT"])
    @api
    async def reply_edit(request: Request, agent: Agent, reply_id: int) -> HTTPResponse:
        try:
            title, text = replies.valid(json_body(request))
            changed = await store.run(replies.update, reply_id, title, text, agent)
        except replies.Invalid as invalid:
            return error(400, str(invalid))
        except replies.NotYours as refused:
            return error(403, str(refused))
        return secure(response.json(changed)) if changed else error(404, "No such reply.")

    @desk.route("/api/replies/<reply_id:int>", methods=["DELETE"])
    @api
    async def reply_delete(request: Request, agent: Agent, reply_id: int) -> HTTPResponse:
        try:
            if not await store.run(replies.delete, reply_id, agent):
                return error(404, "No such reply.")
        except replies.NotYours as refused:
            return error(403, str(refused))
        return secure(response.json({"deleted": reply_id}))

    @desk.route("/api/history", methods=["GET"])
    @api
    async def history_search(request: Request, agent: Agent) -> HTTPResponse:
        found = await store.run(
            history.search,
            agent,
            (request.args.get("q") or "")[:200],
            (request.args.get("agent") or "").strip().lower()[:80],
            (request.args.get("outcome") or "").strip()[:40],
            _offset(request),
        )
        found["outcomes"] = [{"code": code, "label": history.outcome_words(code)} for code in history.KNOWN_OUTCOMES]
        return secure(response.json(found))

    @desk.route("/api/queue/left", methods=["GET"])
    @api
    async def queue_left(request: Request, agent: Agent) -> HTTPResponse:
        """The cases that left the queue without an agent, newest first, for every agent to follow up
        (queue.visible_to); ``?ids=7,8`` (at most 50): why those that just went from the queue's list left."""
        raw = request.args.get("ids")
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()][:50] if raw is not None else None
        return secure(response.json({"cases": await store.run(history.why_left, ids) if ids != [] else []}))

    @desk.route("/api/handoffs/<handoff_id:int>/rating", methods=["GET"])
    @api
    async def case_rating(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
        """The customer's rating of a case this agent may read (queue.visible_to); null before they rated."""
        if await store.handoff_for(handoff_id, agent) is None:
            return error(404, "No such handoff.")
        return secure(response.json({"rating": await store.run(history.rating_of, handoff_id)}))

    @desk.route("/api/satisfaction", methods=["GET"])
    @api
    async def satisfaction(request: Request, agent: Agent) -> HTTPResponse:
        return secure(response.json(await store.run(history.satisfaction, agent)))
