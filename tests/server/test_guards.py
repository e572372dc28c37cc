"""The server's guards, piece by piece: limits, framing, origins, the per-sender limiter
(in memory and in a real redis-server), logging without customer text, and the
launcher's action-server settings. The whole server is in tests/e2e/test_abuse.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
from sanic.compat import Header

from server.channels import guards
from server.channels.guards import (
    Decision, MemoryLimiter, RedisLimiter, Settings, body_limit, cross_site_refused, framing_problem,
    limiter_from_env, log_failure, origin_allowed,
)
from launch.launcher import free_port, runtime_env, server_commands


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


def test_the_limiter_comes_from_the_environment():
    assert isinstance(limiter_from_env({}), MemoryLimiter)
    limiter = limiter_from_env({"GRACIOUS_SENDER_BURST": "7", "GRACIOUS_SENDER_PER_MINUTE": "30"})
    assert (limiter.burst, limiter.rate) == (7, 0.5)
    redis = limiter_from_env({"GRACIOUS_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert isinstance(redis, RedisLimiter) and isinstance(redis.fallback, MemoryLimiter)
    for bad in ({"GRACIOUS_SENDER_BURST": "lots"}, {"GRACIOUS_SENDER_BURST": "0"},
                {"GRACIOUS_SENDER_PER_MINUTE": "-1"}):
        with pytest.raises(ValueError, match="GRACIOUS_SENDER_"):
            limiter_from_env(bad)
    with pytest.raises(ValueError, match="redis://"):
        limiter_from_env({"GRACIOUS_REDIS_URL": "http://127.0.0.1:6379"})


def test_a_refused_rest_message_gets_429_retry_after_and_a_polite_explanation():
    reply = guards.too_many_messages(9.2)
    assert reply.status == 429 and reply.headers["Retry-After"] == "10"
    body = json.loads(reply.body)
    assert body["error"] == "too_many_messages"
    assert "Please wait 10 seconds and send it again." in body["message"]
    assert "wait 1 second and" in json.loads(guards.too_many_messages(0.2).body)["message"]


# -- the Redis limiter, against a real redis-server ------------------------------------


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


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

    with caplog.at_level(logging.WARNING, logger="server.channels.guards"):
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


def test_settings_come_from_the_environment():
    settings = Settings.from_env({
        "GRACIOUS_MAX_BODY_BYTES": "1000", "GRACIOUS_MAX_API_BODY_BYTES": "5000",
        "GRACIOUS_ALLOWED_ORIGINS": "https://Partner.example/, https://b.example", "RASA_AUTH_TOKEN": "t",
    })
    assert settings == Settings(1000, 5000, ("https://partner.example", "https://b.example"), "t")
    assert Settings.from_env({}) == Settings(64 * 1024, 512 * 1024 * 1024, (), None)
    with pytest.raises(ValueError, match="GRACIOUS_MAX_BODY_BYTES"):
        Settings.from_env({"GRACIOUS_MAX_BODY_BYTES": "64k"})


def test_only_the_http_api_with_its_token_gets_the_large_limit():
    settings = Settings(max_body_bytes=100, max_api_body_bytes=10_000)
    assert body_limit("model", True, settings) == 10_000
    assert body_limit("model/train", True, settings) == 10_000
    assert body_limit("model", False, settings) == 100
    for path in ("webhooks/rest/webhook", "socket.io", "desk/api/handoffs/<handoff_id:int>/reply", "demo",
                 "desk/login"):
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
    for reply, status in ((guards.too_large(64 * 1024), 413), (guards.cross_site(), 403)):
        body = json.loads(reply.body)
        assert reply.status == status and set(body) == {"error", "message"}
        assert body["message"].startswith(("That", "This")) and body["message"].endswith(".")
    assert "64 KB" in json.loads(guards.too_large(64 * 1024).body)["message"]
    assert "512 MB" in json.loads(guards.too_large(512 * 1024 * 1024).body)["message"]


# -- logging ------------------------------------------------------------------------------


def test_a_failure_is_logged_without_its_message(caplog):
    log = logging.getLogger("test.guards")
    said = "my card is " + "-".join(str(4111 + n) for n in range(4))  # not in this file's source lines
    try:
        try:
            raise ValueError("customer said: " + said)
        except ValueError as inner:
            raise RuntimeError(f"while handling {inner}") from inner
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="test.guards"):
            log_failure(log, "Handling a message failed (text not logged).")
    assert said not in caplog.text and "4112" not in caplog.text
    assert "Handling a message failed" in caplog.text
    assert "builtins.ValueError" in caplog.text and "builtins.RuntimeError" in caplog.text
    assert "test_a_failure_is_logged_without_its_message" in caplog.text  # where it happened


# -- the launcher and the action server -------------------------------------------------


def test_the_launcher_gives_both_servers_one_action_token(monkeypatch, tmp_path):
    monkeypatch.delenv("GRACIOUS_ACTION_TOKEN", raising=False)
    env = runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})
    assert len(env["GRACIOUS_ACTION_TOKEN"]) >= 40
    assert runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})["GRACIOUS_ACTION_TOKEN"] != env["GRACIOUS_ACTION_TOKEN"]
    monkeypatch.setenv("GRACIOUS_ACTION_TOKEN", "given")
    assert runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})["GRACIOUS_ACTION_TOKEN"] == "given"


def test_the_action_server_command_is_ours_not_rasa_run_actions(tmp_path):
    env = runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path), "ACTION_PORT": "5055"})
    actions = server_commands(Path("models/m.tar.gz"), env)["actions"]
    assert actions[1:3] == ["-m", "launch.action_server"]
    assert actions[actions.index("--port") + 1] == "5055"
    assert "run" not in actions


def test_the_action_server_does_not_start_without_a_token(monkeypatch):
    from launch.action_server import create_app, main

    with pytest.raises(ValueError):
        create_app("")
    monkeypatch.delenv("GRACIOUS_ACTION_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="GRACIOUS_ACTION_TOKEN"):
        main(["--port", "1"])


def test_endpoints_send_the_token_header():
    import yaml

    endpoints = yaml.safe_load((Path(__file__).resolve().parents[2] / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["headers"] == {"X-Gracious-Action-Token": "${GRACIOUS_ACTION_TOKEN}"}
