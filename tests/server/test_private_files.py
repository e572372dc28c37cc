"""Data files and secrets are readable by their owner only (0600): the SQLite databases
with their -wal and -shm files as every store makes them, and what older versions left
in var/, tightened when the launcher starts."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Iterator

import pytest

from gracious.stores.records import Records
from launch.launcher import runtime_env
from server.desk.store import DeskStore
from server.stores.tracker_store import UrlSQLTrackerStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most machines have (files 0644 unless made otherwise)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def database_files(path: Path) -> dict:
    return {p.name: mode(p) for p in path.parent.glob(path.name + "*")}


def test_a_store_makes_its_database_and_log_files_0600(tmp_path):
    database = tmp_path / "gracious.db"
    records = Records(f"sqlite:///{database}")
    try:
        asyncio.run(
            records.create_handoff("maya", "service_outage", "customer_care", {"contact": {"email": "m@x.org"}})
        )
        with records.engine.connect() as open_connection:  # the -wal and -shm files exist while one is open
            open_connection.exec_driver_sql("DELETE FROM handoffs WHERE id < 0")
            files = database_files(database)
        assert {"gracious.db", "gracious.db-wal", "gracious.db-shm"} <= set(files), files
        assert set(files.values()) == {0o600}, files
    finally:
        records.engine.dispose()


def test_the_desk_and_the_tracker_store_make_theirs_0600(tmp_path):
    desk = DeskStore(f"sqlite:///{tmp_path / 'desk.db'}")
    asyncio.run(desk.add_agent("sam", "Sam Lee", "correct horse battery"))
    desk.engine.dispose()
    trackers = UrlSQLTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}")
    trackers.engine.dispose()
    for name in ("desk.db", "tracker.db"):
        files = database_files(tmp_path / name)
        assert files and set(files.values()) == {0o600}, files


def test_a_database_left_world_readable_is_tightened_when_a_store_starts(tmp_path):
    database = tmp_path / "gracious.db"
    first = Records(f"sqlite:///{database}")
    asyncio.run(first.rows("handoffs"))
    first.engine.dispose()
    for path in tmp_path.iterdir():
        os.chmod(path, 0o644)
    again = Records(f"sqlite:///{database}")
    try:
        assert mode(database) == 0o600
    finally:
        again.engine.dispose()


def test_the_launcher_tightens_secrets_and_databases_left_in_var(tmp_path):
    for name in ("session_secret", "site_secret", "company.db", "company.db-wal", "notes.txt"):
        (tmp_path / name).write_text("x" * 64)
        os.chmod(tmp_path / name, 0o644)
    runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})
    modes = {p.name: mode(p) for p in tmp_path.iterdir()}
    assert modes == {
        "session_secret": 0o600,
        "site_secret": 0o600,
        "company.db": 0o600,
        "company.db-wal": 0o600,
        "notes.txt": 0o644,  # not ours to judge
    }
