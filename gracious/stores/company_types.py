"""The company's customers, orders, bills and coupons as the actions read them.

``CompanyData`` (company.py) makes these from its tables; an action never sees a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import List, Optional, Tuple


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
