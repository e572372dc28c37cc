"""The benchmark's load generator against the real servers: 2 conversations of 3 turns.

Speed is measured by `make bench`, never asserted here: only that every message was
answered and the figures are sane.
"""

from __future__ import annotations

import asyncio

from bench.conversations import GRACIOUS, trimmed
from bench.load import actions_per_turn, calibrate, rest_round, socket_messages, socketio_round, tracker_events
from bench.stats import summarize
from tests.e2e.conftest import TOKEN, Bot

# Not the coupon script: honouring SPRING15 is once per coupon, in the company records
# every end-to-end test shares, and the playbook test needs it unspent.
SCRIPTS = trimmed([script for script in GRACIOUS if "SPRING15" not in " ".join(script)], 3)


def test_rest_load_answers_every_message(bot: Bot) -> None:
    result = asyncio.run(rest_round(bot.base, SCRIPTS, concurrency=2, conversations=2, prefix="bench-e2e"))
    assert len(result.turns) == 6 and result.errors == 0
    assert all(turn.replies >= 1 for turn in result.turns)
    summary = summarize(result.latencies, result.duration_s)
    assert summary["messages"] == 6 and summary["throughput"] > 0
    assert 0 < summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"] <= result.duration_s * 1000


def test_socketio_load_gets_a_session_and_every_reply(bot: Bot) -> None:
    senders, replies = asyncio.run(calibrate(bot.base, SCRIPTS[:1]))
    expected = [[socket_messages(turn) for turn in replies[0]]]
    assert all(count >= 1 for count in expected[0])
    steps = actions_per_turn(asyncio.run(tracker_events(bot.base, TOKEN, senders[0])))
    assert len(steps) == 3 and all(count >= 1 for count in steps)
    result = asyncio.run(socketio_round(bot.base, SCRIPTS[:1], expected, concurrency=2, conversations=2))
    assert len(result.turns) == 6 and result.errors == 0
    assert all(turn.replies == expected[0][turn.turn] for turn in result.turns)
