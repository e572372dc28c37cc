"""A Rasa lock store on Redis whose tickets are issued atomically.

Several Rasa instances serve one conversation in turn through the lock store: a
message is processed only while it holds the conversation's lock. Rasa 3.6's
``RedisLockStore`` issues a ticket by reading the conversation's lock as JSON,
appending a ticket and writing it back. Those are separate commands, so two
instances taking a ticket at the same moment can both get the same number (or
one overwrites the other's ticket), and then both process messages of the same
conversation at once: duplicated or reordered turns.

``RedisTicketLockStore`` keeps the same ticket-lock model (first come, first
served, a ticket lapses after its lifetime) with every step atomic in Redis:

* ``{prefix}:{<conversation>}:seq`` -- the ticket counter; ``INCR`` issues the
  next number, so the order of service is the order of ``INCR`` (FIFO);
* ``{prefix}:{<conversation>}:queue`` -- sorted set of the waiting and serving
  tickets, score = ticket number;
* ``{prefix}:{<conversation>}:t:<n>`` -- one key per ticket holding a random
  token, with a TTL of the lock lifetime, so the ticket of a crashed instance
  lapses on its own.

Issuing (INCR + ticket key + ZADD), "drop lapsed tickets from the head of the
queue, then: is mine the lowest live ticket?" and finishing (delete the ticket
key + ZREM, and delete the counter and queue once nobody is left) are each one
Lua script, so no other instance can slip in between the steps. Tokens make sure
an instance that overran its lifetime cannot finish someone else's ticket.

Leases: a ticket's TTL is a lease of LEASE_SECONDS (10 s, or the lock lifetime
if shorter), renewed each time its owner polls while waiting, and every two
seconds while it holds the lock, up to the lock lifetime. So a message waiting
behind a long queue is not dropped, a holder has the whole lifetime for its
turn, and an instance that dies (waiting or holding) blocks the conversation for
one lease, not for Rasa's minute; a holder that overruns the lifetime no longer
blocks the next ticket, as with Rasa's store. Counter and queue get an expiry at least as long
as any of their tickets' (renewed at every issue and poll), and are deleted as
soon as the last ticket finishes, so an idle conversation leaves no keys behind.

Waiting polls Redis every 10 ms at first, backing off to 50 ms (never longer
than the ``wait_time_in_seconds`` Rasa passes, which is 1 s by default and
would add up to a second to every message that has to wait).

Redis outages -- the trade-off: if Redis cannot be reached when a message
takes or waits for its ticket (connection refused, timeout), the message is not
dropped. A warning is logged (conversation id only) and the message is
processed under a process-local lock for its conversation instead. While Redis
is down, messages of one conversation are therefore still serialised within
each instance, but no longer across instances: two instances could process the
same conversation at once during the outage. We accept that over losing
customers' messages, since a conversation normally sticks to one instance. The
next message tries Redis again, so once Redis is back the store uses it with no
restart (its scripts are reloaded automatically). Every message takes the local
lock as well, after its Redis ticket is served, so within an instance a message
that fell back and one that went through Redis never overlap either. The local
lock lapses after the lock lifetime too, like a ticket.

Rasa loads the store with ``lock_store_class(endpoint_config=...)``; in
``endpoints.yml``::

    lock_store:
      type: server.stores.lock_store.RedisTicketLockStore
      url: redis://127.0.0.1:6379/0
      key_prefix: gracious

``url`` is a Redis URL (``redis://``, ``rediss://``, ``unix://``); a bare host
name also works, with ``port``, ``db``, ``username``, ``password`` and
``use_ssl`` as for Rasa's ``RedisLockStore``. Optional: ``socket_timeout`` and
``socket_connect_timeout`` in seconds (default 5 and 2).

Rasa lets a custom lock store (any endpoint other than ``in_memory``) run with
several Sanic workers (``rasa.core.utils._lock_store_is_multi_worker_compatible``);
this store is safe either way, and we run one worker per instance: the local
fallback lock only covers the messages of one process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Deque, Dict, List, Optional, Text, Tuple

import redis
import redis.asyncio
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "lock"
DEFAULT_SOCKET_TIMEOUT = 5.0
DEFAULT_SOCKET_CONNECT_TIMEOUT = 2.0
# Polling while a ticket waits: start fast, back off, never above this.
POLL_MIN_SECONDS = 0.01
POLL_MAX_SECONDS = 0.05
# A ticket is a lease of this many seconds (at most the lock lifetime), renewed while
# its holder is alive: an instance that dies holding a conversation's lock blocks it
# for this long, not for the whole lock lifetime (Rasa's default is a minute).
LEASE_SECONDS = 10.0
RENEW_EVERY = LEASE_SECONDS / 5
# Counter and queue outlive their longest ticket by this much (milliseconds).
IDLE_MARGIN_MS = 60_000

# Errors meaning "Redis cannot be reached", after which we fall back to the local lock.
REDIS_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

# KEYS: seq, queue. ARGV: ticket key prefix, token, lifetime ms, idle ms.
_ISSUE = """
local n = redis.call('INCR', KEYS[1])
redis.call('SET', ARGV[1] .. n, ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], n, n)
local idle = tonumber(ARGV[4])
if redis.call('PTTL', KEYS[1]) < idle then
  redis.call('PEXPIRE', KEYS[1], idle)
  redis.call('PEXPIRE', KEYS[2], idle)
end
return n
"""

# KEYS: seq, queue. ARGV: ticket key prefix, ticket number, token, lifetime ms, idle ms.
# Returns 1: served (lock held), 0: wait, -1: the ticket lapsed or is gone.
_ACQUIRE = """
local mine = ARGV[1] .. ARGV[2]
if redis.call('GET', mine) ~= ARGV[3] or not redis.call('ZSCORE', KEYS[2], ARGV[2]) then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return -1
end
local result = 0
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head == ARGV[2] then
    result = 1
    break
  end
  if redis.call('EXISTS', ARGV[1] .. head) == 1 then
    break
  end
  redis.call('ZREM', KEYS[2], head)
end
redis.call('PEXPIRE', mine, ARGV[4])
local idle = tonumber(ARGV[5])
if redis.call('PTTL', KEYS[1]) < idle then
  redis.call('PEXPIRE', KEYS[1], idle)
  redis.call('PEXPIRE', KEYS[2], idle)
end
return result
"""

# KEYS: the ticket's key. ARGV: token, lease ms. Extends a ticket that is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS: seq, queue. ARGV: ticket key prefix, ticket number, token ('' = whoever holds it).
# Returns 1 if the ticket was ours and is now finished, else 0.
_RELEASE = """
local mine = ARGV[1] .. ARGV[2]
local finished = 0
if ARGV[3] == '' or redis.call('GET', mine) == ARGV[3] then
  redis.call('DEL', mine)
  redis.call('ZREM', KEYS[2], ARGV[2])
  finished = 1
end
for _, n in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. n) == 0 then
    redis.call('ZREM', KEYS[2], n)
  end
end
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return finished
"""

# KEYS: seq, queue. ARGV: ticket key prefix. Drops lapsed tickets; returns the live ones
# as a flat list: number, remaining ms, number, remaining ms, ...
_LIVE = """
local live = {}
for _, n in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local ttl = redis.call('PTTL', ARGV[1] .. n)
  if ttl < 0 then
    redis.call('ZREM', KEYS[2], n)
  else
    table.insert(live, tonumber(n))
    table.insert(live, ttl)
  end
end
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return live
"""


class _LocalLock:
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


class RedisTicketLockStore(LockStore):
    """Ticket lock store on Redis with atomic ticket issue (see the module docstring)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        *,
        url: Optional[Text] = None,
        host: Text = "localhost",
        port: int = 6379,
        db: int = 0,
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        use_ssl: bool = False,
        key_prefix: Optional[Text] = None,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
        socket_connect_timeout: float = DEFAULT_SOCKET_CONNECT_TIMEOUT,
    ) -> None:
        settings: Dict[str, Any] = dict(
            url=url, host=host, port=port, db=db, username=username, password=password, use_ssl=use_ssl,
            key_prefix=key_prefix, socket_timeout=socket_timeout, socket_connect_timeout=socket_connect_timeout,
        )
        if endpoint_config is not None:
            if endpoint_config.url:
                settings["url"] = endpoint_config.url
            for name, value in endpoint_config.kwargs.items():
                if name in settings and name != "url":
                    settings[name] = value
                else:
                    logger.warning(f"Lock store: ignoring unknown setting '{name}'.")
        self.key_prefix = str(settings["key_prefix"] or DEFAULT_KEY_PREFIX)
        self._connection: Dict[str, Any] = dict(
            socket_timeout=float(settings["socket_timeout"]),
            socket_connect_timeout=float(settings["socket_connect_timeout"]),
        )
        target = settings["url"]
        if target and "://" in target:
            self._url: Optional[str] = target
        else:
            self._url = None
            self._connection.update(
                host=target or settings["host"], port=int(settings["port"]), db=int(settings["db"]),
                username=settings["username"], password=settings["password"],
                ssl=str(settings["use_ssl"]).lower() in ("1", "true", "yes"),
            )
        self._owner = f"{socket.gethostname()}:{os.getpid()}"
        self._clients: Dict[int, Tuple[asyncio.AbstractEventLoop, redis.asyncio.Redis, Dict[str, Any]]] = {}
        self._sync: Optional[Tuple[redis.Redis, Dict[str, Any]]] = None
        self._local: Dict[Text, _LocalLock] = {}
        self._tokens: Dict[Tuple[Text, int], str] = {}  # tickets issued through the synchronous API
        self._unreachable = False
        super().__init__()

    # -- Redis clients and keys -------------------------------------------------------------

    def _client(self) -> Tuple[redis.asyncio.Redis, Dict[str, Any]]:
        """The asyncio client of the running event loop (connections belong to one loop)."""
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            for key, (other, _, _) in list(self._clients.items()):
                if other.is_closed():
                    del self._clients[key]
            if self._url:
                client = redis.asyncio.Redis.from_url(self._url, **self._connection)
            else:
                client = redis.asyncio.Redis(**self._connection)
            scripts = {name: client.register_script(source) for name, source in _SCRIPTS.items()}
            entry = (loop, client, scripts)
            self._clients[id(loop)] = entry
        return entry[1], entry[2]

    def _sync_client(self) -> Tuple[redis.Redis, Dict[str, Any]]:
        if self._sync is None:
            if self._url:
                client = redis.Redis.from_url(self._url, **self._connection)
            else:
                client = redis.Redis(**self._connection)
            self._sync = (client, {name: client.register_script(source) for name, source in _SCRIPTS.items()})
        return self._sync

    def _base(self, conversation_id: Text) -> str:
        return f"{self.key_prefix}:{{{conversation_id}}}"

    def _keys(self, conversation_id: Text) -> List[str]:
        base = self._base(conversation_id)
        return [f"{base}:seq", f"{base}:queue"]

    def _ticket_prefix(self, conversation_id: Text) -> str:
        return f"{self._base(conversation_id)}:t:"

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(1, int(seconds * 1000))

    def _new_token(self) -> str:
        return f"{self._owner}:{secrets.token_hex(8)}"

    def _reachable(self) -> None:
        if self._unreachable:
            self._unreachable = False
            logger.info("Redis lock store reachable again.")

    # -- the lock Rasa takes for every message ----------------------------------------------

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the lock of `conversation_id` for the body of the `async with`.

        Waits for the turn of this message's ticket, polling every 10 to 50 ms (at most
        every `wait_time_in_seconds`). Raises `LockError` if the ticket lapsed before it
        was served. Falls back to a process-local lock if Redis cannot be reached.
        """
        ticket: Optional[Tuple[int, str]] = None
        local = self._local.setdefault(conversation_id, _LocalLock())
        local.users += 1
        local_token: Optional[object] = None
        lease = min(lock_lifetime, LEASE_SECONDS)
        renewing: Optional["asyncio.Task[None]"] = None
        try:
            held = TicketLock(conversation_id)
            try:
                ticket = await self._issue(conversation_id, lease)
                await self._wait_for_turn(conversation_id, ticket, lease, wait_time_in_seconds)
                held = TicketLock(conversation_id, deque([Ticket(ticket[0], time.time() + lock_lifetime)]))
                renewing = asyncio.ensure_future(self._renew(conversation_id, ticket, lease, lock_lifetime))
                self._reachable()
            except REDIS_UNREACHABLE as error:
                self._unreachable = True
                logger.warning(
                    f"Redis lock store unreachable ({type(error).__name__}); conversation "
                    f"'{conversation_id}' is served under a process-local lock for this message."
                )
            local_token = await local.acquire(lock_lifetime)
            yield held
        finally:
            if renewing is not None:
                renewing.cancel()
            if local_token is not None:
                local.release(local_token)
            local.users -= 1
            if local.users == 0 and self._local.get(conversation_id) is local:
                del self._local[conversation_id]
            if ticket is not None:
                try:
                    await self._finish(conversation_id, ticket)
                except REDIS_UNREACHABLE:
                    # Its key lapses by itself after the lock lifetime.
                    logger.warning(f"Could not finish the Redis lock ticket of conversation '{conversation_id}'.")

    async def _issue(self, conversation_id: Text, lock_lifetime: float) -> Tuple[int, str]:
        client, scripts = self._client()
        token = self._new_token()
        number = await scripts["issue"](
            keys=self._keys(conversation_id),
            args=[self._ticket_prefix(conversation_id), token, self._ms(lock_lifetime),
                  self._ms(lock_lifetime) + IDLE_MARGIN_MS],
        )
        return int(number), token

    async def _wait_for_turn(
        self, conversation_id: Text, ticket: Tuple[int, str], lock_lifetime: float, wait_time_in_seconds: float
    ) -> None:
        client, scripts = self._client()
        ceiling = max(0.001, min(POLL_MAX_SECONDS, wait_time_in_seconds))
        pause = min(POLL_MIN_SECONDS, ceiling)
        number, token = ticket
        while True:
            state = await scripts["acquire"](
                keys=self._keys(conversation_id),
                args=[self._ticket_prefix(conversation_id), number, token, self._ms(lock_lifetime),
                      self._ms(lock_lifetime) + IDLE_MARGIN_MS],
            )
            if state == 1:
                logger.debug(f"Acquired lock for conversation '{conversation_id}'.")
                return
            if state == -1:
                raise LockError(
                    f"Could not acquire lock for conversation_id '{conversation_id}': its ticket lapsed."
                )
            await asyncio.sleep(pause)
            pause = min(ceiling, pause * 1.5)

    async def _renew(self, conversation_id: Text, ticket: Tuple[int, str], lease: float, lifetime: float) -> None:
        """Extend the held ticket's lease while its turn runs, up to the lock lifetime."""
        _, scripts = self._client()
        key = self._ticket_prefix(conversation_id) + str(ticket[0])
        pause = min(RENEW_EVERY, lease / 5)
        deadline = asyncio.get_running_loop().time() + lifetime - lease
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(pause)
            try:
                await scripts["renew"](keys=[key], args=[ticket[1], self._ms(lease)])
            except REDIS_UNREACHABLE:
                pass  # the lease runs out; the next message falls back or waits for it

    async def _finish(self, conversation_id: Text, ticket: Tuple[int, str]) -> None:
        client, scripts = self._client()
        await scripts["release"](
            keys=self._keys(conversation_id), args=[self._ticket_prefix(conversation_id), ticket[0], ticket[1]]
        )

    async def _acquire_lock(
        self, conversation_id: Text, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Wait for `ticket` (issued by `issue_ticket`) to be served; Rasa's base API."""
        token = self._tokens.get((conversation_id, ticket))
        if token is None:
            raise LockError(f"Ticket {ticket} of conversation_id '{conversation_id}' was not issued here.")
        await self._wait_for_turn(conversation_id, (ticket, token), LOCK_LIFETIME, wait_time_in_seconds)
        return self.get_lock(conversation_id) or TicketLock(conversation_id)

    # -- the rest of Rasa's LockStore API (synchronous; Rasa itself only calls `lock`) -------

    def _live_tickets(self, conversation_id: Text) -> List[Tuple[int, float]]:
        client, scripts = self._sync_client()
        flat = scripts["live"](keys=self._keys(conversation_id), args=[self._ticket_prefix(conversation_id)])
        now = time.time()
        return [(int(flat[i]), now + int(flat[i + 1]) / 1000) for i in range(0, len(flat), 2)]

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """A snapshot of the live tickets of `conversation_id`, or None if there are none."""
        tickets = self._live_tickets(conversation_id)
        if not tickets:
            return None
        return TicketLock(conversation_id, deque(Ticket(number, expires) for number, expires in tickets))

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError(
            "RedisTicketLockStore keeps tickets in Redis and changes them atomically; a TicketLock "
            "cannot be written back. Use lock(), or issue_ticket() and finish_serving()."
        )

    def update_lock(self, conversation_id: Text) -> None:
        """Drop lapsed tickets."""
        self._live_tickets(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        """Forget every ticket of `conversation_id` (whoever holds or waits loses its turn)."""
        client, _ = self._sync_client()
        prefix = self._ticket_prefix(conversation_id)
        seq, queue = self._keys(conversation_id)
        members = [m.decode() if isinstance(m, bytes) else str(m) for m in client.zrange(queue, 0, -1)]
        deleted = client.delete(seq, queue, *[prefix + m for m in members])
        self._tokens = {k: v for k, v in self._tokens.items() if k[0] != conversation_id}
        self._log_deletion(conversation_id, bool(deleted))

    def is_someone_waiting(self, conversation_id: Text) -> bool:
        return bool(self._live_tickets(conversation_id))

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket atomically and return its number."""
        client, scripts = self._sync_client()
        token = self._new_token()
        try:
            number = int(scripts["issue"](
                keys=self._keys(conversation_id),
                args=[self._ticket_prefix(conversation_id), token, self._ms(lock_lifetime),
                      self._ms(lock_lifetime) + IDLE_MARGIN_MS],
            ))
        except redis.exceptions.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}")
        self._tokens[(conversation_id, number)] = token
        return number

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish `ticket_number` (any holder's if this store did not issue it)."""
        client, scripts = self._sync_client()
        token = self._tokens.pop((conversation_id, ticket_number), "")
        scripts["release"](
            keys=self._keys(conversation_id), args=[self._ticket_prefix(conversation_id), ticket_number, token]
        )

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish `ticket_number`; the conversation's keys go once nobody is left."""
        self.finish_serving(conversation_id, ticket_number)


_SCRIPTS = {"issue": _ISSUE, "acquire": _ACQUIRE, "release": _RELEASE, "live": _LIVE, "renew": _RENEW}
