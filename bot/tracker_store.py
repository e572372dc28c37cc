"""Rasa's SQL tracker store, configured by one database URL.

Rasa's own SQL store takes dialect, host, port and database separately; a URL
(``sqlite:///var/tracker.db``, ``postgresql://user:pw@host/db``) is how every
other part of Gracious is configured, so this class accepts one.
"""

from __future__ import annotations

from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain


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
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
            **kwargs,
        )
