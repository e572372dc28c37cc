"""What the assistant granted, and the rule that each grant happens once per record.

A credit, refund, exchange, replacement, remake or goodwill coupon (the kinds in
``ONCE_PER_RECORD``) is granted at most once per bill, order or coupon, whichever
conversation asks. Two things hold that rule:

- ``record`` looks for an earlier grant before it inserts, so a repeat is refused
  even on a database that could not get the index yet (see ``ensure_once_index``);
- the unique index ``uq_grants_once_per_record`` decides between two conversations
  granting at the same moment: one insert wins, the other fails on the index, and
  its caller gets the winner's row instead.

Only ``CompanyData`` (company.py) calls these, in a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa

from gracious.stores.company_schema import ONCE_PER_RECORD, coupons, grants, once_per_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Grant:
    """One grant as recorded. ``created_at`` is in UTC."""

    id: int
    kind: str
    reference: Optional[str]
    customer_id: Optional[str]
    amount: Optional[float]
    note: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> "Grant":
        return cls(
            id=int(row.id),
            kind=row.kind,
            reference=row.reference,
            customer_id=row.customer_id,
            amount=None if row.amount is None else float(row.amount),
            note=row.note or "",
            created_at=row.created_at.replace(tzinfo=timezone.utc),
        )


@dataclass(frozen=True)
class GrantResult:
    """What a request to grant did.

    ``created``: ``grant`` is the new row. Otherwise this kind was granted for this
    reference before (in another conversation, or by one racing this one), nothing
    was written, and ``grant`` is that earlier grant.
    """

    grant: Grant
    created: bool

    @property
    def granted_before(self) -> bool:
        return not self.created


def is_once_per_record(kind: str, reference: Optional[str]) -> bool:
    """Whether a grant of ``kind`` for ``reference`` may happen only once."""
    return reference is not None and kind in ONCE_PER_RECORD


def find(conn: sa.engine.Connection, kind: str, reference: Optional[str]) -> Optional[Grant]:
    """The first grant of ``kind`` for ``reference``, or None (always None without a reference)."""
    if reference is None:
        return None
    row = conn.execute(
        sa.select(grants)
        .where(grants.c.kind == kind, grants.c.reference == reference)
        .order_by(grants.c.created_at, grants.c.id)
        .limit(1)
    ).first()
    return Grant.from_row(row) if row else None


def record(
    engine: sa.engine.Engine,
    kind: str,
    reference: Optional[str],
    customer_id: Optional[str],
    amount: Optional[float],
    note: str,
) -> GrantResult:
    """Write a grant, unless it is once per record and that record has it already.

    Atomic: of two calls for the same kind and reference at the same moment, in
    threads or processes, exactly one writes; the other returns the winner's row.
    """
    once = is_once_per_record(kind, reference)
    try:
        with engine.begin() as conn:
            earlier = find(conn, kind, reference) if once else None
            if earlier is not None:
                return GrantResult(earlier, created=False)
            now = datetime.now(timezone.utc)
            new = {
                "kind": kind,
                "reference": reference,
                "customer_id": customer_id,
                "amount": amount,
                "note": note[:200],
            }
            result = conn.execute(grants.insert().values(**new, created_at=now.replace(tzinfo=None)))
            if kind == "honour_coupon" and reference:
                conn.execute(coupons.update().where(coupons.c.code == reference).values(goodwill_honoured=True))
            grant = Grant(
                id=int(result.inserted_primary_key[0]),
                kind=kind,
                reference=reference,
                customer_id=customer_id,
                amount=amount,
                note=note[:200],
                created_at=now,
            )
            return GrantResult(grant, created=True)
    except sa.exc.IntegrityError:
        # Another conversation inserted the same grant after our look: the index
        # refused ours (the failed transaction is gone, so read in a new one).
        if not once:
            raise
        with engine.connect() as conn:
            winner = find(conn, kind, reference)
        if winner is None:
            raise
        return GrantResult(winner, created=False)


def withdraw(conn: sa.engine.Connection, kind: str, reference: Optional[str], customer_id: Optional[str]) -> bool:
    """Take back the latest grant of ``kind`` for ``reference`` ("I meant the refund");
    False when there is none to take back."""
    where = [grants.c.kind == kind]
    where.append(grants.c.reference == reference if reference is not None else grants.c.reference.is_(None))
    if reference is None:
        where.append(grants.c.customer_id == customer_id if customer_id else grants.c.customer_id.is_(None))
    row = conn.execute(sa.select(grants.c.id).where(*where).order_by(grants.c.id.desc()).limit(1)).first()
    if row is None:
        return False
    conn.execute(grants.delete().where(grants.c.id == row.id))
    if kind == "honour_coupon" and reference:
        conn.execute(coupons.update().where(coupons.c.code == reference).values(goodwill_honoured=False))
    return True


def duplicates(conn: sa.engine.Connection) -> List[Tuple[str, str, int]]:
    """(kind, reference, count) of once-per-record grants made more than once."""
    rows = conn.execute(
        sa.select(grants.c.kind, grants.c.reference, sa.func.count())
        .where(grants.c.reference.isnot(None), grants.c.kind.in_(ONCE_PER_RECORD))
        .group_by(grants.c.kind, grants.c.reference)
        .having(sa.func.count() > 1)
        .order_by(grants.c.kind, grants.c.reference)
    )
    return [(r[0], r[1], int(r[2])) for r in rows]


def ensure_once_index(engine: sa.engine.Engine) -> bool:
    """Create the once-per-record index on a database made before it; True if it is there.

    A new database gets it from ``create_all``. An older one holding the same
    grant twice (the very thing the index forbids) cannot get it: rather than stop
    the assistant for every customer, or delete records of money already paid,
    this logs the duplicates for a person to resolve and returns False; ``record``
    still refuses any new repeat. The next start after the fix creates the index.
    """
    try:
        with engine.begin() as conn:
            conn.execute(sa.schema.CreateIndex(once_per_record, if_not_exists=True))
        return True
    except sa.exc.IntegrityError:
        with engine.connect() as conn:
            found = duplicates(conn)
        if not found:
            return True  # another process created it at the same moment
        logger.error(
            "The grants table holds %d grant(s) made more than once for the same record: %s. "
            "Until each is down to one row (a person must decide which stands), the unique index %s "
            "cannot be created, and two conversations granting the same thing at the same moment "
            "are not kept apart; a later repeat is still refused. Restart after the fix to create it.",
            len(found),
            ", ".join(f"{kind} {reference} x{count}" for kind, reference, count in found),
            once_per_record.name,
        )
        return False
