"""Two processes on one database make the same tables at start-up: the one that
loses the race finds the table there, never fails on "table already exists"."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gracious.stores import base


def _tables() -> tuple[sa.MetaData, sa.Table]:
    metadata = sa.MetaData()
    table = sa.Table("followup_tasks", metadata, base.serial_id(), sa.Column("key", sa.String(80)))
    return metadata, table


def test_a_table_made_by_another_process_between_look_and_create_is_taken_as_made(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    ours, table = _tables()
    theirs, _ = _tables()
    other = sa.create_engine(url)
    raced = []

    def the_other_process_first(target: sa.Table, connection: sa.engine.Connection, **kw: object) -> None:
        if not raced:
            raced.append(True)
            theirs.create_all(other)

    sa.event.listen(table, "before_create", the_other_process_first)
    engine = sa.create_engine(url)
    base.ensure_schema(engine, ours)

    assert raced == [True]
    assert sa.inspect(engine).get_table_names() == ["followup_tasks"]
    with engine.begin() as conn:
        conn.execute(table.insert().values(key="k1"))
        assert conn.execute(sa.select(table.c.key)).scalars().all() == ["k1"]


def test_a_database_that_keeps_failing_still_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    ours, table = _tables()
    tries = []

    def always_broken(target: sa.Table, connection: sa.engine.Connection, **kw: object) -> None:
        tries.append(True)
        connection.exec_driver_sql("SELECT * FROM no_such_table")

    sa.event.listen(table, "before_create", always_broken)
    with pytest.raises(sa.exc.OperationalError):
        base.ensure_schema(sa.create_engine(url), ours)
    assert len(tries) == base.SCHEMA_ATTEMPTS
