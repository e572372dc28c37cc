"""SQLite set up for a server: write-ahead log, and commits that don't wait for the disk.

By default SQLite syncs the disk several times per commit (about 2 ms each here)
and locks readers out while it writes. In WAL mode with synchronous=NORMAL a
commit is a write to the log (about 0.03 ms), readers and one writer proceed
together, and a crash of the program loses nothing committed; only a power cut
can lose the last commits, which is why a deployment that can't afford that
runs on PostgreSQL. Other databases are left as they are.

The files hold customers' conversations and details, so they are readable by their
owner only (0600): a new database file is made that way before SQLite opens it,
and an older one (with its -wal and -shm files) is tightened when a store starts.
SQLite gives the -wal and -shm files it makes the database file's mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa


def _pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


PRIVATE = 0o600
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def make_private(database: Path) -> None:
    """Make ``database`` 0600 if it is missing, and tighten it and its side files if they are looser."""
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass
    for suffix in SIDE_FILES:
        path = Path(f"{database}{suffix}")
        try:
            if path.stat().st_mode & 0o777 != PRIVATE:
                os.chmod(path, PRIVATE)
        except FileNotFoundError:
            continue


def database_file(engine: sa.engine.Engine) -> Optional[Path]:
    """The file of an SQLite engine's database, or None (another database, or in memory)."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return Path(engine.url.database)
    return None


def tune_sqlite(engine: sa.engine.Engine) -> sa.engine.Engine:
    """Apply the settings above to every connection ``engine`` opens to SQLite, its files 0600."""
    database = database_file(engine)
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
        make_private(database)
        sa.event.listen(engine, "connect", _pragmas)
        engine.dispose()  # connections opened before the listener get it on their next open
    return engine


def make_engine(url: str) -> sa.engine.Engine:
    """The engine every store of ours uses for ``url``.

    On a database server (PostgreSQL), each pooled connection is checked before
    use, so after the server restarts the next query opens a new connection
    instead of failing on a dead one: service resumes by itself.
    """
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        return tune_sqlite(pooled_sqlite(url, future=True))
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def pooled_sqlite(url: Any, **kwargs: Any) -> sa.engine.Engine:
    """An SQLite engine that keeps its connections open between uses.

    SQLAlchemy 1.4 opens and closes an SQLite file for every piece of work (``NullPool``),
    with the pragmas above run again each time: about a millisecond, several times a turn
    (bench/profile.py found it). A pool keeps a few connections, each used by one thread at
    a time; a database in memory keeps SQLAlchemy's own pool.
    """
    database = sa.engine.make_url(url).database
    if database in (None, "", ":memory:"):
        return sa.create_engine(url, **kwargs)
    return sa.create_engine(
        url, poolclass=sa.pool.QueuePool, pool_size=5, connect_args={"check_same_thread": False}, **kwargs
    )
