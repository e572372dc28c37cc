"""SQLite set up for a server: write-ahead log, and commits that don't wait for the disk.

By default SQLite syncs the disk several times per commit (about 2 ms each here)
and locks readers out while it writes. In WAL mode with synchronous=NORMAL a
commit is a write to the log (about 0.03 ms), readers and one writer proceed
together, and a crash of the program loses nothing committed; only a power cut
can lose the last commits, which is why a deployment that can't afford that
runs on PostgreSQL. Other databases are left as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa


def _pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def tune_sqlite(engine: sa.engine.Engine) -> sa.engine.Engine:
    """Apply the settings above to every connection ``engine`` opens to SQLite."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        sa.event.listen(engine, "connect", _pragmas)
        engine.dispose()  # connections opened before the listener get it on their next open
    return engine


def make_engine(url: str) -> sa.engine.Engine:
    """The engine every store of ours uses for ``url``.

    On a database server (PostgreSQL), each pooled connection is checked before
    use, so after the server restarts the next query opens a new connection
    instead of failing on a dead one: service resumes by itself.
    """
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    return tune_sqlite(engine)
