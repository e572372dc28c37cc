"""The demo company's side of a commitment: applied to its records once per Idempotency-Key.

The demo company's receiver (server/company/receiver.py) calls ``apply`` in one
transaction for each signed commitment Gracious POSTs. What it does, by event:

- ``credit``, ``refund``, ``replacement``, ``exchange``, ``remake``: applied to the bill or
  order named (``data.reference``), so reading that record shows it (``for_reference``);
- ``honour_coupon``: the coupon is marked honoured, and applied like the others;
- ``grant_withdrawn``: the grant it names (``data.withdraws``, its key; never by a grant id alone, which a later grant may reuse)
  is taken back, so the record no longer shows it, even when the withdrawal arrives first;
- callbacks and agents' outcomes: recorded;
- any other event: kept as received and answered 200, so our outbox does not send it
  again forever; a newer Gracious may send events an older company does not act on.

A key seen before changes nothing: the answer says it was already applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional

import sqlalchemy as sa

from gracious.stores.company_schema import applied_commitments, coupons
from gracious.stores.company_types import Applied

APPLIED = frozenset({"credit", "refund", "replacement", "exchange", "remake", "honour_coupon"})
RECORDED = frozenset({"callback_booked", "callback_moved", "callback_cancelled", "callback_outcome", "agent_outcome"})
WITHDRAWN = "grant_withdrawn"


@dataclass(frozen=True)
class Receipt:
    """What the receiver did with a commitment: ``outcome`` ("applied", "recorded", "received"),
    and ``created`` False when its key was taken before (nothing changed this time)."""

    outcome: str
    created: bool


def _text(value: Any, limit: int) -> Optional[str]:
    return str(value).strip()[:limit] or None if value not in (None, "") else None


def _amount(value: Any) -> Optional[float]:
    try:
        return None if value in (None, "") else round(float(value), 2)
    except (TypeError, ValueError):
        return None


def _grant_id(value: Any) -> Optional[int]:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _withdraw(conn: sa.engine.Connection, data: Mapping[str, Any], now: datetime) -> None:
    target = applied_commitments.c
    # Only by the withdrawn grant's key: a grant id alone may name a later grant (ids can be reused).
    if data.get("withdraws"):
        conn.execute(
            applied_commitments.update()
            .where(target.key == str(data["withdraws"]), target.withdrawn_at.is_(None), target.event != WITHDRAWN)
            .values(withdrawn_at=now)
        )


def _withdrawn_before(conn: sa.engine.Connection, key: str) -> Optional[datetime]:
    """When a withdrawal of this grant came before the grant itself did (a retried delivery)."""
    for row in conn.execute(sa.select(applied_commitments).where(applied_commitments.c.event == WITHDRAWN)):
        data = (json.loads(row.body).get("data") or {}) if row.body else {}
        if data.get("withdraws") == key:
            return row.received_at
    return None


def apply(conn: sa.engine.Connection, key: str, message: Mapping[str, Any], now: datetime) -> Receipt:
    """Apply one commitment (the webhook's JSON body) under ``key``, in ``conn``'s transaction."""
    earlier = conn.execute(
        sa.select(applied_commitments.c.outcome).where(applied_commitments.c.key == key)
    ).scalar_one_or_none()
    if earlier is not None:
        return Receipt(earlier, created=False)
    event = str(message.get("event") or "")[:60]
    data: Dict[str, Any] = dict(message["data"]) if isinstance(message.get("data"), dict) else {}
    reference = _text(data.get("reference"), 40)
    grant_id = _grant_id(data.get("grant_id"))
    outcome = "applied" if event in APPLIED or event == WITHDRAWN else "recorded" if event in RECORDED else "received"
    withdrawn_at = None
    if event == WITHDRAWN:
        _withdraw(conn, data, now)
    elif event in APPLIED:
        withdrawn_at = _withdrawn_before(conn, key)
        if event == "honour_coupon" and reference and withdrawn_at is None:
            conn.execute(coupons.update().where(coupons.c.code == reference.upper()).values(goodwill_honoured=True))
    conn.execute(
        applied_commitments.insert().values(
            key=key,
            event=event or "(none)",
            reference=reference,
            customer_id=_text(data.get("customer_id"), 16),
            amount=_amount(data.get("amount")),
            grant_id=grant_id,
            outcome=outcome,
            body=json.dumps(message, sort_keys=True, default=str),
            received_at=now,
            withdrawn_at=withdrawn_at,
        )
    )
    return Receipt(outcome, created=True)


def for_reference(conn: sa.engine.Connection, reference: str) -> List[Applied]:
    """What stands applied to a bill or order (not taken back), oldest first."""
    c = applied_commitments.c
    rows = conn.execute(
        sa.select(c.event, c.amount, c.received_at)
        .where(c.reference == reference, c.event.in_(APPLIED), c.withdrawn_at.is_(None))
        .order_by(c.received_at, c.id)
    )
    return [
        Applied(
            event=row.event,
            amount=None if row.amount is None else float(row.amount),
            applied_at=row.received_at.replace(tzinfo=timezone.utc),
        )
        for row in rows
    ]
