"""What every store of ours shares: an engine on one URL, its tables made on first
use, and each piece of work in one transaction on a worker thread.

The records, the company's data and the agent desk each subclass ``Store`` and
call ``await self.run(fn, ...)``: ``fn(conn, ...)`` runs in one transaction off
the event loop, so a store never blocks the server it serves. The tables are
made the first time any work runs, once, under a lock: a server's first
requests come from several worker threads at once, and two of them making the
same tables side by side fail on each other ("table already exists", a column
added twice, the demo company filled twice). Between processes sharing one
database no lock of ours reaches, so making the tables looks again when another
process made one first.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, TypeVar

import sqlalchemy as sa

from gracious.stores import clock
from gracious.stores.sqlite import make_engine

T = TypeVar("T")


def serial_id() -> sa.Column:
    """The numbered primary key of a table of things that happened."""
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def required(name: str, kind: Any, *args: Any, **kwargs: Any) -> sa.Column:
    """A column every row fills."""
    return sa.Column(name, kind, *args, nullable=False, **kwargs)


def record_table(name: str, metadata: sa.MetaData, *columns: sa.Column) -> sa.Table:
    """A table of things that happened: a numbered id first, then ``columns``, and the
    time each row was written (last, unless ``columns`` place ``created_at`` themselves)."""
    stamped = any(column.name == "created_at" for column in columns)
    return sa.Table(name, metadata, serial_id(), *columns, *([] if stamped else [created_at()]))


def created_at() -> sa.Column:
    return required("created_at", sa.DateTime)


def add_row(conn: sa.engine.Connection, table: sa.Table, **values: Any) -> int:
    """Insert one row, stamped with the time now unless ``values`` give it; returns its id."""
    if "created_at" in table.c and "created_at" not in values:
        values["created_at"] = clock.now()
    return int(conn.execute(table.insert().values(**values)).inserted_primary_key[0])


def ensure_schema(engine: sa.engine.Engine, metadata: sa.MetaData) -> None:
    """Create missing tables, and add columns that newer code expects to older ones.

    ``create_all`` never alters an existing table, so a database made before a
    column was added would fail every read of that table. Only nullable columns
    are ever added, which every backend can do in place.
    """
    for attempt in range(SCHEMA_ATTEMPTS):
        try:
            _make_missing(engine, metadata)
            return
        except sa.exc.DBAPIError:
            # Another process (the action server beside the Rasa server, a second
            # instance) made the same table or column between our look and our
            # create. Look again: what it made is no longer missing.
            if attempt == SCHEMA_ATTEMPTS - 1:
                raise


SCHEMA_ATTEMPTS = 3


def _make_missing(engine: sa.engine.Engine, metadata: sa.MetaData) -> None:
    metadata.create_all(engine)
    inspector = sa.inspect(engine)
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.execute(sa.text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))


class Store:
    """One database: its engine, its tables made once, work in transactions off the loop."""

    metadata: sa.MetaData  # the tables this store makes (a subclass names them)

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._ready = False
        self._ready_lock = threading.Lock()

    def prepare(self) -> None:
        """Make what is missing; runs once per instance, before any work (a subclass may add to it)."""
        ensure_schema(self.engine, self.metadata)

    def ensure_ready(self) -> None:
        """``prepare`` the database unless done: once, however many threads ask at the same moment."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                self.prepare()
                self._ready = True

    def transaction(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(conn, *args, **kwargs)`` in one transaction, on this thread."""
        self.ensure_ready()
        with self.engine.begin() as conn:
            return fn(conn, *args, **kwargs)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(conn, *args, **kwargs)`` in one transaction, on a worker thread."""
        return await asyncio.to_thread(self.transaction, fn, *args, **kwargs)

    async def off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a worker thread once the tables are there (work that opens its own transactions)."""

        def work() -> T:
            self.ensure_ready()
            return fn(*args)

        return await asyncio.to_thread(work)
