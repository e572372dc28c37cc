"""One message at a time per conversation, in the order they arrived.

python-socketio handles every incoming event in a task of its own, so messages a
widget sends back to back would race through the channel's awaits (the limiter,
the health check, Rasa's lock) and could be stored out of order. The socket.io
channel takes its turn here first: ``asyncio.Lock`` wakes its waiters first come,
first served, and a handler reaches ``turn`` before its first await, in the order
the messages came in. The key is the session, so a customer's several tabs (sockets
of one session on this instance) queue together. The lock of a session nobody is
waiting for is forgotten.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Text


class InOrder:
    """A first-come, first-served turn per key."""

    def __init__(self) -> None:
        self._locks: Dict[Text, asyncio.Lock] = {}
        self._waiting: Dict[Text, int] = {}

    @asynccontextmanager
    async def turn(self, key: Text) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    def __len__(self) -> int:
        """How many keys have a turn taken or waited for."""
        return len(self._locks)
