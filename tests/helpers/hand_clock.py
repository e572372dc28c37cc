"""The stores' clock, moved by hand, for the desk's server tests (the ``clock`` fixture in
tests/server/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from gracious.stores import clock as store_clock

# Near the real clock, like the stored times the tests write themselves.
START = store_clock.now().replace(microsecond=0)


class Clock:
    """The stores' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
