"""The report's period: whole weeks of the business's local calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

DEFAULT_WEEKS = 8


class PeriodError(ValueError):
    """A period that ends before it starts."""


@dataclass(frozen=True)
class Period:
    """Whole weeks of the business's local calendar: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date
    zone: str
    # The last week is this week, still under way: its numbers will grow.
    under_way: bool = False

    @property
    def weeks(self) -> Tuple[date, ...]:
        """The first day of each week (weeks start on ``start``'s weekday)."""
        count = max(1, -(-(self.end - self.start).days // 7))
        return tuple(self.start + timedelta(weeks=i) for i in range(count))

    def utc_bounds(self) -> Tuple[datetime, datetime]:
        """The period in UTC without an offset, as the records database stores times."""
        tz = ZoneInfo(self.zone)
        return tuple(  # type: ignore[return-value]
            datetime.combine(day, time(), tz).astimezone(timezone.utc).replace(tzinfo=None)
            for day in (self.start, self.end)
        )

    def week_of(self, stored: datetime) -> int:
        """Which week (index into ``weeks``) a stored UTC time falls in, on the local calendar."""
        local = stored.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(self.zone)).date()
        return (local - self.start).days // 7


def period_for(
    today: date, zone: str, weeks: Optional[int] = None, since: Optional[date] = None, until: Optional[date] = None
) -> Period:
    """The default period: ``weeks`` whole weeks, Monday to Sunday, ending with this week."""
    last = until or today
    if since is None:
        monday = last - timedelta(days=last.weekday())
        since = monday - timedelta(weeks=(weeks or DEFAULT_WEEKS) - 1)
        end = monday + timedelta(weeks=1)
    else:
        end = last + timedelta(days=1)
    if end <= since:
        raise PeriodError(f"The period ends ({last}) before it starts ({since}).")
    return Period(start=since, end=end, zone=zone, under_way=end > today + timedelta(days=1))
