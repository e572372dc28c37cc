"""The demo company: ``demo/company.yml`` written into an empty company database.

Dates in the file are days from today (``placed: -3``), so the demo's orders are
always as late, or as recently delivered, as the conversations expect.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, Optional

import sqlalchemy as sa
import yaml

from gracious.settings import ROOT
from gracious.stores.company_schema import bills, call_lines, coupons, customers, orders, products, settings_table
from gracious.stores.company_types import business_today

DEMO_FILE = ROOT / "demo" / "company.yml"
SUNDAY = 6


def seed_if_empty(conn: sa.engine.Connection, demo_file: Path = DEMO_FILE) -> None:
    """Fill the demo company, unless the database has customers already."""
    if not conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar():
        seed(conn, yaml.safe_load(demo_file.read_text(encoding="utf-8")))


def seed(conn: sa.engine.Connection, demo: Dict[str, Any]) -> None:
    today = business_today()  # the business's date, as every fact is read (not UTC's, after 7pm in New York)

    def day(offset: Optional[int]) -> Optional[date]:
        return None if offset is None else today + timedelta(days=int(offset))

    def courier_day(offset: Optional[int]) -> Optional[date]:
        """A promised delivery day on which the couriers come (Monday to Saturday): a Sunday to come is
        the Monday after, one gone by the Saturday before, so a late order stays late (blind panel p44
        15, 16 were promised "Sunday 6 December" beside "no deliveries on Sundays")."""
        promised = day(offset)
        if promised is None or promised.weekday() != SUNDAY:
            return promised
        return promised + timedelta(days=1 if promised >= today else -1)

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
                "promised_on": courier_day(o.get("promised")),
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
