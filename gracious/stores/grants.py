"""What the assistant granted, and the rules each grant keeps.

Once per record: a credit, refund, exchange, replacement, remake or goodwill coupon
(``ONCE_PER_RECORD``) is granted at most once per bill, order or coupon, whichever
conversation asks. ``record`` looks for an earlier grant before it inserts (a repeat is
refused even on a database without the index, see ``ensure_once_index``), and the unique
index ``uq_grants_once_per_record`` decides between two conversations granting at the same
moment: one insert wins, the other's caller gets the winner's row. One remedy per order
(``REMEDIES``: refunded, exchanged or replaced, not two), whoever grants it, the chat or
the desk: ``record`` refuses the second (``other_remedy``).

Every grant written also writes, in the same transaction, its commitment to the
company's systems (``promise``: the outbox row the worker POSTs, signed) and the
emails that go with it (a return label with a refund): a grant never exists
without its promises, nor a promise without its grant. Taking a grant back writes
a ``grant_withdrawn`` commitment the same way, and cancels its emails not sent yet.
Only ``CompanyData`` (company.py) and the desk (server/desk/grants.py) call these, in a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa

from gracious.outbox import promises, table
from gracious.stores.company_schema import ONCE_PER_RECORD, coupons, grants, once_per_record, outbox

logger = logging.getLogger(__name__)
# Remedies for one order that exclude each other (a person can switch it: withdraw, then grant).
REMEDIES = ("refund", "exchange", "replacement")
# Remedies that wait for the customer's return (the prepaid label): never "nothing more you need to do"
# while the old one is still with them (blind panel p37 24).
WAITS_FOR_RETURN = ("refund", "exchange")


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
class Mail:
    """An email that goes with a grant (catalog/emails.yml's ``template`` to ``to``), queued with it."""

    template: str
    to: str
    variables: Mapping[str, Any]
    name: Optional[str] = None


def grant_key(grant: Grant) -> str:
    """The grant's idempotency key: its id and the moment it was made (ids are never reused
    on a new database, but one made before ``sqlite_autoincrement`` may reuse a withdrawn one's)."""
    return f"grant:{grant.id}:{grant.created_at.astimezone(timezone.utc):%Y%m%dT%H%M%S%fZ}"


def return_code(grant: Grant) -> str:
    """What the customer shows (or writes on the parcel) with a return: the grant it belongs to."""
    return f"RT-{grant.id:06d}"


def promise(
    conn: sa.engine.Connection,
    grant: Grant,
    *,
    sender_id: Optional[str] = None,
    mails: Sequence[Mail] = (),
    extra: Optional[Dict[str, Any]] = None,
) -> None:
    """The grant's commitment to the company's systems and its emails, in ``conn``'s transaction."""
    key = grant_key(grant)
    data: Dict[str, Any] = {
        "grant_id": grant.id,
        "reference": grant.reference,
        "customer_id": grant.customer_id,
        "amount": grant.amount,
        "note": grant.note,
        **(extra or {}),
        **({"sender_id": sender_id} if sender_id else {}),
    }
    promises.commitment(conn, outbox, key=key, event=grant.kind, data=data, sender_id=sender_id)
    for mail in mails:
        promises.email(
            conn,
            outbox,
            key=f"{key}:{mail.template}",
            topic=mail.template,
            template=mail.template,
            to=mail.to,
            variables={"return_code": return_code(grant), **mail.variables},
            name=mail.name,
            sender_id=sender_id,
        )


@dataclass(frozen=True)
class GrantResult:
    """What a request to grant did. ``created``: ``grant`` is the new row. Otherwise nothing was
    written, and ``grant`` is the grant in the way: this kind for this reference (another
    conversation's, or a racing one's), or (``other_remedy``) another remedy for the order."""

    grant: Grant
    created: bool
    other_remedy: bool = False
    switched: bool = False  # the order's other remedy was taken back in the same transaction (``record(replaces=)``)

    @property
    def granted_before(self) -> bool:
        return not self.created


def switchable(
    kind: str, granted_day: date, today: date, granted_to: Optional[str] = None, asking: Optional[str] = None
) -> bool:
    """Whether a remedy granted on ``granted_day`` (the company's day) to ``granted_to`` can still give way to another
    that ``asking`` switches to: the same customer's (a grant made to nobody in particular is anyone's who holds the
    record), and nothing of it has moved yet. A refund or an exchange waits for the parcel to come back; a replacement
    goes out the night it is granted, so only until then."""
    if granted_to and granted_to != asking:
        return False
    return kind in ("refund", "exchange") or (kind == "replacement" and granted_day >= today)


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


def other_remedy(conn: sa.engine.Connection, kind: str, reference: Optional[str]) -> Optional[Grant]:
    """Another remedy granted for this order (a refund when ``kind`` is an exchange...), or None."""
    if kind not in REMEDIES or not reference:
        return None
    row = conn.execute(
        sa.select(grants)
        .where(grants.c.kind.in_([k for k in REMEDIES if k != kind]), grants.c.reference == reference)
        .order_by(grants.c.created_at, grants.c.id)
        .limit(1)
    ).first()
    return Grant.from_row(row) if row else None


def write(
    conn: sa.engine.Connection,
    kind: str,
    reference: Optional[str],
    customer_id: Optional[str],
    amount: Optional[float],
    note: str,
    sender_id: Optional[str] = None,
    mails: Sequence[Mail] = (),
    extra: Optional[Dict[str, Any]] = None,
) -> GrantResult:
    """``record``'s work in ``conn``'s transaction (several grants in one: grants_many.record_all)."""
    earlier = find(conn, kind, reference) if is_once_per_record(kind, reference) else None
    if earlier is not None:
        return GrantResult(earlier, created=False)
    other = other_remedy(conn, kind, reference)
    if other is not None:
        return GrantResult(other, created=False, other_remedy=True)
    now = datetime.now(timezone.utc)
    row: Dict[str, Any] = {"kind": kind, "reference": reference, "customer_id": customer_id, "amount": amount}
    new = {**row, "note": note[:200]}
    result = conn.execute(grants.insert().values(**new, created_at=now.replace(tzinfo=None)))
    if kind == "honour_coupon" and reference:
        conn.execute(coupons.update().where(coupons.c.code == reference).values(goodwill_honoured=True))
    grant = Grant(id=int(result.inserted_primary_key[0]), created_at=now, **new)
    promise(conn, grant, sender_id=sender_id, mails=mails, extra=extra)
    return GrantResult(grant, created=True)


class _Kept(Exception):
    """A switch of remedy refused after the old one was taken back: raised to roll both back."""

    def __init__(self, result: GrantResult) -> None:
        super().__init__(result.grant.kind)
        self.result = result


def record(
    engine: sa.engine.Engine,
    kind: str,
    reference: Optional[str],
    customer_id: Optional[str],
    amount: Optional[float],
    note: str,
    *,
    sender_id: Optional[str] = None,
    mails: Sequence[Mail] = (),
    extra: Optional[Dict[str, Any]] = None,
    replaces: Optional[str] = None,
) -> GrantResult:
    """Write a grant, unless it is once per record and that record has it already.

    Atomic: of two calls for the same kind and reference at the same moment, in
    threads or processes, exactly one writes; the other returns the winner's row.
    A grant written has its commitment and ``mails`` in the outbox in the same
    transaction (``promise``; ``extra`` goes into the commitment's data); a grant
    refused (made before, or another remedy for the order) writes nothing, promises included.
    ``replaces``: the other remedy of the order the customer switches from ("the replacement instead of the
    refund"), taken back in the same transaction (``withdraw``); when the new grant is refused, it stands.
    """
    try:
        with engine.begin() as conn:
            took = replaces is not None and withdraw(conn, replaces, reference, customer_id, sender_id)
            result = write(conn, kind, reference, customer_id, amount, note, sender_id, mails, extra)
            if replaces is not None and not result.created:
                raise _Kept(result)
            return GrantResult(result.grant, result.created, result.other_remedy, switched=took)
    except _Kept as kept:  # the transaction rolled back: the remedy switched from stands
        return kept.result
    except sa.exc.IntegrityError:
        # Another conversation inserted the same grant after our look: the index
        # refused ours (the failed transaction is gone, so read in a new one).
        if not is_once_per_record(kind, reference):
            raise
        with engine.connect() as conn:
            winner = find(conn, kind, reference)
        if winner is None:
            raise
        return GrantResult(winner, created=False)


def withdraw(
    conn: sa.engine.Connection,
    kind: str,
    reference: Optional[str],
    customer_id: Optional[str],
    sender_id: Optional[str] = None,
) -> bool:
    """Take back the latest grant of ``kind`` for ``reference`` ("I meant the refund");
    False when there is none to take back. The company is told (a ``grant_withdrawn``
    commitment) in the same transaction, and its emails not yet sent are cancelled."""
    where = [grants.c.kind == kind]
    where.append(grants.c.reference == reference if reference is not None else grants.c.reference.is_(None))
    if reference is None:
        where.append(grants.c.customer_id == customer_id if customer_id else grants.c.customer_id.is_(None))
    row = conn.execute(sa.select(grants).where(*where).order_by(grants.c.id.desc()).limit(1)).first()
    if row is None:
        return False
    taken = Grant.from_row(row)
    conn.execute(grants.delete().where(grants.c.id == row.id))
    table.cancel_pending(conn, outbox, f"{grant_key(taken)}:", reason="not sent: the grant was withdrawn")
    data: Dict[str, Any] = {
        "grant_id": taken.id,
        "kind": taken.kind,
        "reference": taken.reference,
        "customer_id": taken.customer_id,
        "amount": taken.amount,
        "withdraws": grant_key(taken),
        **({"sender_id": sender_id} if sender_id else {}),
    }
    promises.commitment(
        conn, outbox, key=f"{grant_key(taken)}:withdrawn", event="grant_withdrawn", data=data, sender_id=sender_id
    )
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

    One holding the same grant twice cannot get it: rather than stop the assistant, or delete
    records of money paid, this logs the duplicates for a person and returns False (``record``
    still refuses a new repeat); the next start after the fix creates it."""
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
