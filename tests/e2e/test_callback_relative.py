"""A waiting customer's "ring me instead, in an hour?" books a call about an hour on, end to end
(issue #17 panel: it was asked for a time again). Real servers, an agent on duty so the customer
waits in the queue; the care team in around the clock so the hour is never moved to the next opening."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from launch.launcher import Servers
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, model_path, server_env, texts


@pytest.fixture(scope="module")
def waiting_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    var = tmp_path_factory.mktemp("relative-var")
    env = server_env(var, GRACIOUS_CARE_HOURS="mon-sun 0-24", GRACIOUS_QUEUE_UPDATE_SECONDS="0")
    store = DeskStore(env["GRACIOUS_RECORDS_DB_URL"])
    asyncio.run(store.add_agent("sam", "Sam Lee", PASSWORD))
    store.engine.dispose()
    servers = Servers(model_path(), env, log_dir=var / "logs")
    servers.start()
    yield Bot(servers, env)
    servers.stop()


def test_ring_me_instead_in_an_hour_while_waiting_books_a_call_an_hour_on(waiting_bot: Bot) -> None:
    sam = DeskClient(waiting_bot.base)
    sam.sign_in("sam")
    assert sam.call("/desk/api/availability", {"status": "available"})[0] == 200
    sender = f"relative-{uuid.uuid4().hex[:8]}"
    assert "in the queue" in texts(waiting_bot.say(sender, "I want to talk to a real person"))

    asked_at = datetime.now(timezone.utc)
    said = texts(waiting_bot.say(sender, "ring me instead, in an hour?"))
    assert "time suits you" not in said and "soonest someone" not in said and "catch a time" not in said, said
    if "Which number" in said:
        said = texts(waiting_bot.say(sender, "+1 555 0134"))
    assert "You're booked" in said and "out of the queue" in said, said

    path = Path(waiting_bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        [(scheduled, status)] = conn.execute(
            "SELECT scheduled_for, status FROM callbacks WHERE sender_id = ?", (sender,)
        ).fetchall()
    when = datetime.fromisoformat(scheduled).replace(tzinfo=timezone.utc)
    # An hour on, rounded up to the quarter hour: on the desk's list, due between 60 and 76 minutes on.
    assert status == "booked" and when.minute % 15 == 0
    assert asked_at + timedelta(minutes=59) <= when <= asked_at + timedelta(minutes=76), (asked_at, when)
