"""A Rasa lock store on Redis whose tickets are issued atomically.

Several Rasa instances serve one conversation in turn through the lock store: a
message is processed only while it holds the conversation's lock. Rasa 3.6's
``RedisLockStore`` issues a ticket by reading the conversation's lock as JSON,
appending a ticket and writing it back. Those are separate commands, so two
instances taking a ticket at the same moment can both get the same number (or
one overwrites the other's ticket), and then both process messages of the same
conversation at once: duplicated or reordered turns.

``RedisTicketLockStore`` keeps the same ticket-lock model (first come, first
served, a ticket lapses after its lifetime) with every step atomic in Redis: one
Lua script each (the keys and the scripts: server/stores/lock_scripts.py).

Leases: a ticket's TTL is a lease of LEASE_SECONDS (10 s, or the lock lifetime
if shorter), renewed each time its owner polls while waiting, and every two
seconds while it holds the lock, up to the lock lifetime. So a message waiting
behind a long queue is not dropped, a holder has the whole lifetime for its
turn, and an instance that dies (waiting or holding) blocks the conversation for
one lease, not for Rasa's minute; a holder that overruns the lifetime no longer
blocks the next ticket, as with Rasa's store.

Waiting polls Redis every 10 ms at first, backing off to 50 ms (never longer
than the ``wait_time_in_seconds`` Rasa passes, which is 1 s by default and
would add up to a second to every message that has to wait).

When Redis cannot be reached, a message is processed under a process-local lock
instead of being dropped (server/stores/local_lock.py says what that trades).

Rasa loads it from ``endpoints.yml`` (every setting: server/stores/lock_connection.py).

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
from typing import AsyncGenerator, Dict, List, Optional, Text, Tuple

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from server.stores.local_lock import LocalLock
from server.stores.lock_connection import (
    DEFAULT_KEY_PREFIX,
    DEFAULT_SOCKET_CONNECT_TIMEOUT,
    DEFAULT_SOCKET_TIMEOUT,
    RedisConnection,
    settings_from,
)
from server.stores.lock_scripts import Keys

logger = logging.getLogger(__name__)

# Polling while a ticket waits: start fast, back off, never above this.
POLL_MIN_SECONDS = 0.01
POLL_MAX_SECONDS = 0.05
# A ticket is a lease of this many seconds (at most the lock lifetime), renewed while
# its holder is alive: an instance that dies holding a conversation's lock blocks it
# for this long, not for the whole lock lifetime (Rasa's default is a minute).
LEASE_SECONDS = 10.0
RENEW_EVERY = LEASE_SECONDS / 5

# Errors meaning "Redis cannot be reached", after which we fall back to the local lock.
REDIS_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


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
        settings = settings_from(
            endpoint_config,
            dict(
                url=url,
                host=host,
                port=port,
                db=db,
                username=username,
                password=password,
                use_ssl=use_ssl,
                key_prefix=key_prefix,
                socket_timeout=socket_timeout,
                socket_connect_timeout=socket_connect_timeout,
            ),
        )
        self.key_prefix = str(settings["key_prefix"] or DEFAULT_KEY_PREFIX)
        self._redis = RedisConnection(settings)
        self._owner = f"{socket.gethostname()}:{os.getpid()}"
        self._local: Dict[Text, LocalLock] = {}
        self._tokens: Dict[Tuple[Text, int], str] = {}  # tickets issued through the synchronous API
        self._unreachable = False
        super().__init__()

    def _keys(self, conversation_id: Text) -> Keys:
        return Keys(self.key_prefix, conversation_id)

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
        local = self._local.setdefault(conversation_id, LocalLock())
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
        _, scripts = self._redis.client()
        token = self._new_token()
        number = await scripts["issue"](**self._keys(conversation_id).issue(token, lock_lifetime))
        return int(number), token

    async def _wait_for_turn(
        self, conversation_id: Text, ticket: Tuple[int, str], lock_lifetime: float, wait_time_in_seconds: float
    ) -> None:
        _, scripts = self._redis.client()
        ceiling = max(0.001, min(POLL_MAX_SECONDS, wait_time_in_seconds))
        pause = min(POLL_MIN_SECONDS, ceiling)
        number, token = ticket
        while True:
            state = await scripts["acquire"](**self._keys(conversation_id).acquire(number, token, lock_lifetime))
            if state == 1:
                logger.debug(f"Acquired lock for conversation '{conversation_id}'.")
                return
            if state == -1:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}': its ticket lapsed.")
            await asyncio.sleep(pause)
            pause = min(ceiling, pause * 1.5)

    async def _renew(self, conversation_id: Text, ticket: Tuple[int, str], lease: float, lifetime: float) -> None:
        """Extend the held ticket's lease while its turn runs, up to the lock lifetime."""
        _, scripts = self._redis.client()
        renewal = self._keys(conversation_id).renew(ticket[0], ticket[1], lease)
        pause = min(RENEW_EVERY, lease / 5)
        deadline = asyncio.get_running_loop().time() + lifetime - lease
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(pause)
            try:
                await scripts["renew"](**renewal)
            except REDIS_UNREACHABLE:
                pass  # the lease runs out; the next message falls back or waits for it

    async def _finish(self, conversation_id: Text, ticket: Tuple[int, str]) -> None:
        _, scripts = self._redis.client()
        await scripts["release"](**self._keys(conversation_id).release(*ticket))

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Wait for `ticket` (issued by `issue_ticket`) to be served; Rasa's base API."""
        token = self._tokens.get((conversation_id, ticket))
        if token is None:
            raise LockError(f"Ticket {ticket} of conversation_id '{conversation_id}' was not issued here.")
        await self._wait_for_turn(conversation_id, (ticket, token), LOCK_LIFETIME, wait_time_in_seconds)
        return self.get_lock(conversation_id) or TicketLock(conversation_id)

    # -- the rest of Rasa's LockStore API (synchronous; Rasa itself only calls `lock`) -------

    def _live_tickets(self, conversation_id: Text) -> List[Tuple[int, float]]:
        _, scripts = self._redis.sync_client()
        flat = scripts["live"](**self._keys(conversation_id).live())
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
        client, _ = self._redis.sync_client()
        keys = self._keys(conversation_id)
        seq, queue = keys.seq_and_queue
        members = [m.decode() if isinstance(m, bytes) else str(m) for m in client.zrange(queue, 0, -1)]
        deleted = client.delete(seq, queue, *[keys.tickets + m for m in members])
        self._tokens = {k: v for k, v in self._tokens.items() if k[0] != conversation_id}
        self._log_deletion(conversation_id, bool(deleted))

    def is_someone_waiting(self, conversation_id: Text) -> bool:
        return bool(self._live_tickets(conversation_id))

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket atomically and return its number."""
        _, scripts = self._redis.sync_client()
        token = self._new_token()
        try:
            number = int(scripts["issue"](**self._keys(conversation_id).issue(token, lock_lifetime)))
        except redis.exceptions.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        self._tokens[(conversation_id, number)] = token
        return number

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish `ticket_number` (any holder's if this store did not issue it)."""
        _, scripts = self._redis.sync_client()
        token = self._tokens.pop((conversation_id, ticket_number), "")
        scripts["release"](**self._keys(conversation_id).release(ticket_number, token))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish `ticket_number`; the conversation's keys go once nobody is left."""
        self.finish_serving(conversation_id, ticket_number)
