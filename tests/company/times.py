"""The tests' moments, explicit: a time at the business (its timezone) as the naive UTC the stores keep."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from gracious.stores.company_types import business_today

# GRACIOUS_TIMEZONE's default (tests/conftest.py unsets the developer's own settings).
BUSINESS = ZoneInfo("America/New_York")
# The demo's dates are days from the business's date (gracious/stores/company_demo.py).
DEMO_DAY = business_today()


def business(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day`` at the business, as naive UTC (what gracious.stores.clock gives)."""
    return datetime.combine(day, time(hour, minute), BUSINESS).astimezone(timezone.utc).replace(tzinfo=None)
