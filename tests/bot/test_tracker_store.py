"""Rasa's SQL tracker store configured by one URL."""

import asyncio

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import UrlSQLTrackerStore


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

    monkeypatch.setattr(SQLTrackerStore, "__init__", fake_init)
    UrlSQLTrackerStore(host="postgresql://gracious:pw@db.internal:5433/conversations?sslmode=require")
    assert seen["dialect"] == "postgresql"
    assert seen["host"] == "db.internal" and seen["port"] == 5433
    assert seen["db"] == "conversations"
    assert seen["username"] == "gracious" and seen["password"] == "pw"
    assert seen["query"] == {"sslmode": "require"}
