"""How many messages a conversation may send: a token bucket per sender.

``GRACIOUS_SENDER_BURST`` messages at once, refilled at
``GRACIOUS_SENDER_PER_MINUTE``, counted in this process, or in Redis when
``GRACIOUS_REDIS_URL`` is set so the limit holds across instances. The channels
ask before anything is stored (429 with Retry-After over REST).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional, Text, Tuple

from sanic.response import HTTPResponse

from gracious.settings import Settings, settings
from server.channels.refusals import too_many_messages

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until one more message would be taken


class SenderLimiter:
    """How many messages a conversation may send: ask before handling each one."""

    async def hit(self, sender: Text) -> Decision:  # pragma: no cover - interface
        raise NotImplementedError

    async def close(self) -> None:
        pass


class MemoryLimiter(SenderLimiter):
    """A token bucket per sender, in this process: ``burst`` at once, ``per_minute`` after."""

    def __init__(self, burst: int, per_minute: float, clock: Any = time.monotonic, max_senders: int = 100_000) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_senders = max_senders
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()

    def hit_now(self, sender: Text) -> Decision:
        now = self.clock()
        tokens, stamp = self._buckets.pop(sender, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + max(0.0, now - stamp) * self.rate)
        if tokens >= 1.0:
            decision = Decision(True)
            tokens -= 1.0
        else:
            decision = Decision(False, (1.0 - tokens) / self.rate)
        self._buckets[sender] = (tokens, now)  # most recent last
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)  # the longest quiet, whose bucket is fullest
        return decision

    async def hit(self, sender: Text) -> Decision:
        return self.hit_now(sender)


# KEYS[1]: the sender's bucket; ARGV: burst, tokens per second. Redis's own clock,
# so every instance counts alike. Returns {allowed (0/1), seconds to wait (string)}.
TOKEN_BUCKET_LUA = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate) * 1000) + 1000)
return {allowed, tostring(wait)}
"""


class RedisLimiter(SenderLimiter):
    """The same token bucket in Redis, shared by every instance; in-process while Redis is away."""

    PREFIX = "gracious:rate:"
    RETRY_SECONDS = 5.0  # after a failure, how long to count in-process before asking Redis again

    def __init__(
        self, url: Text, burst: int, per_minute: float, timeout: float = 0.5, fallback: Optional[SenderLimiter] = None
    ) -> None:
        from redis.asyncio.connection import parse_url

        parse_url(url)  # a malformed GRACIOUS_REDIS_URL stops the start (ValueError), not a message
        self.url = url
        self.burst = burst
        self.rate = per_minute / 60.0
        self.timeout = timeout
        self.fallback = fallback or MemoryLimiter(burst, per_minute)
        self._client: Any = None
        self._script: Any = None
        self._down_until = 0.0
        self.down = False

    def _key(self, sender: Text) -> str:
        # Hashed: conversation ids can be personal (an email as sender id); Redis needn't see them.
        return self.PREFIX + hashlib.sha256(sender.encode()).hexdigest()[:32]

    def _connect(self) -> None:
        from redis import asyncio as aioredis

        self._client = aioredis.Redis.from_url(
            self.url,
            socket_timeout=self.timeout,
            socket_connect_timeout=self.timeout,
        )
        self._script = self._client.register_script(TOKEN_BUCKET_LUA)

    async def hit(self, sender: Text) -> Decision:
        from redis.exceptions import RedisError

        if time.monotonic() < self._down_until:
            return await self.fallback.hit(sender)
        try:
            if self._client is None:
                self._connect()
            allowed, wait = await asyncio.wait_for(
                self._script(keys=[self._key(sender)], args=[self.burst, repr(self.rate)]),
                timeout=self.timeout * 4,
            )
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            if not self.down:
                logger.warning(
                    "Message rate limit: Redis unreachable (%s); limiting on this instance only until it is back.",
                    type(error).__name__,
                )
            self.down = True
            return await self.fallback.hit(sender)
        if self.down:
            logger.info("Message rate limit: Redis reachable again.")
            self.down = False
        wait = float(wait.decode() if isinstance(wait, bytes) else wait)
        return Decision(bool(int(allowed)), 0.0 if int(allowed) else wait)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def limiter_for(config: Settings) -> SenderLimiter:
    """The limiter the settings ask for: Redis with GRACIOUS_REDIS_URL, else in-process."""
    memory = MemoryLimiter(config.sender_burst, config.sender_per_minute)
    if config.redis_url:
        return RedisLimiter(config.redis_url, config.sender_burst, config.sender_per_minute, fallback=memory)
    return memory


_limiter: Optional[SenderLimiter] = None


def sender_limiter() -> SenderLimiter:
    """This process's limiter (made from the settings on first use)."""
    global _limiter
    if _limiter is None:
        _limiter = limiter_for(settings())
    return _limiter


async def refuse_if_too_fast(sender: Text, agent: Optional[Any] = None) -> Optional[HTTPResponse]:
    """A 429 for a sender over its limit, else None (the message may be handled)."""
    decision = await sender_limiter().hit(sender)
    return None if decision.allowed else too_many_messages(decision.retry_after, agent)
