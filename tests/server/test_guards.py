"""The server's guards, piece by piece: limits, framing, origins, the per-sender limiter
(in memory and in a real redis-server), the refusals' wording. The whole server is
in tests/e2e/test_abuse.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from typing import Iterator

import pytest
from sanic.compat import Header

from gracious.settings import Settings, from_env
from launch.cluster.services import Redis
from launch.launcher import free_port
from server.channels import refusals, socketio, wording
from server.channels.limits import body_limit, framing_problem
from server.channels.origins import cross_site_refused, origin_allowed
from server.channels.rate_limits import Decision, MemoryLimiter, RedisLimiter, limiter_for


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the in-memory limiter ---------------------------------------------------------


def test_a_sender_gets_its_burst_then_waits_for_the_refill():
    clock = Clock()
    limiter = MemoryLimiter(burst=3, per_minute=6, clock=clock)  # one message every 10 s after the burst
    assert [limiter.hit_now("maya").allowed for _ in range(3)] == [True, True, True]
    refused = limiter.hit_now("maya")
    assert refused == Decision(False, pytest.approx(10.0))
    clock.now += 4
    assert limiter.hit_now("maya").retry_after == pytest.approx(6.0)  # refused tries don't cost
    clock.now += 6
    assert limiter.hit_now("maya").allowed
    assert not limiter.hit_now("maya").allowed
    clock.now += 3600
    assert [limiter.hit_now("maya").allowed for _ in range(4)] == [True, True, True, False]  # never above the burst


def test_senders_are_counted_apart():
    limiter = MemoryLimiter(burst=1, per_minute=1, clock=Clock())
    assert limiter.hit_now("a").allowed and not limiter.hit_now("a").allowed
    assert limiter.hit_now("b").allowed


def test_memory_stays_bounded_by_forgetting_the_longest_quiet_senders():
    clock = Clock()
    limiter = MemoryLimiter(burst=1, per_minute=1, clock=clock, max_senders=100)
    for n in range(1000):
        clock.now += 0.01
        limiter.hit_now(f"s{n}")
    assert len(limiter._buckets) == 100
    assert not limiter.hit_now("s999").allowed  # the recent ones are remembered


def test_the_limiter_comes_from_the_settings():
    assert isinstance(limiter_for(from_env({})), MemoryLimiter)
    limiter = limiter_for(from_env({"GRACIOUS_SENDER_BURST": "7", "GRACIOUS_SENDER_PER_MINUTE": "30"}))
    assert (limiter.burst, limiter.rate) == (7, 0.5)
    redis = limiter_for(from_env({"GRACIOUS_REDIS_URL": "redis://127.0.0.1:1/0"}))
    assert isinstance(redis, RedisLimiter) and isinstance(redis.fallback, MemoryLimiter)
    for bad in (
        {"GRACIOUS_SENDER_BURST": "lots"},
        {"GRACIOUS_SENDER_BURST": "0"},
        {"GRACIOUS_SENDER_PER_MINUTE": "-1"},
    ):
        with pytest.raises(ValueError, match="GRACIOUS_SENDER_"):
            limiter_for(from_env(bad))
    with pytest.raises(ValueError, match="redis://"):
        limiter_for(from_env({"GRACIOUS_REDIS_URL": "http://127.0.0.1:6379"}))


def test_a_refused_rest_message_gets_429_retry_after_and_a_polite_explanation():
    reply = refusals.too_many_messages(9.2)
    assert reply.status == 429 and reply.headers["Retry-After"] == "10"
    body = json.loads(reply.body)
    assert body["error"] == "too_many_messages"
    assert "Please wait 10 seconds and send it again." in body["message"]
    assert "wait 1 second and" in json.loads(refusals.too_many_messages(0.2).body)["message"]


# -- the Redis limiter, against a real redis-server ------------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    redis = Redis(free_port(), tmp_path_factory.mktemp("redis")).start(timeout=20)
    try:
        yield redis.url
    finally:
        redis.stop()


def test_two_instances_share_one_limit_through_redis(redis_url):
    async def scenario() -> list:
        first = RedisLimiter(redis_url, burst=4, per_minute=6)
        second = RedisLimiter(redis_url, burst=4, per_minute=6)  # another Rasa instance
        try:
            decisions = []
            for n in range(8):
                decisions.append(await (first if n % 2 else second).hit("shared-sender"))
            other = await second.hit("another-sender")
            return decisions + [other]
        finally:
            await first.close()
            await second.close()

    decisions = asyncio.run(scenario())
    assert [d.allowed for d in decisions[:8]] == [True] * 4 + [False] * 4
    assert all(0 < d.retry_after <= 10 for d in decisions[4:8])
    assert decisions[8].allowed
    assert not any(d.retry_after for d in decisions[:4])


def test_redis_refills_and_keeps_no_sender_id_and_no_key_forever(redis_url):
    sender = "maya@example.com"

    async def scenario() -> tuple:
        from redis import asyncio as aioredis

        limiter = RedisLimiter(redis_url, burst=2, per_minute=600)  # ten a second
        client = aioredis.Redis.from_url(redis_url)
        try:
            first = [(await limiter.hit(sender)).allowed for _ in range(3)]
            await asyncio.sleep(0.25)
            later = (await limiter.hit(sender)).allowed
            keys = await client.keys("*")
            ttl = await client.pttl(limiter._key(sender))
            return first, later, keys, ttl
        finally:
            await limiter.close()
            await client.close()

    first, later, keys, ttl = asyncio.run(scenario())
    assert first == [True, True, False] and later is True
    assert keys and all(k.startswith(b"gracious:rate:") and b"maya" not in k for k in keys)
    assert 0 < ttl <= 200 + 1000  # a full refill's time, plus a second


def test_without_redis_the_limit_holds_in_this_process_and_the_log_has_no_sender(caplog, monkeypatch):
    monkeypatch.setattr(RedisLimiter, "RETRY_SECONDS", 0.0)
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    async def scenario() -> list:
        limiter = RedisLimiter(down, burst=2, per_minute=1, timeout=0.2)
        try:
            return [await limiter.hit("secret-sender-name") for _ in range(4)]
        finally:
            await limiter.close()

    with caplog.at_level(logging.WARNING, logger="server.channels.rate_limits"):
        decisions = asyncio.run(scenario())
    assert [d.allowed for d in decisions] == [True, True, False, False]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0]  # once, not per message
    assert "secret-sender-name" not in caplog.text


def test_once_redis_is_back_it_counts_again(redis_url, monkeypatch):
    monkeypatch.setattr(RedisLimiter, "RETRY_SECONDS", 0.0)

    async def scenario() -> list:
        limiter = RedisLimiter(redis_url, burst=1, per_minute=1)
        limiter.fallback = MemoryLimiter(burst=100, per_minute=100)
        try:
            good = await limiter.hit("back-sender")
            limiter._client, saved = None, limiter._client
            limiter.url = f"redis://127.0.0.1:{free_port()}/0"
            during = await limiter.hit("back-sender")  # the generous fallback answers
            await saved.close()
            limiter.url = redis_url
            limiter._client = None
            after = await limiter.hit("back-sender")  # Redis again, which remembers the burst is spent
            return [good, during, after, limiter.down]
        finally:
            await limiter.close()

    good, during, after, down = asyncio.run(scenario())
    assert good.allowed and during.allowed and not after.allowed and down is False


# -- body size, framing, origins --------------------------------------------------------


def test_the_guards_settings_come_from_the_environment():
    settings = from_env(
        {
            "GRACIOUS_MAX_BODY_BYTES": "1000",
            "GRACIOUS_MAX_API_BODY_BYTES": "5000",
            "GRACIOUS_ALLOWED_ORIGINS": "https://Partner.example/, https://b.example",
            "RASA_AUTH_TOKEN": "t",
        }
    )
    assert (settings.max_body_bytes, settings.max_api_body_bytes) == (1000, 5000)
    assert (settings.allowed_origins, settings.api_token) == (("https://partner.example", "https://b.example"), "t")
    defaults = from_env({})
    assert (defaults.max_body_bytes, defaults.max_api_body_bytes) == (64 * 1024, 512 * 1024 * 1024)
    assert (defaults.allowed_origins, defaults.api_token) == ((), None)
    assert (defaults.sender_burst, defaults.sender_per_minute, defaults.redis_url) == (60, 60.0, None)
    for name, bad in (
        ("GRACIOUS_MAX_BODY_BYTES", "64k"),
        ("GRACIOUS_MAX_API_BODY_BYTES", "0"),
        ("GRACIOUS_MAX_BODY_BYTES", "-5"),
    ):
        with pytest.raises(ValueError, match=name):
            from_env({name: bad})


def test_only_the_http_api_with_its_token_gets_the_large_limit():
    settings = Settings(max_body_bytes=100, max_api_body_bytes=10_000)
    assert body_limit("model", True, settings) == 10_000
    assert body_limit("model/train", True, settings) == 10_000
    assert body_limit("model", False, settings) == 100
    for path in (
        "webhooks/rest/webhook",
        "socket.io",
        "desk/api/handoffs/<handoff_id:int>/reply",
        "demo",
        "desk/login",
    ):
        assert body_limit(path, True, settings) == 100, path


def test_lengths_that_cannot_be_trusted_are_named():
    def problem(*pairs):
        return framing_problem(Header(list(pairs)))

    assert problem() is None
    assert problem(("content-length", "12")) is None
    assert problem(("transfer-encoding", "chunked")) is None
    assert "whole number" in problem(("content-length", "abc"))
    assert "whole number" in problem(("content-length", "-1"))
    assert "whole number" in problem(("content-length", "１２"))  # full-width digits
    assert "one Content-Length" in problem(("content-length", "1"), ("content-length", "2"))
    assert "chunked" in problem(("transfer-encoding", "gzip"))
    assert "not both" in problem(("transfer-encoding", "chunked"), ("content-length", "3"))


def test_origins():
    host = "chat.larkspur.example"
    assert origin_allowed(None, host)
    assert origin_allowed("https://chat.larkspur.example", host)
    assert origin_allowed("http://127.0.0.1:5005", "127.0.0.1:5005")
    assert not origin_allowed("http://127.0.0.1:5006", "127.0.0.1:5005")
    assert not origin_allowed("https://evil.example", host)
    assert not origin_allowed("null", host)
    assert origin_allowed("https://partner.example", host, ("https://partner.example",))
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        assert cross_site_refused(method, "/webhooks/rest/webhook", "https://evil.example", host)
        assert not cross_site_refused(method, "/webhooks/rest/webhook", None, host)
        assert not cross_site_refused(method, "/webhooks/rest/webhook", "https://chat.larkspur.example", host)
    assert not cross_site_refused("GET", "/status", "https://evil.example", host)
    assert cross_site_refused("GET", "/socket.io/", "https://evil.example", host)  # the WebSocket upgrade


def test_refusals_are_json_in_plain_words():
    for reply, status in (
        (refusals.too_large(64 * 1024), 413),
        (refusals.cross_site(), 403),
        (refusals.headers_too_large(), 413),
        (refusals.too_many_messages(3), 429),
    ):
        body = json.loads(reply.body)
        assert reply.status == status and set(body) == {"error", "message"}
        assert reply.headers["Cache-Control"] == "no-store"
        assert body["message"][0].isupper() and body["message"].endswith(".") and "{" not in body["message"]
    assert "64 KB" in json.loads(refusals.too_large(64 * 1024).body)["message"]
    assert "512 MB" in json.loads(refusals.too_large(512 * 1024 * 1024).body)["message"]


def test_what_a_customer_reads_is_worded_in_the_domain(domain):
    keys = (*refusals.KEYS, socketio.TOO_MANY_MESSAGES, "utter_connection_lost")
    for key in keys:
        assert key in domain["responses"], key
        assert wording.text(key, max_size="1 KB", wait="2 seconds") in [
            v["text"].replace("{max_size}", "1 KB").replace("{wait}", "2 seconds") for v in domain["responses"][key]
        ]
    with pytest.raises(KeyError, match="utter_no_such_thing"):
        wording.text("utter_no_such_thing")


def test_a_refusal_is_worded_by_the_agents_domain_when_there_is_one():
    from types import SimpleNamespace

    from rasa.shared.core.domain import Domain

    agent = SimpleNamespace(
        domain=Domain.from_dict({"responses": {refusals.CROSS_SITE: [{"text": "Not from there, sorry."}]}})
    )
    assert json.loads(refusals.cross_site(agent).body)["message"] == "Not from there, sorry."
    unloaded = SimpleNamespace(domain=None)  # no model yet: domain.yml speaks
    assert json.loads(refusals.cross_site(unloaded).body)["message"].startswith("This request came from another")
