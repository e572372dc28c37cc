"""Failed sign-ins: after MAX_FAILURES within FAILURE_WINDOW, for one name or from one
client, sign-ins wait until the oldest of them leaves the window."""

from __future__ import annotations

import math
from datetime import timedelta

import sqlalchemy as sa

from gracious.stores import clock
from server.desk.tables import login_failures

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


class Throttled(Exception):
    """Too many failed sign-ins lately for this name or this client."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after} s.")
        self.retry_after = retry_after


def wait(conn: sa.engine.Connection, name: str, client: str) -> int:
    """Seconds until both this name and this client are under the failure limit; 0 if they are."""
    now = clock.now()
    longest = 0
    for column, value in ((login_failures.c.name, name), (login_failures.c.client, client)):
        newest = (
            conn.execute(
                sa.select(login_failures.c.at)
                .where(column == value, login_failures.c.at > now - FAILURE_WINDOW)
                .order_by(login_failures.c.at.desc())
                .limit(MAX_FAILURES)
            )
            .scalars()
            .all()
        )
        if len(newest) >= MAX_FAILURES:
            # Allowed again once the oldest of the last MAX_FAILURES leaves the window.
            frees_at = newest[-1] + FAILURE_WINDOW
            longest = max(longest, 1, math.ceil((frees_at - now).total_seconds()))
    return longest


def check(conn: sa.engine.Connection, name: str, client: str) -> None:
    """Throttled, if this name or this client has failed too often lately."""
    seconds = wait(conn, name, client)
    if seconds:
        raise Throttled(seconds)


def record_failure(conn: sa.engine.Connection, name: str, client: str) -> None:
    conn.execute(login_failures.insert().values(name=name, client=client, at=clock.now()))
