"""Failed sign-ins, counted per name and address together, and per address.

A name alone is never locked: five wrong passwords for "sam" from one address
hold back that address's tries at "sam" (MAX_FAILURES within FAILURE_WINDOW),
while Sam signing in from their own address still gets in. One address trying
many names is held back after MAX_ADDRESS_FAILURES. The address is the client's
(server.http.client_address: behind our nginx, the one it forwards with the
proxy secret; a header a client wrote itself is ignored). Once over a limit,
sign-ins wait until the oldest counted failure leaves the window.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, List

import sqlalchemy as sa

from gracious.stores import clock
from server.desk.tables import login_failures

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)


class Throttled(Exception):
    """Too many failed sign-ins lately for this name from this address, or from this address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after} s.")
        self.retry_after = retry_after


def _limits(name: str, client: str) -> List[Any]:
    """(condition, limit) for each count that can hold a sign-in back."""
    by_client = login_failures.c.client == client
    return [(sa.and_(login_failures.c.name == name, by_client), MAX_FAILURES), (by_client, MAX_ADDRESS_FAILURES)]


def wait(conn: sa.engine.Connection, name: str, client: str) -> int:
    """Seconds until this name from this client, and this client, are under their limits; 0 if they are."""
    now = clock.now()
    longest = 0
    for condition, limit in _limits(name, client):
        newest = (
            conn.execute(
                sa.select(login_failures.c.at)
                .where(condition, login_failures.c.at > now - FAILURE_WINDOW)
                .order_by(login_failures.c.at.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        if len(newest) >= limit:
            # Allowed again once the oldest of the last ``limit`` leaves the window.
            frees_at = newest[-1] + FAILURE_WINDOW
            longest = max(longest, 1, math.ceil((frees_at - now).total_seconds()))
    return longest


def check(conn: sa.engine.Connection, name: str, client: str) -> None:
    """Throttled, if this name from this client, or this client, has failed too often lately."""
    seconds = wait(conn, name, client)
    if seconds:
        raise Throttled(seconds)


def record_failure(conn: sa.engine.Connection, name: str, client: str) -> None:
    conn.execute(login_failures.insert().values(name=name, client=client, at=clock.now()))
