"""Whose REST conversation a sender id is: the first caller to use it keeps it.

One row per REST sender id in the records database (``rest_senders``): the
caller that first posted it (``integration:<name>`` with tokens, else
``address:<client address>``, see server/channels/callers.py). The sender id is
the primary key, so two callers claiming a new id at the same moment get one
owner: one insert wins, the other reads the winner's row. A binding never
changes, so this process remembers the ones it has seen.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import Optional, Text

import sqlalchemy as sa

from gracious.settings import settings
from gracious.stores import clock
from gracious.stores.base import Store, created_at, required

metadata = sa.MetaData()
rest_senders = sa.Table(
    "rest_senders",
    metadata,
    sa.Column("sender", sa.String(128), primary_key=True),
    required("caller", sa.String(300)),
    created_at(),
)

REMEMBERED = 10_000


def _owner(conn: sa.engine.Connection, sender: Text) -> Optional[Text]:
    return conn.execute(sa.select(rest_senders.c.caller).where(rest_senders.c.sender == sender)).scalar()


def _claim(conn: sa.engine.Connection, sender: Text, caller: Text) -> Text:
    owner = _owner(conn, sender)
    if owner is None:
        conn.execute(rest_senders.insert().values(sender=sender, caller=caller, created_at=clock.now()))
        return caller
    return owner


class RestOwners(Store):
    """The caller each REST sender id belongs to."""

    metadata = metadata

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._known: "OrderedDict[str, str]" = OrderedDict()

    async def owner(self, sender: Text, caller: Text) -> Text:
        """The owner of ``sender``: ``caller`` if it had none (now bound to it)."""
        known = self._known.get(sender)
        if known is not None:
            return known
        try:
            owner = await self.run(_claim, sender, caller)
        except sa.exc.IntegrityError:  # claimed by another caller (or instance) in between
            owner = await self.run(_owner, sender) or caller
        self._known[sender] = owner
        while len(self._known) > REMEMBERED:
            self._known.popitem(last=False)
        return owner


@lru_cache(maxsize=4)
def _owners_for(url: str) -> RestOwners:
    return RestOwners(url)


def rest_owners() -> RestOwners:
    """This process's store, on the records database of the current settings."""
    return _owners_for(settings().records_db_url)
