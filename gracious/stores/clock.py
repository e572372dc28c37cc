"""The time as every store keeps it: UTC, in a column without an offset.

Stores read it through this module (``clock.now()``) at each call, so a test can
move it by hand for all of them at once.
"""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """The current time in UTC, without an offset, as the DateTime columns hold it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stored(moment: datetime) -> datetime:
    """``moment`` as a column keeps it: converted to UTC, then the offset dropped (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
