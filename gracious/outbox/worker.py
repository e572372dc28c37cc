"""The worker that keeps the promises in the outbox: mail over SMTP, commitments over the webhook.

It drains the ``outbox`` table of the records database and of the company's
database (once if both are the same database). Each pass claims the rows that
are due (``table.claim_due``: a conditional update with a lease, so two
instances never deliver the same row at the same time, and a row whose worker
died is claimed again when its lease ends), delivers each by its kind (a try past
its deadline is cancelled, and one that cannot stop at once, like a send on smtplib's
thread, is waited for within the lease, so what is recorded is how it really went),
and marks it delivered, or failed with a later ``due_at``: 10 s, 20 s, 40 s ... capped at
one hour, retried for as long as it takes. A row is never dropped.

Time is injected (``now``), and so are the senders, so a test can step the
clock past a backoff instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa

from gracious import stores
from gracious.outbox import smtp, table, webhook
from gracious.settings import settings
from gracious.stores import clock
from gracious.stores import company_schema as company_tables
from gracious.stores.base import Store
from gracious.stores.records import outbox as records_outbox

logger = logging.getLogger(__name__)
# The log says why a try failed, never to whom: addresses in a relay's answer are left out of it.
ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

Sender = Callable[[Mapping[str, Any]], Awaitable[None]]
FIRST_RETRY_SECONDS = 10.0
LONGEST_WAIT_SECONDS = 3600.0
# Rows claimed per database per pass, all delivered side by side: each is done (or given up
# for this try) well within the claim's lease, so no other worker takes a row still in hand.
BATCH = 4
DEADLINE_SECONDS = table.LEASE.total_seconds() / 3
# Past its deadline a delivery is cancelled; one that cannot stop at once (a send on smtplib's
# thread, which the relay may still accept) is waited for until this long before the lease ends.
LEASE_MARGIN_SECONDS = 10.0


def backoff(attempts: int) -> timedelta:
    """How long to wait after a row's ``attempts``-th failure (0 for the first): 10 s × 2^attempts, ≤ 1 h."""
    return timedelta(seconds=min(LONGEST_WAIT_SECONDS, FIRST_RETRY_SECONDS * 2 ** min(attempts, 20)))


def default_senders() -> Dict[str, Sender]:
    return {"email": smtp.send, "webhook": webhook.send}


def default_outboxes() -> List[Tuple[Store, sa.Table]]:
    """The records' outbox and the company's, once each (one database named twice is drained once)."""
    found: List[Tuple[Store, sa.Table]] = []
    seen = set()
    for store, outbox in ((stores.records(), records_outbox), (stores.company(), company_tables.outbox)):
        where = store.engine.url.render_as_string(hide_password=False)
        if where not in seen:
            seen.add(where)
            found.append((store, outbox))
    return found


class OutboxWorker:
    """Delivers what the outboxes hold; ``run_once`` for one pass, ``run_forever`` to keep at it."""

    def __init__(
        self,
        outboxes: Optional[Sequence[Tuple[Store, sa.Table]]] = None,
        *,
        now: Callable[[], datetime] = clock.now,
        senders: Optional[Mapping[str, Sender]] = None,
        batch: int = BATCH,
        deadline_seconds: float = DEADLINE_SECONDS,
    ) -> None:
        self._outboxes = list(outboxes) if outboxes is not None else None
        self.now = now
        self.senders = dict(senders) if senders is not None else default_senders()
        self.batch = batch
        self.deadline_seconds = deadline_seconds

    @property
    def outboxes(self) -> List[Tuple[Store, sa.Table]]:
        """The outboxes drained (the stores of the settings unless given; looked up on first use)."""
        if self._outboxes is None:
            self._outboxes = default_outboxes()
        return self._outboxes

    async def run_once(self, now: Optional[datetime] = None) -> int:
        """One pass over every outbox: deliver what is due by ``now``; how many were delivered."""
        delivered = 0
        for store, outbox in self.outboxes:
            moment = now or self.now()
            rows = await store.run(table.claim_due, outbox, moment, self.batch)
            if not rows:
                continue
            results = await asyncio.gather(*(self._deliver(store, outbox, row, now) for row in rows))
            delivered += sum(results)
        return delivered

    async def _deliver(self, store: Store, outbox: sa.Table, row: Dict[str, Any], now: Optional[datetime]) -> bool:
        """Deliver one claimed row and record how it went; never raises (one bad row stops nothing)."""
        try:
            sender = self.senders.get(row["kind"])
            if sender is None:
                raise smtp.DeliveryError(f"nothing delivers a {row['kind']!r} row")
            await self._within_deadline(sender(row["payload"]))
        except Exception as error:  # noqa: BLE001 (every failure is kept on the row and retried)
            reason = _reason(error, self.deadline_seconds)
            retry_at = (now or self.now()) + backoff(int(row["attempts"]))
            logger.warning(
                "Outbox row %s (%s, %s) not delivered, try %s; again at %s: %s",
                row["id"],
                row["kind"],
                row["topic"],
                int(row["attempts"]) + 1,
                retry_at.isoformat(timespec="seconds"),
                ADDRESS.sub("<address>", reason),
            )
            await self._record(store, table.mark_failed, outbox, row["id"], reason, retry_at)
            return False
        await self._record(store, table.mark_delivered, outbox, row["id"], now or self.now())
        return True

    async def _within_deadline(self, delivery: Awaitable[None]) -> None:
        """Run ``delivery``; past the deadline cancel it and wait for it to end (within the lease),
        so its outcome is what is recorded: a send the relay took late counts as delivered, never
        as failed and sent again. A TimeoutError when it was stopped, or outlived the lease."""
        task = asyncio.ensure_future(delivery)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.deadline_seconds)
            if not done:
                task.cancel()
                grace = table.LEASE.total_seconds() - self.deadline_seconds - LEASE_MARGIN_SECONDS
                done, _ = await asyncio.wait({task}, timeout=max(grace, 0.0))
        except asyncio.CancelledError:
            task.cancel()
            raise
        if not done or task.cancelled():
            raise asyncio.TimeoutError()
        task.result()

    async def _record(self, store: Store, mark: Callable[..., None], *args: Any) -> None:
        """Write how a delivery went; if the database fails, the lease runs out and the row is tried again."""
        try:
            await store.run(mark, *args)
        except Exception:  # noqa: BLE001
            logger.exception("Could not record how outbox row %s went; it is tried again after its lease", args[1])

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Pass after pass until ``stop`` is set: at once again while there was work, else after the poll interval."""
        while not stop.is_set():
            worked = 0
            try:
                worked = await self.run_once()
            except Exception:  # noqa: BLE001 (a database that is away for a moment ends no loop)
                logger.exception("The outbox pass failed; trying again shortly")
            if worked:
                continue
            try:
                await asyncio.wait_for(stop.wait(), timeout=settings().outbox_poll_seconds)
            except asyncio.TimeoutError:
                pass


def _reason(error: BaseException, deadline: float) -> str:
    if isinstance(error, asyncio.TimeoutError):
        return f"no answer within {deadline:g} s"
    if isinstance(error, smtp.DeliveryError):
        return str(error)
    return smtp.describe(error)
