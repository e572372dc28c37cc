"""socket.io across Rasa instances: python-socketio's Redis manager, kept going through a Redis restart.

With several instances behind nginx, a customer's widget is connected to one of
them, while the reply, or an agent's message from the desk, may be produced on
another. python-socketio's ``AsyncRedisManager`` publishes every emit on a Redis
channel that all instances listen to, and each delivers it to its own sockets.

Its stock behaviour when Redis goes away does not suit a support chat: an emit
that can't be published is dropped, even for a customer connected to this very
instance, and the listener waits up to a minute between reconnection attempts,
so for a while after Redis is back the instance hears nothing, not even its own
messages. This manager

- delivers to this instance's own sockets directly whenever the message can't go
  through Redis or this instance is not subscribed (so a customer on the instance
  that answers always hears the answer), and publishes for the others when it can;
- resubscribes every half second while Redis is down.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from typing import Any, AsyncIterator, Dict, Optional

from redis import asyncio as aioredis
from redis.exceptions import RedisError
from socketio import AsyncRedisManager

logger = logging.getLogger(__name__)

RETRY_SECONDS = 0.5
REDIS_TIMEOUT_SECONDS = 2.0


class ResilientRedisManager(AsyncRedisManager):
    """AsyncRedisManager that never drops a local delivery and reconnects promptly."""

    name = "gracious-redis"

    def __init__(self, url: str, channel: str = "gracious-socketio") -> None:
        self.listening = False
        super().__init__(url=url, channel=channel)

    def _redis_connect(self) -> None:
        # Publishing gives up quickly when Redis is gone; the subscriber waits
        # for messages as long as it takes, so it has a connection of its own.
        self.redis = aioredis.Redis.from_url(
            self.redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self._subscriber = aioredis.Redis.from_url(self.redis_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        self.pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)

    async def _publish(self, data: Dict[str, Any]) -> Optional[int]:
        published = None
        try:
            published = await self.redis.publish(self.channel, pickle.dumps(data))
        except (RedisError, OSError):
            logger.warning("Redis unavailable: socket.io %s delivered on this instance only.", data.get("method"))
        if published is None or not self.listening:
            # Our own listener won't hear it: deliver to this instance's sockets now.
            await self._deliver_locally(data)
        return published

    async def _deliver_locally(self, data: Dict[str, Any]) -> None:
        handler = {
            "emit": self._handle_emit,
            "disconnect": self._handle_disconnect,
            "close_room": self._handle_close_room,
        }.get(data.get("method"))
        if handler is not None:
            await handler(data)

    async def _listen(self) -> AsyncIterator[bytes]:  # type: ignore[override]
        channel = self.channel.encode("utf-8")
        while True:
            try:
                await self.pubsub.subscribe(self.channel)
                if not self.listening:
                    logger.info("socket.io subscribed to Redis.")
                self.listening = True
                async for message in self.pubsub.listen():
                    if message["channel"] == channel and message["type"] == "message" and "data" in message:
                        yield message["data"]
            except (RedisError, OSError):
                if self.listening:
                    logger.warning("Lost Redis; resubscribing every %.1f s.", RETRY_SECONDS)
                self.listening = False
                try:
                    await self.pubsub.reset()
                except (RedisError, OSError):
                    pass
                await asyncio.sleep(RETRY_SECONDS)


def client_manager(redis_url: Optional[str]) -> Optional[ResilientRedisManager]:
    """The manager for ``redis_url``, or None (python-socketio's in-process default)."""
    return ResilientRedisManager(redis_url) if redis_url else None
