"""The two kinds of promise, written into an outbox in the caller's transaction.

    with engine.begin() as conn:
        ... the decision ...
        promises.email(conn, outbox, key=f"thank-you:{case}", topic="thank_you",
                       template="thank_you", to=address, name=name, variables={...})
        promises.commitment(conn, outbox, key=f"grant:{grant_id}", event="credit", data={...})

``key`` is the idempotency key: the same promise made twice is one row.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any, Dict, Mapping, Optional

import sqlalchemy as sa

from gracious.outbox import mail
from gracious.outbox.table import enqueue
from gracious.stores import clock


def message_id(key: str) -> str:
    """The email's Message-ID for the promise ``key``: the same on every try, and a valid id
    (RFC 5322 allows no ":" or space before the "@"), with a hash so two keys never share one."""
    readable = re.sub(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+", ".", key).strip(".")[:120] or "mail"
    return f"<{readable}.{hashlib.sha256(key.encode()).hexdigest()[:12]}@gracious>"


def email(
    conn: sa.engine.Connection,
    outbox: sa.Table,
    *,
    key: str,
    topic: str,
    template: str,
    to: str,
    variables: Mapping[str, Any],
    name: Optional[str] = None,
    sender_id: Optional[str] = None,
    due_at: Optional[datetime] = None,
) -> int:
    """Queue one email (composed now from ``catalog/emails.yml``, so what is queued is what is sent)."""
    payload = mail.compose(template, to, variables, name=name)
    payload["message_id"] = message_id(key)
    return enqueue(
        conn,
        outbox,
        kind="email",
        key=key,
        topic=topic,
        payload=payload,
        recipient=to,
        sender_id=sender_id,
        due_at=due_at,
    )


def commitment(
    conn: sa.engine.Connection,
    outbox: sa.Table,
    *,
    key: str,
    event: str,
    data: Dict[str, Any],
    sender_id: Optional[str] = None,
) -> int:
    """Queue one commitment for the company's systems (POSTed, signed, to GRACIOUS_COMPANY_WEBHOOK_URL).

    The JSON body is ``{"id": key, "event": event, "occurred_at": <UTC ISO time>, "data": data}``.
    """
    message = {"id": key, "event": event, "occurred_at": clock.now().isoformat() + "Z", "data": data}
    return enqueue(
        conn, outbox, kind="webhook", key=key, topic=event, payload=message, recipient=event, sender_id=sender_id
    )
