"""Rasa's SQL tracker store, configured by one database URL, remembering recent trackers.

Rasa's own SQL store takes dialect, host, port and database separately; a URL
(``sqlite:///var/tracker.db``, ``postgresql://user:pw@host/db``) is how every
other part of Gracious is configured, so this class accepts one.

Rasa's store also reads every event of a conversation's session from the database
on each message and replays them all, and counts them again on each save, so a
long conversation gets slower with every turn. This one keeps the trackers it
saved last and hands the same tracker back while the database shows nothing newer
for that conversation (one indexed ``max(id)`` query): another instance that
wrote to the conversation, or a message whose processing failed before its
events were saved, makes it read the database as Rasa does.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from gracious.stores.sqlite import pooled_sqlite, tune_sqlite

# Conversations remembered per process; the least recently used is forgotten first.
CACHED_CONVERSATIONS = 1000


@dataclass
class _Saved:
    tracker: DialogueStateTracker
    events: int  # len(tracker.events) when it was saved
    last_id: Optional[int]  # the newest event id of the conversation in the database then


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose endpoint gives ``url:`` instead of separate fields."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = sa.engine.make_url(host or "sqlite:///var/tracker.db")
        # host, port, username and password when the URL has them (Rasa's defaults are None).
        connection = {"db": url.database, **url.translate_connect_args(database="db")}
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            event_broker=event_broker,
            query=dict(url.query) or None,
            **connection,
            **kwargs,
        )
        if url.get_backend_name() == "sqlite":
            # Connections kept open between saves (gracious/stores/sqlite.py), not one per save.
            self.engine.dispose()
            self.engine = tune_sqlite(pooled_sqlite(self.engine.url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        else:
            # Check pooled connections before use, so the store carries on by
            # itself after the database server restarts.
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, pool_pre_ping=True, **create_engine_kwargs(self.engine.url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._saved: "OrderedDict[str, _Saved]" = OrderedDict()
        # Built once: SQLAlchemy compiles it once too (an ORM query per call cost about 0.8 ms).
        self._newest = sa.select(sa.func.max(self.SQLEvent.id)).where(
            self.SQLEvent.sender_id == sa.bindparam("sender_id")
        )

    def _newest_id(self, session: Any, sender_id: Text) -> Optional[int]:
        return session.execute(self._newest, {"sender_id": sender_id}).scalar()

    def _last_event_id(self, sender_id: Text) -> Optional[int]:
        with self.session_scope() as session:
            return self._newest_id(session, sender_id)

    @staticmethod
    def _row(sender_id: Text, event: Any) -> Dict[str, Any]:
        """One event as Rasa's ``save`` stores it (rasa/core/tracker_store.py)."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _fresh(self, sender_id: Text) -> Optional[_Saved]:
        saved = self._saved.get(sender_id)
        if saved is None:
            return None
        if len(saved.tracker.events) != saved.events or self._last_event_id(sender_id) != saved.last_id:
            del self._saved[sender_id]
            return None
        self._saved.move_to_end(sender_id)
        return saved

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session's tracker: the one saved last if nothing came after it."""
        saved = self._fresh(sender_id)
        if saved is not None:
            return saved.tracker
        return await super().retrieve(sender_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        saved = self._saved.get(tracker.sender_id)
        if saved is not None and saved.tracker is tracker and saved.events <= len(tracker.events):
            # The events up to saved.events are in the database: no need to count them there.
            return itertools.islice(tracker.events, saved.events, len(tracker.events))
        return super()._additional_events(session, tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, and remember the tracker for the next message.

        Rasa's own save, with its rows inserted in one statement instead of one ORM object
        each, and the conversation's newest id read in the same transaction.
        """
        sender_id = tracker.sender_id
        await self.stream_events(tracker)
        with self.session_scope() as session:
            # retrieve() checked this tracker against the database for this message, and
            # _additional_events stores exactly what was added to it since it was saved.
            rows = [self._row(sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            last_id = self._newest_id(session, sender_id)
            session.commit()
        self._saved.pop(sender_id, None)
        sessions = sum(isinstance(event, SessionStarted) for event in tracker.events)
        if self.event_broker is not None or sessions > 1:
            # A broker diffs against a fresh read; a new session reads back without the old one.
            return
        self._saved[sender_id] = _Saved(tracker, len(tracker.events), last_id)
        while len(self._saved) > CACHED_CONVERSATIONS:
            self._saved.popitem(last=False)
