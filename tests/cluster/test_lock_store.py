"""The conversation lock shared by several Rasa instances, on a real redis-server.

First Rasa 3.6's own ``RedisLockStore`` is shown to let two instances into one
conversation at once (its ticket issue is GET, change, SET); then the same
contention runs against ``server.stores.lock_store.RedisTicketLockStore``: no overlap, no
lost update, tickets served in the order they were issued; plus lapsed tickets,
Redis outages and key clean-up.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List
from urllib.parse import urlparse

import pytest
import redis
import redis.asyncio

from server.stores.lock_store import RedisTicketLockStore
from tests.cluster.conftest import ensure_packages

# -- redis-server ---------------------------------------------------------------------------


def _start_redis(workdir: Path):
    from launch.cluster.services import Redis
    from launch.launcher import free_port

    ensure_packages()
    return Redis(free_port(), workdir).start(timeout=20)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    server = _start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


def _keys(url: str, prefix: str) -> List[str]:
    client = redis.Redis.from_url(url)
    try:
        return sorted(key.decode() for key in client.keys(f"{prefix}*"))
    finally:
        client.close()


# -- the contention: several OS processes, bursts released by a barrier ------------------------


def _make_store(kind: str, url: str, prefix: str):
    if kind == "rasa":
        from rasa.core.lock_store import RedisLockStore

        parts = urlparse(url)
        return RedisLockStore(
            host=parts.hostname, port=parts.port, db=int(parts.path.strip("/") or 0), key_prefix=prefix
        )
    return RedisTicketLockStore(url=url, key_prefix=prefix)


async def _hammer_async(
    kind: str,
    url: str,
    prefix: str,
    conversation: str,
    rounds: int,
    tasks: int,
    lifetime: float,
    budget: float,
    barrier,
    stop,
    results,
) -> None:
    from rasa.core.lock_store import LockError

    store = _make_store(kind, url, prefix)
    client = redis.asyncio.Redis.from_url(url)
    stats = {
        "overlaps": 0,
        "lock_errors": 0,
        "stuck": 0,
        "done": 0,
        "rounds": 0,
        "longest_wait": 0.0,
        "pid": os.getpid(),
    }

    async def turn(asked: float) -> None:
        async with store.lock(conversation, lock_lifetime=lifetime, wait_time_in_seconds=0.01) as held:
            stats["longest_wait"] = max(stats["longest_wait"], time.monotonic() - asked)
            # A turn: read-modify-write of shared state, as processing a message does.
            if await client.incr(f"{prefix}:inside") > 1:
                stats["overlaps"] += 1
            try:
                value = int(await client.get(f"{prefix}:counter") or 0)
                await asyncio.sleep(0.002)
                await client.set(f"{prefix}:counter", value + 1)
                if kind == "ticket":
                    await client.rpush(f"{prefix}:served", held.now_serving)
            finally:
                await client.decr(f"{prefix}:inside")

    async def message() -> None:
        try:
            await asyncio.wait_for(turn(time.monotonic()), timeout=lifetime + 3)
            stats["done"] += 1
        except LockError:
            stats["lock_errors"] += 1  # Rasa would drop this customer's message
        except asyncio.TimeoutError:
            stats["stuck"] += 1  # still waiting for a turn that will not come

    deadline = time.monotonic() + budget
    for _ in range(rounds):
        barrier.wait(timeout=60)  # the burst: every process's messages at once
        await asyncio.gather(*(message() for _ in range(tasks)))
        stats["rounds"] += 1
        # All processes stop after the same round once one of them is over its time budget.
        if barrier.wait(timeout=60) == 0 and time.monotonic() > deadline:
            stop.value = 1
        barrier.wait(timeout=60)
        if stop.value:
            break
    await client.close()
    results.put(stats)


def _hammer(*args) -> None:
    asyncio.run(_hammer_async(*args))


def _contend(
    kind: str,
    url: str,
    prefix: str,
    processes: int = 3,
    tasks: int = 2,
    rounds: int = 40,
    lifetime: float = 2.0,
    budget: float = 8.0,
) -> Dict:
    """`processes` OS processes each send `tasks` messages of one conversation at once, `rounds` times."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    stop = ctx.Value("i", 0)
    results = ctx.Queue()
    conversation = f"conv-{uuid.uuid4().hex[:8]}"
    workers = [
        ctx.Process(
            target=_hammer,
            daemon=True,
            args=(kind, url, prefix, conversation, rounds, tasks, lifetime, budget, barrier, stop, results),
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        stats = [results.get(timeout=budget + 60) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    client = redis.Redis.from_url(url)
    try:
        counter = int(client.get(f"{prefix}:counter") or 0)
        served = [int(n) for n in client.lrange(f"{prefix}:served", 0, -1)]
        client.delete(f"{prefix}:counter", f"{prefix}:served", f"{prefix}:inside")
    finally:
        client.close()
    done = sum(s["done"] for s in stats)
    rounds_run = {s["rounds"] for s in stats}
    assert len(rounds_run) == 1
    return {
        "rounds": rounds_run.pop(),
        "messages": sum(s["done"] + s["lock_errors"] + s["stuck"] for s in stats),
        "done": done,
        "overlaps": sum(s["overlaps"] for s in stats),
        "lock_errors": sum(s["lock_errors"] for s in stats),
        "stuck": sum(s["stuck"] for s in stats),
        "lost_updates": done - counter,
        "longest_wait": max(s["longest_wait"] for s in stats),
        "served": served,
        "processes": len({s["pid"] for s in stats}),
    }


def _report(name: str, result: Dict) -> str:
    return (
        f"{name}: {result['messages']} messages ({result['rounds']} bursts of 3 processes x 2), "
        f"{result['overlaps']} overlapping turns, {result['lost_updates']} lost updates, "
        f"{result['lock_errors']} refused (LockError), {result['stuck']} stuck waiting for good, "
        f"longest wait for a turn {result['longest_wait']:.2f} s"
    )


# -- (a) Rasa's RedisLockStore races -----------------------------------------------------------


def test_rasas_redis_lock_store_issues_duplicate_tickets_when_interleaved(redis_server):
    """The mechanism, deterministically: two instances GET the lock before either SETs it."""
    from rasa.core.lock_store import RedisLockStore

    port = redis_server.port
    first = RedisLockStore(host="127.0.0.1", port=port, db=0, key_prefix="interleaved")
    second = RedisLockStore(host="127.0.0.1", port=port, db=0, key_prefix="interleaved")
    conversation = "maya"

    lock_a = first.get_or_create_lock(conversation)  # instance A: GET
    lock_b = second.get_or_create_lock(conversation)  # instance B: GET, the same state
    ticket_a = lock_a.issue_ticket(60)
    ticket_b = lock_b.issue_ticket(60)
    first.save_lock(lock_a)  # A: SET
    second.save_lock(lock_b)  # B: SET, overwriting A's ticket

    assert ticket_a == ticket_b == 0
    stored = first.get_lock(conversation)
    assert not stored.is_locked(ticket_a) and not stored.is_locked(ticket_b)  # both are "served"
    first.delete_lock(conversation)

    # Ours: the same two instances get different tickets, and only the first is served.
    ours_a = RedisTicketLockStore(url=redis_server.url, key_prefix="interleaved2")
    ours_b = RedisTicketLockStore(url=redis_server.url, key_prefix="interleaved2")
    ticket_a, ticket_b = ours_a.issue_ticket(conversation, 60), ours_b.issue_ticket(conversation, 60)
    assert ticket_a != ticket_b
    assert ours_b.get_lock(conversation).now_serving == min(ticket_a, ticket_b)
    assert not ours_a.get_lock(conversation).is_locked(min(ticket_a, ticket_b))
    assert ours_a.get_lock(conversation).is_locked(max(ticket_a, ticket_b))
    ours_a.cleanup(conversation, ticket_a)
    ours_b.cleanup(conversation, ticket_b)
    assert _keys(redis_server.url, "interleaved") == []


def test_rasas_redis_lock_store_lets_two_processes_into_one_conversation(redis_server):
    """Bursts of messages of one conversation in 3 processes: Rasa's store lets turns overlap."""
    result = _contend("rasa", redis_server.url, "rasademo")
    print("\n" + _report("Rasa RedisLockStore", result))
    assert result["processes"] == 3
    assert result["overlaps"] + result["lost_updates"] + result["lock_errors"] + result["stuck"] > 0


# -- (b) ours: mutual exclusion and FIFO across processes --------------------------------------


def test_ticket_store_serves_one_process_at_a_time_in_ticket_order(redis_server):
    result = _contend("ticket", redis_server.url, "ticketdemo", budget=30)
    print("\n" + _report("RedisTicketLockStore", result))
    assert result["processes"] == 3
    assert result["overlaps"] == 0
    assert result["lost_updates"] == 0
    assert result["lock_errors"] == 0
    assert result["stuck"] == 0
    assert result["done"] == result["messages"] == result["rounds"] * 3 * 2
    assert result["longest_wait"] < 1.5
    served = result["served"]
    assert len(served) == result["messages"]
    # Served in INCR order: each turn's ticket follows the previous one, or the counter
    # started again at 1 because the queue had emptied.
    for previous, current in itertools.pairwise(served):
        assert current == previous + 1 or current == 1, (previous, current)
    assert served[0] == 1
    assert _keys(redis_server.url, "ticketdemo:") == []


# -- (c) a crashed holder's ticket lapses --------------------------------------------------------


def test_a_crashed_holder_blocks_the_conversation_only_for_its_lifetime(redis_server):
    from rasa.core.lock_store import LockError

    async def scenario() -> None:
        crashed_instance = RedisTicketLockStore(url=redis_server.url, key_prefix="crash")
        other_instance = RedisTicketLockStore(url=redis_server.url, key_prefix="crash")
        abandoned = []

        # Another instance takes the lock with a 1 s lifetime and never gives it back.
        held = crashed_instance.lock("maya", lock_lifetime=1.0)
        await held.__aenter__()
        abandoned.append(held)
        started = time.monotonic()
        async with other_instance.lock("maya", lock_lifetime=5):
            waited = time.monotonic() - started
        assert 0.8 < waited < 1.6, waited

        # The same instance: the process-local lock lapses as well.
        held = crashed_instance.lock("maya", lock_lifetime=1.0)
        await held.__aenter__()
        abandoned.append(held)
        started = time.monotonic()
        async with crashed_instance.lock("maya", lock_lifetime=5):
            waited = time.monotonic() - started
        assert 0.8 < waited < 1.6, waited

        # A ticket that lapsed before its turn came is refused, as with Rasa's store.
        blocker = await other_instance._issue("lee", 5)
        late = await other_instance._issue("lee", 0.2)
        await asyncio.sleep(0.4)
        with pytest.raises(LockError):
            await other_instance._wait_for_turn("lee", late, 0.2, 1)
        await other_instance._finish("lee", blocker)
        await other_instance._finish("lee", late)

    asyncio.run(scenario())
    assert _keys(redis_server.url, "crash:") == []


# -- (d) Redis outage: local fallback, then Redis again --------------------------------------------


def test_redis_outage_falls_back_to_a_local_lock_and_recovers(tmp_path, caplog):
    server = _start_redis(tmp_path / "redis")
    caplog.set_level(logging.INFO, logger="server.stores.lock_store")
    try:
        store = RedisTicketLockStore(url=server.url, key_prefix="outage", socket_connect_timeout=1)
        queue_key = "outage:{maya}:queue"

        def key_exists() -> bool:
            client = redis.Redis.from_url(server.url)
            try:
                return bool(client.exists(queue_key))
            finally:
                client.close()

        async def turn(log: List[str], name: str, pause: float = 0.05) -> None:
            async with store.lock("maya"):
                log.append(f"in {name}")
                await asyncio.sleep(pause)
                log.append(f"out {name}")

        async def scenario() -> None:
            async with store.lock("maya"):
                assert key_exists()

            # Redis dies while one message holds the lock and another waits in Redis's queue.
            log: List[str] = []
            holder = asyncio.create_task(turn(log, "holder", pause=0.4))
            await asyncio.sleep(0.1)
            waiter = asyncio.create_task(turn(log, "waiter"))
            await asyncio.sleep(0.1)
            assert log == ["in holder"]
            server.kill()
            await asyncio.gather(holder, waiter)
            assert log == ["in holder", "out holder", "in waiter", "out waiter"]

            # With Redis down, messages are still taken, one at a time, in order.
            log = []
            await asyncio.gather(*(turn(log, str(i)) for i in range(3)))
            assert log == ["in 0", "out 0", "in 1", "out 1", "in 2", "out 2"]

            server.restart()
            caplog.clear()
            async with store.lock("maya"):
                assert key_exists()  # the next message uses Redis again, no restart of ours
            assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert any("reachable again" in r.getMessage() for r in caplog.records)

        caplog.clear()
        asyncio.run(scenario())
        assert not key_exists()
    finally:
        server.stop()


def test_a_store_whose_redis_is_down_from_the_start_still_serves_messages(tmp_path, caplog):
    server = _start_redis(tmp_path / "redis")
    server.kill()
    caplog.set_level(logging.WARNING, logger="server.stores.lock_store")
    store = RedisTicketLockStore(url=server.url, key_prefix="quiet")

    async def scenario() -> str:
        async with store.lock("maya"):
            return "served"

    assert asyncio.run(scenario()) == "served"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all("'maya'" in w and "process-local" in w for w in warnings)


# -- (e) nothing left behind, every key expires ----------------------------------------------------


def test_keys_expire_and_are_removed_after_use(redis_server):
    url = redis_server.url

    async def scenario() -> None:
        first = RedisTicketLockStore(url=url, key_prefix="tidy")
        second = RedisTicketLockStore(url=url, key_prefix="tidy")

        async def turn(store: RedisTicketLockStore, conversation: str) -> None:
            async with store.lock(conversation):
                client = redis.asyncio.Redis.from_url(url)
                keys = await client.keys("tidy:*")
                assert keys
                for key in keys:
                    assert await client.pttl(key) > 0, key  # every key has an expiry
                await client.close()
                await asyncio.sleep(0.01)

        await asyncio.gather(
            *(turn(store, conversation) for store in (first, second) for conversation in ("maya", "lee", "maya", "sam"))
        )
        assert first._local == {} and second._local == {}

    asyncio.run(scenario())
    assert _keys(url, "tidy:") == []


def test_loaded_by_rasa_from_the_endpoints_configuration(redis_server):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import _lock_store_is_multi_worker_compatible
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        url=redis_server.url,
        type="server.stores.lock_store.RedisTicketLockStore",
        key_prefix="loaded",
        socket_timeout=3,
    )
    store = LockStore.create(config)
    assert isinstance(store, RedisTicketLockStore)
    assert store.key_prefix == "loaded"
    assert _lock_store_is_multi_worker_compatible(config)

    host_style = RedisTicketLockStore(
        endpoint_config=EndpointConfig(url="127.0.0.1", port=redis_server.port, db=0, key_prefix="loaded")
    )

    async def scenario() -> None:
        async with store.lock("maya") as held:
            assert held.now_serving == 1
            assert host_style.is_someone_waiting("maya")
            assert host_style.get_lock("maya").now_serving == 1

    asyncio.run(scenario())
    assert not host_style.is_someone_waiting("maya")
    assert _keys(redis_server.url, "loaded:") == []


def test_a_held_lease_is_renewed_while_its_turn_runs_and_lapses_when_the_holder_is_gone(redis_server, monkeypatch):
    import server.stores.lock_store as lock_store

    monkeypatch.setattr(lock_store, "LEASE_SECONDS", 1.0)
    first = RedisTicketLockStore(url=redis_server.url, key_prefix="lease")
    second = RedisTicketLockStore(url=redis_server.url, key_prefix="lease")

    async def main() -> List[str]:
        order: List[str] = []

        async def long_turn() -> None:
            async with first.lock("c", lock_lifetime=30):
                order.append("first in")
                await asyncio.sleep(3)  # three leases: renewed, so nobody else gets in
                order.append("first out")

        async def next_message() -> None:
            await asyncio.sleep(0.3)
            async with second.lock("c", lock_lifetime=30):
                order.append("second in")

        await asyncio.gather(long_turn(), next_message())

        # A holder that dies (its renewals stop with it) blocks for one lease only.
        holder = first.lock("c2", lock_lifetime=30)
        await holder.__aenter__()
        for task in asyncio.all_tasks():
            if task.get_coro().__name__ == "_renew":
                task.cancel()
        started = time.monotonic()
        async with second.lock("c2", lock_lifetime=30):
            order.append(f"after {time.monotonic() - started:.1f}")
        return order

    order = asyncio.run(main())
    assert order[:3] == ["first in", "first out", "second in"], order
    waited = float(order[3].split()[1])
    assert 0.5 <= waited <= 2.5, order
