"""Rasa's SQL tracker store configured by one URL."""

import asyncio

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from server.stores.tracker_store import UrlSQLTrackerStore


def test_sqlite_url_stores_conversations_in_that_file_across_instances(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    domain = Domain.empty()
    store = UrlSQLTrackerStore(domain=domain, host=url)
    tracker = DialogueStateTracker("maya", domain.slots)
    tracker.update(UserUttered("my bill is wrong"))
    asyncio.run(store.save(tracker))

    reopened = UrlSQLTrackerStore(domain=domain, host=url)
    restored = asyncio.run(reopened.retrieve("maya"))
    assert restored.latest_message.text == "my bill is wrong"
    assert (tmp_path / "tracker.db").exists()


def test_postgres_url_is_split_into_rasas_connection_fields(monkeypatch):
    # Isolated on purpose: no PostgreSQL server here; check what Rasa is asked to connect to.
    seen = {}

    def fake_init(self, **kwargs):
        seen.update(kwargs)
        # What Rasa makes (an engine connects only when first used).
        self.engine = sa.create_engine("postgresql://gracious:pw@db.internal:5433/conversations")

    monkeypatch.setattr(SQLTrackerStore, "__init__", fake_init)
    store = UrlSQLTrackerStore(host="postgresql://gracious:pw@db.internal:5433/conversations?sslmode=require")
    # On a database server, pooled connections are checked before use (restarts survived).
    assert store.engine.pool._pre_ping
    assert seen["dialect"] == "postgresql"
    assert seen["host"] == "db.internal" and seen["port"] == 5433
    assert seen["db"] == "conversations"
    assert seen["username"] == "gracious" and seen["password"] == "pw"
    assert seen["query"] == {"sslmode": "require"}


def store_and_tracker(tmp_path, sender="maya"):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    domain = Domain.empty()
    return url, domain, UrlSQLTrackerStore(domain=domain, host=url)


def turn(tracker, text):
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("action_listen"))


def stored_texts(url, domain, sender="maya"):
    fresh = asyncio.run(UrlSQLTrackerStore(domain=domain, host=url).retrieve(sender))
    return [e.text for e in fresh.events if isinstance(e, UserUttered)]


def count_full_reads(monkeypatch):
    reads = []
    original = SQLTrackerStore._retrieve

    async def counting(self, *args, **kwargs):
        reads.append(args)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", counting)
    return reads


def test_the_tracker_saved_last_is_handed_back_without_reading_every_event(tmp_path, monkeypatch):
    url, domain, store = store_and_tracker(tmp_path)
    tracker = DialogueStateTracker("maya", domain.slots)
    turn(tracker, "one")
    asyncio.run(store.save(tracker))
    reads = count_full_reads(monkeypatch)
    for text in ("two", "three", "four"):
        current = asyncio.run(store.retrieve("maya"))
        assert current is tracker
        turn(current, text)
        asyncio.run(store.save(current))
    assert reads == []
    assert stored_texts(url, domain) == ["one", "two", "three", "four"]


def test_events_another_instance_wrote_are_read_from_the_database(tmp_path):
    url, domain, first = store_and_tracker(tmp_path)
    tracker = DialogueStateTracker("maya", domain.slots)
    turn(tracker, "one")
    asyncio.run(first.save(tracker))

    second = UrlSQLTrackerStore(domain=domain, host=url)
    elsewhere = asyncio.run(second.retrieve("maya"))
    turn(elsewhere, "two, on the other instance")
    asyncio.run(second.save(elsewhere))

    back = asyncio.run(first.retrieve("maya"))
    assert back is not tracker
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == ["one", "two, on the other instance"]


def test_a_message_that_failed_before_saving_leaves_nothing_behind(tmp_path):
    url, domain, store = store_and_tracker(tmp_path)
    tracker = DialogueStateTracker("maya", domain.slots)
    turn(tracker, "one")
    asyncio.run(store.save(tracker))
    broken = asyncio.run(store.retrieve("maya"))
    turn(broken, "never saved")  # processing failed after this: no save

    again = asyncio.run(store.retrieve("maya"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["one"]


def test_a_new_session_is_read_back_without_the_old_one(tmp_path):
    url, domain, store = store_and_tracker(tmp_path)
    tracker = DialogueStateTracker("maya", domain.slots)
    tracker.update(SessionStarted())
    turn(tracker, "yesterday")
    asyncio.run(store.save(tracker))
    current = asyncio.run(store.retrieve("maya"))
    current.update(SessionStarted())
    turn(current, "today")
    asyncio.run(store.save(current))

    today = asyncio.run(store.retrieve("maya"))
    assert [e.text for e in today.events if isinstance(e, UserUttered)] == ["today"]


def test_only_so_many_conversations_are_remembered(tmp_path, monkeypatch):
    monkeypatch.setattr("server.stores.tracker_store.CACHED_CONVERSATIONS", 2)
    url, domain, store = store_and_tracker(tmp_path)
    for sender in ("a", "b", "c"):
        tracker = DialogueStateTracker(sender, domain.slots)
        turn(tracker, f"hello from {sender}")
        asyncio.run(store.save(tracker))
    assert list(store._saved) == ["b", "c"]
    assert stored_texts(url, domain, "a") == ["hello from a"]


def test_sqlite_files_use_the_write_ahead_log_and_normal_sync(tmp_path):
    url, domain, store = store_and_tracker(tmp_path)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_rows_are_stored_as_rasa_stores_them(tmp_path):
    """One insert of all the new rows stores exactly what Rasa's one-object-per-event save stores."""
    domain = Domain.empty()
    events = [
        SessionStarted(timestamp=1.0),
        ActionExecuted("action_listen", timestamp=2.0),
        UserUttered("my bill is wrong", {"name": "dispute_charge", "confidence": 0.9}, timestamp=3.0),
        ActionExecuted("action_empathize", timestamp=4.0),
    ]
    tracker = DialogueStateTracker.from_events("same", events)
    ours = UrlSQLTrackerStore(domain, host=f"sqlite:///{tmp_path / 'ours.db'}")
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasas.db"))
    for store in (ours, rasas):
        asyncio.run(store.save(tracker))
        tracker.update(ActionExecuted("action_listen", timestamp=5.0))  # a second save adds only what is new
        asyncio.run(store.save(tracker))
        tracker = DialogueStateTracker.from_events("same", events)

    def rows(path):
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
                )
            ).fetchall()

    assert len(rows(tmp_path / "ours.db")) == 5
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "rasas.db")
