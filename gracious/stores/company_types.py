"""The company's customers, orders, bills and coupons as the actions read them.

``CompanyData`` (company.py) makes these from its tables; an action never sees a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo


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
class Applied:
    """Something the company's systems applied to a bill or order: a credit, a refund, a
    replacement... (``event``), with its amount when it has one, at ``applied_at`` (UTC, aware)."""

    event: str
    amount: Optional[float]
    applied_at: datetime


def business_today(moment: Optional[datetime] = None) -> date:
    """The date at the business (``GRACIOUS_TIMEZONE``), not UTC's, at ``moment`` (a naive UTC time
    as the clock gives it; default now)."""
    from gracious.settings import settings
    from gracious.stores import clock

    at = clock.now() if moment is None else moment
    return at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(settings().timezone)).date()


def missed_date(
    promised_on: Optional[date],
    first_promised_on: Optional[date],
    delivered_on: Optional[date],
    status: str,
    today: date,
) -> Optional[date]:
    """The date we gave and missed, for an order not yet delivered (``today`` is the business's
    date): its promised date once passed, else, when the company moved it, the date first given
    once that has passed; None when the order is not late."""
    if delivered_on is not None or status.strip().lower() == "delivered":
        return None
    if promised_on is not None and promised_on < today:
        return promised_on
    if first_promised_on is not None and first_promised_on < today:
        return first_promised_on
    return None


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
    # What the company applied to the order (a refund, a replacement ...), oldest first.
    applied: Tuple[Applied, ...] = field(default=())
    # The date first given, when the company has moved ``promised_on`` since (None: never moved).
    first_promised_on: Optional[date] = None

    def missed_on(self, today: date) -> Optional[date]:
        """The date we gave and missed (the first one too, after a move), or None when on time."""
        return missed_date(self.promised_on, self.first_promised_on, self.delivered_on, self.status, today)

    def late_on(self, today: date) -> bool:
        """Late on the business's date ``today``: a date we gave has passed and it is not delivered.
        Moving the date later does not make a late order on time again."""
        return self.missed_on(today) is not None

    @property
    def late(self) -> bool:
        """Late today at the business (for the late-delivery policy)."""
        return self.late_on(business_today())


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
    # What the company applied to the bill (a credit ...), oldest first.
    applied: Tuple[Applied, ...] = field(default=())

    @property
    def credits(self) -> List[Applied]:
        return [a for a in self.applied if a.event == "credit"]

    @property
    def domestic_total(self) -> float:
        return round(sum(line.amount for line in self.lines if not line.international), 2)

    @property
    def international_lines(self) -> List[CallLine]:
        return [line for line in self.lines if line.international]

    @property
    def discount_due(self) -> float:
        return round(self.domestic_total * self.discount_rate, 2)


@dataclass(frozen=True)
class Coupon:
    code: str
    percent_off: int
    expires_on: date
    goodwill_honoured: bool
