"""The company's records: customers, orders, bills, coupons, and what we grant.

This is the one module that knows where company data lives. The demo company is a
SQLite database filled from ``demo/company.yml`` on first use; a real deployment
replaces this module (or points ``GRACIOUS_COMPANY_DB_URL`` at its own database).
Calls are async and run the database work in a thread, so an action never blocks
the action server's event loop. The tables are in ``company_schema.py``; the rule
that a grant happens once per record is in ``grants.py``.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
import yaml

from gracious.settings import ROOT
from gracious.stores import grants as grant_rules
from gracious.stores.company_schema import (  # the tables, importable from here as before
    bills, call_lines, coupons, customers, grants, metadata, orders, products, settings_table,
)
from gracious.stores.grants import Grant, GrantResult  # noqa: F401 (re-exported for the actions)
from gracious.stores.sqlite import make_engine
from gracious.references import normalize_reference  # noqa: F401 (re-exported for the actions)

DEMO_FILE = ROOT / "demo" / "company.yml"


def _by_reference(table: sa.Table, reference: str) -> sa.sql.Select:
    """Rows whose id is the reference, or ends with its digits when no prefix was given."""
    if "-" in reference:
        return sa.select(table).where(table.c.id == reference)
    return sa.select(table).where(table.c.id.like(f"%-{reference}"))


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: Optional[str]
    phone: Optional[str]

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    item: str
    ordered: Optional[str]
    shipped: Optional[str]
    status: str
    placed_on: Optional[date]
    promised_on: Optional[date]
    delivered_on: Optional[date]
    total: float


@dataclass(frozen=True)
class CallLine:
    destination: str
    international: bool
    minutes: int
    amount: float


@dataclass(frozen=True)
class Bill:
    id: str
    customer_id: str
    period: str
    discount_rate: float
    discount_applied: float
    complex: bool
    lines: List[CallLine]

    @property
    def domestic_total(self) -> float:
        return round(sum(l.amount for l in self.lines if not l.international), 2)

    @property
    def international_lines(self) -> List[CallLine]:
        return [l for l in self.lines if l.international]

    @property
    def discount_due(self) -> float:
        return round(self.domestic_total * self.discount_rate, 2)


@dataclass(frozen=True)
class Coupon:
    code: str
    percent_off: int
    expires_on: date
    goodwill_honoured: bool


class CompanyData:
    """Reads and writes the company's records. One instance per process."""

    _product_pattern: Optional["re.Pattern[str]"] = None

    def __init__(self, url: str, demo_file: Path = DEMO_FILE) -> None:
        self.engine = make_engine(url)
        self.demo_file = demo_file
        self._ready = False
        self._ready_lock = threading.Lock()

    # -- setup -------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Create the tables (and on an older database, the once-per-record index), fill the demo
        company the first time. Locked: the first calls can come from several worker threads."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                seeded = conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar()
                if not seeded:
                    self._seed(conn, yaml.safe_load(self.demo_file.read_text(encoding="utf-8")))
            grant_rules.ensure_once_index(self.engine)
            self._ready = True

    def _seed(self, conn: sa.engine.Connection, demo: Dict[str, Any]) -> None:
        today = date.today()

        def day(offset: Optional[int]) -> Optional[date]:
            return None if offset is None else today + timedelta(days=int(offset))

        conn.execute(customers.insert(), [dict(c) for c in demo["customers"]])
        conn.execute(
            products.insert(),
            [{"name": n, "category": cat} for cat, names in demo["products"].items() for n in names],
        )
        conn.execute(
            orders.insert(),
            [
                {
                    "id": o["id"],
                    "customer_id": o["customer"],
                    "item": o["item"],
                    "ordered": o.get("ordered"),
                    "shipped": o.get("shipped"),
                    "status": o["status"],
                    "placed_on": day(o.get("placed")),
                    "promised_on": day(o.get("promised")),
                    "delivered_on": day(o.get("delivered")),
                    "total": o["total"],
                }
                for o in demo["orders"]
            ],
        )
        for b in demo["bills"]:
            conn.execute(
                bills.insert(),
                {
                    "id": b["id"],
                    "customer_id": b["customer"],
                    "period": b["period"],
                    "discount_rate": b["discount_rate"],
                    "discount_applied": b["discount_applied"],
                    "complex": bool(b.get("complex", False)),
                },
            )
            conn.execute(call_lines.insert(), [dict(line, bill_id=b["id"]) for line in b["lines"]])
        conn.execute(
            coupons.insert(),
            [
                {
                    "code": c["code"],
                    "percent_off": c["percent_off"],
                    "expires_on": day(c["expires"]),
                    "goodwill_honoured": c["goodwill_honoured"],
                }
                for c in demo["coupons"]
            ],
        )
        offer = demo["current_offer"]
        conn.execute(
            settings_table.insert(),
            [
                {"key": "current_offer_code", "value": offer["code"]},
                {"key": "current_offer_percent", "value": str(offer["percent_off"])},
            ],
        )

    async def _run(self, fn, *args):
        return await asyncio.to_thread(self._sync, fn, *args)

    def _sync(self, fn, *args):
        self.ensure_ready()
        with self.engine.begin() as conn:
            return fn(conn, *args)

    # -- reads -------------------------------------------------------------

    async def customer(self, customer_id: str) -> Optional[Customer]:
        def read(conn, cid):
            row = conn.execute(sa.select(customers).where(customers.c.id == cid)).first()
            return Customer(**row._mapping) if row else None

        return await self._run(read, customer_id)

    async def order(self, reference: str) -> Optional[Order]:
        def read(conn, ref):
            row = conn.execute(_by_reference(orders, ref)).first()
            if not row:
                return None
            data = dict(row._mapping)
            data["total"] = float(data["total"])
            return Order(**data)

        return await self._run(read, reference)

    async def bill(self, reference: str) -> Optional[Bill]:
        def read(conn, ref):
            row = conn.execute(_by_reference(bills, ref)).first()
            if not row:
                return None
            lines = [
                CallLine(l.destination, bool(l.international), l.minutes, float(l.amount))
                for l in conn.execute(
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
            )

        return await self._run(read, reference)

    async def coupon(self, code: str) -> Optional[Coupon]:
        def read(conn, c):
            row = conn.execute(sa.select(coupons).where(coupons.c.code == c.upper())).first()
            return Coupon(**row._mapping) if row else None

        return await self._run(read, code)

    async def product_category(self, item: str) -> Optional[str]:
        def read(conn, name):
            row = conn.execute(
                sa.select(products.c.category).where(products.c.name == name.strip().lower())
            ).first()
            return row.category if row else None

        return await self._run(read, item)

    async def product_in(self, text: str) -> Optional[str]:
        """The product a message names ("a large coffee" names coffee), longest name first."""

        if not text:
            return None
        if self._product_pattern is None:
            # The product list is the company's catalogue: read once per process.
            def read(conn):
                return [r.name for r in conn.execute(sa.select(products.c.name))]

            names = sorted(await self._run(read), key=len, reverse=True)
            self._product_pattern = re.compile(
                r"\b(" + "|".join(re.escape(n) for n in names) + r")s?\b" if names else r"(?!x)x", re.IGNORECASE
            )
        found = self._product_pattern.search(text)
        return found.group(1).lower() if found else None

    async def current_offer(self) -> Dict[str, str]:
        def read(conn):
            rows = conn.execute(sa.select(settings_table)).all()
            return {r.key: r.value for r in rows}

        values = await self._run(read)
        return {"code": values.get("current_offer_code", ""), "percent": values.get("current_offer_percent", "")}

    # -- grants ------------------------------------------------------------

    async def grant(
        self,
        kind: str,
        reference: Optional[str],
        customer_id: Optional[str],
        amount: Optional[float] = None,
        note: str = "",
    ) -> GrantResult:
        """Record something the assistant granted (credit, replacement, refund ...).

        A kind in ``ONCE_PER_RECORD`` is granted once per reference: if the record
        has it already, from any conversation, nothing is written and the result
        carries the earlier grant (``created`` is False). Atomic across threads,
        processes and instances. Honouring a coupon also marks it honoured.
        """

        def write() -> GrantResult:
            self.ensure_ready()
            return grant_rules.record(self.engine, kind, reference, customer_id, amount, note)

        return await asyncio.to_thread(write)

    async def withdraw(self, kind: str, reference: Optional[str], customer_id: Optional[str] = None) -> bool:
        """Take back a grant the customer changed their mind about, in the same case."""

        def write() -> bool:
            self.ensure_ready()
            with self.engine.begin() as conn:
                return grant_rules.withdraw(conn, kind, reference, customer_id)

        return await asyncio.to_thread(write)

    async def granted(self, kind: str, reference: Optional[str]) -> Optional[Grant]:
        """The grant of ``kind`` already made for ``reference`` (the first, if several), or None."""
        return await self._run(grant_rules.find, kind, reference)

    async def grants_for(self, reference: str) -> List[Dict[str, Any]]:
        def read(conn, ref):
            rows = conn.execute(sa.select(grants).where(grants.c.reference == ref).order_by(grants.c.id))
            return [dict(r._mapping) for r in rows]

        return await self._run(read, reference)
