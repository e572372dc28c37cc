"""The desk's Outbox page: every promise waiting, sent or failing, and the mails the local sink kept.

``GET /desk/api/outbox`` lists the newest outbox rows of both databases (the
records' and the company's, gracious/outbox/table.py) with their tries and last
error, so a failed delivery is in plain sight, and the mails the local mail sink
received (gracious/outbox/mailbox.py). ``GET /desk/api/outbox/mail/<id>`` is one
mail's details and plain text; its HTML is served on its own
(``.../mail/<id>/html``) with a policy that allows no script, no request and no
form, to be shown only in a sandboxed iframe, never inside the desk's page.
Registered by web.py, behind its ``api`` guard (signed-in agents only).
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional

import sqlalchemy as sa
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.outbox import mailbox
from gracious.outbox.worker import default_outboxes
from gracious.stores.records import outbox as records_outbox
from server.desk.agents import Agent

Guard = Callable[[Callable[..., Awaitable[HTTPResponse]]], Callable[..., Awaitable[HTTPResponse]]]
NEWEST = 200
MAIL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
# A mail's HTML: no script, no request anywhere (images included), no form, no frame but ours.
MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'; base-uri 'none'"


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def state(row: Any) -> str:
    """A row's state in plain words for the page: delivered, sending, retrying, waiting or cancelled."""
    if row.status in ("delivered", "cancelled"):  # cancelled: taken back before it went (a withdrawn grant)
        return str(row.status)
    if row.status == "sending":
        return "sending"
    return "retrying" if (row.attempts or 0) > 0 else "waiting"


# Each state as the page says it.
STATE_WORDS = {
    "delivered": "Delivered",
    "sending": "Sending",
    "retrying": "Failed, will retry",
    "waiting": "Waiting",
    "cancelled": "Not sent (cancelled)",
}


def reason_cancelled(row: Any) -> Optional[str]:
    """Why a cancelled row was never sent, in plain words ("the grant was withdrawn"); None for others."""
    if row.status != "cancelled":
        return None
    reason = str(row.last_error or "").strip()
    return re.sub(r"^(?:not sent|cancelled)\s*[:,-]\s*", "", reason, flags=re.I) or "taken back before it went"


def recent(conn: sa.engine.Connection, table: sa.Table, database: str, limit: int = NEWEST) -> List[Dict[str, Any]]:
    """The newest ``limit`` rows of one outbox, newest first, as the page shows them."""
    shown = []
    for row in conn.execute(sa.select(table).order_by(table.c.id.desc()).limit(limit)):
        try:
            payload = json.loads(row.payload)
        except ValueError:
            payload = {}
        shown.append(
            {
                "database": database,
                "id": row.id,
                "key": row.key,
                "kind": row.kind,
                "topic": row.topic,
                "recipient": row.recipient,
                "subject": payload.get("subject") if row.kind == "email" and isinstance(payload, dict) else None,
                # What the email says, readable before it goes (a thank-you note waits an hour).
                "text": payload.get("text") if row.kind == "email" and isinstance(payload, dict) else None,
                "status": row.status,
                "state": state(row),
                "state_words": STATE_WORDS[state(row)],
                # A cancelled row is not an error, and is due never: its reason instead.
                "reason": reason_cancelled(row),
                "attempts": row.attempts or 0,
                "last_error": None if row.status == "cancelled" else row.last_error,
                "due_at": _iso(row.due_at) if row.status in ("pending", "sending") else None,
                "created_at": _iso(row.created_at),
                "delivered_at": _iso(row.delivered_at),
            }
        )
    return shown


async def outbox_rows() -> List[Dict[str, Any]]:
    """Both databases' newest rows, newest first."""
    rows: List[Dict[str, Any]] = []
    for store, outbox in default_outboxes():  # each database once, even when both settings name one
        rows += await store.run(recent, outbox, "records" if outbox is records_outbox else "company")
    return sorted(rows, key=lambda row: row["created_at"] or "", reverse=True)


def _listed(mail: Dict[str, Any]) -> Dict[str, Any]:
    shown = {key: mail.get(key) for key in ("id", "from", "to", "subject")}
    return shown | {"received_at": _iso(mail.get("received_at")), "has_html": bool(mail.get("html"))}


def _one(mail_id: str) -> Optional[Dict[str, Any]]:
    if not MAIL_ID.fullmatch(mail_id):
        return None
    try:
        return mailbox.message(None, mail_id)
    except (KeyError, LookupError, OSError, ValueError):
        return None


def routes(desk: Blueprint, api: Guard, secure: Callable[[HTTPResponse], HTTPResponse]) -> None:
    """Add the Outbox API to the desk's blueprint."""

    def missing() -> HTTPResponse:
        return secure(response.json({"error": "There is no such mail."}, status=404))

    @desk.route("/api/outbox", methods=["GET"])
    @api
    async def outbox_list(request: Request, agent: Agent) -> HTTPResponse:
        rows = await outbox_rows()
        # Reading the kept mail is file work: off the server's loop, which answers the customers too.
        mails = [_listed(mail) for mail in await asyncio.to_thread(mailbox.messages, None, NEWEST)]
        return secure(
            response.json(
                {
                    "rows": rows,
                    "retrying": sum(1 for row in rows if row["state"] == "retrying"),
                    "mail": mails,
                    "mail_folder": str(mailbox.default_folder()),
                },
                default=str,
            )
        )

    @desk.route("/api/outbox/mail/<mail_id>", methods=["GET"])
    @api
    async def outbox_mail(request: Request, agent: Agent, mail_id: str) -> HTTPResponse:
        mail = _one(mail_id)
        if mail is None:
            return missing()
        shown = _listed(mail) | {"text": mail.get("text"), "message_id": mail.get("message_id")}
        return secure(response.json(shown, default=str))

    @desk.route("/api/outbox/mail/<mail_id>/html", methods=["GET"])
    @api
    async def outbox_mail_html(request: Request, agent: Agent, mail_id: str) -> HTTPResponse:
        mail = _one(mail_id)
        if mail is None or not mail.get("html"):
            return missing()
        reply = response.html(str(mail["html"]))
        reply.headers["Content-Security-Policy"] = MAIL_CSP
        reply.headers["X-Content-Type-Options"] = "nosniff"
        reply.headers["Referrer-Policy"] = "no-referrer"
        reply.headers["Cache-Control"] = "no-store"
        return reply
