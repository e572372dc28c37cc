"""How the lock store reaches Redis: its settings from endpoints.yml, and clients with the scripts loaded.

``url`` is a Redis URL (``redis://``, ``rediss://``, ``unix://``); a bare host
name also works, with ``port``, ``db``, ``username``, ``password`` and
``use_ssl`` as for Rasa's ``RedisLockStore``. Optional: ``socket_timeout`` and
``socket_connect_timeout`` in seconds (default 5 and 2), and ``key_prefix``.

Rasa loads the store with ``lock_store_class(endpoint_config=...)``; in
``endpoints.yml`` (every setting: server/stores/lock_connection.py)::

    lock_store:
      type: server.stores.lock_store.RedisTicketLockStore
      url: redis://127.0.0.1:6379/0
      key_prefix: gracious
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Tuple

import redis
import redis.asyncio
from rasa.utils.endpoints import EndpointConfig

from server.stores.lock_scripts import SCRIPTS

logger = logging.getLogger("server.stores.lock_store")

DEFAULT_KEY_PREFIX = "lock"
DEFAULT_SOCKET_TIMEOUT = 5.0
DEFAULT_SOCKET_CONNECT_TIMEOUT = 2.0

Scripts = Dict[str, Any]


def settings_from(endpoint_config: Optional[EndpointConfig], given: Dict[str, Any]) -> Dict[str, Any]:
    """``given`` (the constructor's keywords), overridden by what endpoints.yml says."""
    settings = dict(given)
    if endpoint_config is not None:
        if endpoint_config.url:
            settings["url"] = endpoint_config.url
        for name, value in endpoint_config.kwargs.items():
            if name in settings and name != "url":
                settings[name] = value
            else:
                logger.warning(f"Lock store: ignoring unknown setting '{name}'.")
    return settings


class RedisConnection:
    """An asyncio client per event loop (connections belong to one loop) and one synchronous client."""

    def __init__(self, settings: Dict[str, Any]) -> None:
        self.options: Dict[str, Any] = dict(
            socket_timeout=float(settings["socket_timeout"]),
            socket_connect_timeout=float(settings["socket_connect_timeout"]),
        )
        target = settings["url"]
        if target and "://" in target:
            self.url: Optional[str] = target
        else:
            self.url = None
            self.options.update(
                host=target or settings["host"],
                port=int(settings["port"]),
                db=int(settings["db"]),
                username=settings["username"],
                password=settings["password"],
                ssl=str(settings["use_ssl"]).lower() in ("1", "true", "yes"),
            )
        self._clients: Dict[int, Tuple[asyncio.AbstractEventLoop, redis.asyncio.Redis, Scripts]] = {}
        self._sync: Optional[Tuple[redis.Redis, Scripts]] = None

    def _new(self, kind: Any) -> Tuple[Any, Scripts]:
        client = kind.from_url(self.url, **self.options) if self.url else kind(**self.options)
        return client, {name: client.register_script(source) for name, source in SCRIPTS.items()}

    def client(self) -> Tuple[redis.asyncio.Redis, Scripts]:
        """The asyncio client of the running event loop, and its scripts."""
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            for key, (other, _, _) in list(self._clients.items()):
                if other.is_closed():
                    del self._clients[key]
            entry = (loop, *self._new(redis.asyncio.Redis))
            self._clients[id(loop)] = entry
        return entry[1], entry[2]

    def sync_client(self) -> Tuple[redis.Redis, Scripts]:
        """The synchronous client (Rasa's synchronous LockStore API), and its scripts."""
        if self._sync is None:
            self._sync = self._new(redis.Redis)
        return self._sync
