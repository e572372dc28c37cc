"""Several grants in one transaction: a bundle (catalog/policies.yml ``kind: bundle``) is all
written or none of it, so a failure on its second part never leaves the first made while the
customer hears the outage apology (actions/bundle.py).

Each grant keeps the rules ``grants.record`` keeps (once per record, one remedy per order,
its commitment and emails with it): one the record has already is not written again, and its
result says so, while the others are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa

from gracious.stores.grants import GrantResult, Mail, write


@dataclass(frozen=True)
class Request:
    """One grant to write (the arguments of ``grants.record``)."""

    kind: str
    reference: Optional[str]
    customer_id: Optional[str]
    amount: Optional[float]
    note: str
    sender_id: Optional[str] = None
    mails: Sequence[Mail] = ()
    extra: Optional[Dict[str, Any]] = field(default=None)


def record_all(engine: sa.engine.Engine, requests: Sequence[Request]) -> List[GrantResult]:
    """Write every grant of ``requests`` in one transaction; one result each, in order.

    Two conversations granting the same thing at the same moment: the unique index refuses
    ours and the whole transaction is rolled back; it is tried once more, where each grant the
    other conversation made is found and not written again.
    """
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                return [
                    write(conn, r.kind, r.reference, r.customer_id, r.amount, r.note, r.sender_id, r.mails, r.extra)
                    for r in requests
                ]
        except sa.exc.IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
