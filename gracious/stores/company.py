"""The company's records: customers, orders, bills, coupons, and what we grant.

This is the one module that knows where company data lives. The demo company is a
SQLite database filled from ``demo/company.yml`` on first use (``company_demo.py``);
a real deployment replaces this module (or points ``GRACIOUS_COMPANY_DB_URL`` at its
own database). Calls are async and run the database work in a thread, so an action
never blocks the action server's event loop. The tables are in ``company_schema.py``,
what the actions receive in ``company_types.py``; the rule that a grant happens once
per record is in ``grants.py``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa

from gracious.references import normalize_reference  # noqa: F401 (re-exported for the actions)
from gracious.settings import Settings, settings
from gracious.stores import account_checks, applied, clock, company_demo, grants_many
from gracious.stores import grants as grant_rules
from gracious.stores.applied import Receipt
from gracious.stores.base import Store
from gracious.stores.company_schema import (  # the tables, importable from here as before
    bills,
    call_lines,
    coupons,
    customers,
    grants,
    metadata,
    orders,
    products,
    settings_table,
)
from gracious.stores.company_types import Bill, CallLine, Coupon, Customer, Order
from gracious.stores.grants import Grant, GrantResult, Mail  # noqa: F401 (re-exported for the actions)


def _by_reference(table: sa.Table, reference: str) -> sa.sql.Select:
    """Rows whose id is the reference, or ends with its digits when no prefix was given."""
    if "-" in reference:
        return sa.select(table).where(table.c.id == reference)
    return sa.select(table).where(table.c.id.like(f"%-{reference}"))


def is_demo_company(config: Optional[Settings] = None) -> bool:
    """Whether the company is the demo company: its records in var/company.db, not a database of its own."""
    config = config or settings()
    return config.company_db_url == f"sqlite:///{config.var_dir / 'company.db'}"


class CompanyData(Store):
    """Reads and writes the company's records. One instance per process."""

    metadata = metadata
    _product_pattern: Optional["re.Pattern[str]"] = None

    def __init__(self, url: str, demo_file: Path = company_demo.DEMO_FILE) -> None:
        super().__init__(url)
        self.demo_file = demo_file

    def prepare(self) -> None:
        """Create the tables (and on an older database, the once-per-record index), fill the demo
        company the first time."""
        super().prepare()
        try:
            with self.engine.begin() as conn:
                company_demo.seed_if_empty(conn, self.demo_file)
        except sa.exc.IntegrityError:  # another process filled it between our look and our fill
            with self.engine.begin() as conn:
                company_demo.seed_if_empty(conn, self.demo_file)
        grant_rules.ensure_once_index(self.engine)

    # -- reads -------------------------------------------------------------

    async def customer(self, customer_id: str) -> Optional[Customer]:
        def read(conn, cid):
            row = conn.execute(sa.select(customers).where(customers.c.id == cid)).first()
            return Customer(**row._mapping) if row else None

        return await self.run(read, customer_id)

    async def customer_ids(self) -> List[str]:
        return await self.run(lambda conn: [r.id for r in conn.execute(sa.select(customers.c.id))])

    async def order(self, reference: str) -> Optional[Order]:
        def read(conn, ref):
            row = conn.execute(_by_reference(orders, ref)).first()
            if not row:
                return None
            data = dict(row._mapping)
            data["total"] = float(data["total"])
            return Order(**data, applied=tuple(applied.for_reference(conn, row.id)))

        return await self.run(read, reference)

    async def bill(self, reference: str) -> Optional[Bill]:
        def read(conn, ref):
            row = conn.execute(_by_reference(bills, ref)).first()
            if not row:
                return None
            lines = [
                CallLine(line.destination, bool(line.international), line.minutes, float(line.amount))
                for line in conn.execute(
                    sa.select(call_lines).where(call_lines.c.bill_id == row.id).order_by(call_lines.c.id)
                )
            ]
            return Bill(
                id=row.id,
                customer_id=row.customer_id,
                period=row.period,
                discount_rate=row.discount_rate,
                discount_applied=float(row.discount_applied),
                complex=bool(row.complex),
                lines=lines,
                applied=tuple(applied.for_reference(conn, row.id)),
            )

        return await self.run(read, reference)

    async def coupon(self, code: str) -> Optional[Coupon]:
        def read(conn, c):
            row = conn.execute(sa.select(coupons).where(coupons.c.code == c.upper())).first()
            return Coupon(**row._mapping) if row else None

        return await self.run(read, code)

    async def product_category(self, item: str) -> Optional[str]:
        def read(conn, name):
            row = conn.execute(sa.select(products.c.category).where(products.c.name == name.strip().lower())).first()
            return row.category if row else None

        # "english breakfast tea" is a tea: the catalogue's name within it, when it is not one itself.
        return await self.run(read, item) or await self.run(read, await self.product_in(item) or "")

    async def product_in(self, text: str) -> Optional[str]:
        """The product a message names ("a large coffee" names coffee), longest name first."""

        if not text:
            return None
        if self._product_pattern is None:
            # The product list is the company's catalogue: read once per process.
            def read(conn):
                return [r.name for r in conn.execute(sa.select(products.c.name))]

            names = sorted(await self.run(read), key=len, reverse=True)
            self._product_pattern = re.compile(
                r"\b(" + "|".join(re.escape(n) for n in names) + r")s?\b" if names else r"(?!x)x", re.IGNORECASE
            )
        found = self._product_pattern.search(text)
        return found.group(1).lower() if found else None

    async def orders_of(self, customer_id: str) -> List[Dict[str, str]]:
        """The customer's orders (id, item), newest first: offered when the number is asked for."""

        def read(conn, cid):
            query = sa.select(orders.c.id, orders.c.item).where(orders.c.customer_id == cid)
            return [
                {"id": r.id, "item": r.item}
                for r in conn.execute(query.order_by(orders.c.placed_on.desc(), orders.c.id.desc()))
            ]

        return await self.run(read, customer_id)

    async def order_named(self, customer_id: str, text: str) -> Optional[str]:
        """The one order of this customer's whose item the message names ("the shoes i got are too
        small" for the customer whose only shoes are LK-10422); None for none or more than one."""

        def read(conn, cid):
            return [
                (r.id, r.item)
                for r in conn.execute(sa.select(orders.c.id, orders.c.item).where(orders.c.customer_id == cid))
            ]

        def words(part: str) -> set:
            return {w.rstrip("s") for w in re.findall(r"[a-z]{4,}", part.lower())}

        said = words(text or "")
        items = [(oid, item.lower().split()[-1].rstrip("s")) for oid, item in await self.run(read, customer_id) if item]
        named = [oid for oid, word in items if word in said]
        if len(named) > 1:
            # "the white headphones ... crackle, I'd like my money back. and has the grinder moved at all?" (blind
            # panel p51 07): the one the first sentence naming any of them names alone is the case's.
            for sentence in re.split(r"(?<=[.!?])\s+", text or ""):
                here = [oid for oid, word in items if word in words(sentence)]
                if here:
                    return here[0] if len(here) == 1 else None
        return named[0] if len(named) == 1 else None

    async def only_bill(self, customer_id: str) -> Optional[str]:
        """The customer's bill when they have exactly one (a signed-in customer's "my bill looks off" is
        that one, never "Could you share the bill number?": blind panel p45 04, 07, 19); else None."""

        def read(conn, cid):
            return [r.id for r in conn.execute(sa.select(bills.c.id).where(bills.c.customer_id == cid).limit(2))]

        found = await self.run(read, customer_id)
        return found[0] if len(found) == 1 else None

    async def current_offer(self) -> Dict[str, str]:
        def read(conn):
            rows = conn.execute(sa.select(settings_table)).all()
            return {r.key: r.value for r in rows}

        values = await self.run(read)
        return {"code": values.get("current_offer_code", ""), "percent": values.get("current_offer_percent", "")}

    # -- the demo company's own side (server/company/receiver.py) -----------

    async def apply_commitment(self, key: str, message: Dict[str, Any]) -> Receipt:
        """Apply a commitment Gracious sent, once per ``key`` (gracious/stores/applied.py)."""

        def work() -> Receipt:
            try:
                with self.engine.begin() as conn:
                    return applied.apply(conn, key, message, clock.now())
            except sa.exc.IntegrityError:
                # The same key, delivered twice at the same moment: the other one applied it.
                with self.engine.begin() as conn:
                    return applied.apply(conn, key, message, clock.now())

        return await self.off_loop(work)

    # -- knowledge checks (account_checks.py) ------------------------------

    async def account_matches(
        self, customer_id: str, emails: List[str], phones: List[str], address: str, sender: str
    ) -> bool:
        """Whether an email or phone given is on ``customer_id``'s account; the check is kept."""

        def check(conn):
            matched = account_checks.matches(conn, customer_id, emails, phones)
            account_checks.note(conn, address, sender, matched)
            return matched

        return await self.run(check)

    async def customer_with(self, emails: List[str], phones: List[str]) -> Optional[str]:
        """The customer whose account has this email or phone (the details themselves stay here)."""
        return await self.run(account_checks.customer_with, emails, phones)

    async def failed_checks_from(self, address: str, within: timedelta) -> int:
        return await self.run(account_checks.failures_from, address, within)

    # -- grants ------------------------------------------------------------

    async def grant(
        self,
        kind: str,
        reference: Optional[str],
        customer_id: Optional[str],
        amount: Optional[float] = None,
        note: str = "",
        sender_id: Optional[str] = None,
        mails: Sequence[Mail] = (),
        extra: Optional[Dict[str, Any]] = None,
        replaces: Optional[str] = None,
    ) -> GrantResult:
        """Record something the assistant (or an agent) granted (credit, replacement, refund ...).

        A kind in ``ONCE_PER_RECORD`` is granted once per reference: if the record
        has it already, from any conversation, nothing is written and the result
        carries the earlier grant (``created`` is False). Atomic across threads,
        processes and instances. Honouring a coupon also marks it honoured. A grant
        written has its commitment to the company's systems and ``mails`` in the
        outbox, in the same transaction (grants.promise). ``replaces``: the order's other remedy, taken back
        in the same transaction (a switch of remedy, grants.record).
        """
        return await self.off_loop(
            partial(
                grant_rules.record,
                self.engine,
                kind,
                reference,
                customer_id,
                amount,
                note,
                sender_id=sender_id,
                mails=mails,
                extra=extra,
                replaces=replaces,
            )
        )

    async def grant_all(self, requests: Sequence[grants_many.Request]) -> List[GrantResult]:
        """Several grants in one transaction (a bundle's parts), each as ``grant`` would make it:
        all written, or none of them when the database fails (grants_many.record_all)."""
        return await self.off_loop(partial(grants_many.record_all, self.engine, requests))

    async def withdraw(
        self, kind: str, reference: Optional[str], customer_id: Optional[str] = None, sender_id: Optional[str] = None
    ) -> bool:
        """Take back a grant the customer changed their mind about, in the same case (the company is told)."""
        return await self.run(grant_rules.withdraw, kind, reference, customer_id, sender_id)

    async def granted(self, kind: str, reference: Optional[str]) -> Optional[Grant]:
        """The grant of ``kind`` already made for ``reference`` (the first, if several), or None."""
        return await self.run(grant_rules.find, kind, reference)

    async def grants_for(self, reference: str) -> List[Dict[str, Any]]:
        def read(conn, ref):
            rows = conn.execute(sa.select(grants).where(grants.c.reference == ref).order_by(grants.c.id))
            return [dict(r._mapping) for r in rows]

        return await self.run(read, reference)
