"""The lock a message falls back on when Redis cannot be reached: one process's, per conversation.

While Redis is down, messages of one conversation are still served one at a time
within each instance, in order of arrival, but no longer across instances (see
server/stores/lock_store.py). Every message takes this lock as well, after its
Redis ticket is served, so within an instance a message that fell back and one
that went through Redis never overlap either. A hold lapses after the lock
lifetime, like a ticket.

Redis outages -- the trade-off: if Redis cannot be reached when a message
takes or waits for its ticket (connection refused, timeout), the message is not
dropped. A warning is logged (conversation id only) and the message is
processed under a process-local lock for its conversation instead
(server/stores/local_lock.py). While Redis is down, messages of one conversation
are therefore still serialised within each instance, but no longer across
instances: two instances could process the same conversation at once during the
outage. We accept that over losing customers' messages, since a conversation
normally sticks to one instance. The next message tries Redis again, so once
Redis is back the store uses it with no restart (its scripts are reloaded
automatically).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Deque, Optional, Tuple

# Logged as the lock store, whose messages operators already watch.
logger = logging.getLogger("server.stores.lock_store")


class LocalLock:
    """First come, first served lock of one process whose hold lapses after its lifetime."""

    def __init__(self) -> None:
        self.holder: Optional[object] = None
        self.expires = 0.0
        self.waiters: Deque[Tuple[object, asyncio.Event]] = deque()
        self.users = 0

    def _free(self, now: float) -> bool:
        return self.holder is None or now >= self.expires

    def _take(self, token: object, lifetime: float) -> None:
        if self.holder is not None:
            logger.warning("A local conversation lock outlived its lifetime; serving the next message.")
        self.holder = token
        self.expires = asyncio.get_running_loop().time() + lifetime
        if self.waiters:
            self.waiters[0][1].set()  # the next in line learns when this hold lapses

    async def acquire(self, lifetime: float) -> object:
        loop = asyncio.get_running_loop()
        token = object()
        if not self.waiters and self._free(loop.time()):
            self._take(token, lifetime)
            return token
        entry = (token, asyncio.Event())
        self.waiters.append(entry)
        try:
            while True:
                first = self.waiters[0] is entry
                if first and self._free(loop.time()):
                    self.waiters.popleft()
                    self._take(token, lifetime)
                    return token
                timeout = max(0.0, self.expires - loop.time()) if first else None
                try:
                    await asyncio.wait_for(entry[1].wait(), timeout)
                except asyncio.TimeoutError:
                    pass
                entry[1].clear()
        except BaseException:
            if entry in self.waiters:
                was_first = self.waiters[0] is entry
                self.waiters.remove(entry)
                if was_first and self.waiters:
                    self.waiters[0][1].set()
            raise

    def release(self, token: object) -> None:
        if self.holder is token:
            self.holder = None
            if self.waiters:
                self.waiters[0][1].set()
