"""Parts of the cluster fail; customers hear something, nothing is lost, service resumes by itself.

These tests kill, slow and restart parts of a cluster, so they have a cluster of their
own (started once for this module): the cluster the other tests share never sees a
fault. Marked ``own_cluster``, they run before the shared cluster starts, so the two
never run at once.
"""

from __future__ import annotations

import re
import time
from typing import Iterator

import pytest
import yaml

from launch.launcher import ROOT
from tests.cluster.conftest import Deployment, WidgetCustomer, call, running_deployment

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TROUBLE = DOMAIN["responses"]["utter_service_trouble"][0]["text"]
STILL_WORKING = DOMAIN["responses"]["utter_still_working"][0]["text"]
pytestmark = pytest.mark.own_cluster
ACTION_TIMEOUT = 4.0

# The owner's email beside the bill number: the record opens in the same turn (the account check).
COMPLAINT = (
    "my phone bill BL-30017 is wrong, I didn't get my volume discount. the email on it is maya.okafor@example.com"
)
# Said while the actions are down or too slow: no contact details, so the plain apology is the answer
# (a message with an email or phone gets "I've passed your details on" instead).
UNANSWERED = "my phone bill BL-30017 is wrong, I didn't get my volume discount"


def texts(replies: list) -> list:
    return [r.get("text", "") for r in replies]


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """This module's own cluster, in place of the session's shared one. Its action calls
    give up after 4 s: a turn whose every action times out ends in the apology in about
    20 s, well inside the 30 s the customer is promised below, even on a busy machine."""
    with running_deployment(action_timeout=ACTION_TIMEOUT) as running:
        yield running


@pytest.fixture
def slow(deployment: Deployment) -> Iterator[Deployment]:
    yield deployment
    deployment.proxy.delay = 0.0


def test_a_slow_action_gets_a_holding_message_then_the_answer(slow: Deployment) -> None:
    slow.proxy.delay = 2.5  # each action call; patience is 1.5 s, the action timeout 4 s
    customer = WidgetCustomer(slow.base)
    try:
        customer.connect()
        answered_before = slow.proxy.answered
        customer.say(COMPLAINT)
        first = customer.messages.get(timeout=15)
        # The holding message comes while the turn's first action call is still held back,
        # whatever a busy machine adds before it (a clock here flaked on a fresh cluster's first turn).
        assert first == STILL_WORKING, first
        assert slow.proxy.answered == answered_before, "the holding message came only after an action had answered"
        later = customer.wait_for("domestic calls only", timeout=60)
        assert STILL_WORKING not in later  # said once, while waiting; then the answer
    finally:
        customer.close()


def test_an_action_slower_than_the_timeout_gets_an_apology_not_silence(slow: Deployment, sender: str) -> None:
    slow.proxy.delay = 15
    started = time.monotonic()
    replies = slow.say(sender, UNANSWERED)
    assert TROUBLE in texts(replies), replies
    assert time.monotonic() - started < 30
    customer = WidgetCustomer(slow.base)
    try:
        customer.connect()
        customer.say(UNANSWERED)
        assert customer.messages.get(timeout=10) == STILL_WORKING
        customer.wait_for(TROUBLE[:40], timeout=40)
    finally:
        customer.close()
    slow.proxy.delay = 0
    # Normal service as soon as the action server is quick again: answers, not the apology.
    replies = slow.say(sender, "why not? I made lots of calls")
    assert replies and TROUBLE not in texts(replies), replies


def test_the_action_server_killed_and_restarted(deployment: Deployment, sender: str) -> None:
    servers = deployment.cluster.servers
    deployment.say(sender, "hi")
    servers.stop_one("actions")
    try:
        replies = deployment.say(sender, UNANSWERED)
        assert TROUBLE in texts(replies), replies
    finally:
        servers.start_actions()
    time.sleep(2.5)  # the channels trust a failed health check no longer than this
    replies = deployment.say(sender, COMPLAINT)
    assert any("domestic calls only" in t for t in texts(replies)), replies
    assert COMPLAINT in deployment.user_texts(sender)


def test_postgresql_restarted(deployment: Deployment, sender: str) -> None:
    deployment.say(sender, "hi")
    deployment.cluster.postgres.restart()
    replies = deployment.say(sender, COMPLAINT)
    assert any("domestic calls only" in t for t in texts(replies)), replies
    assert deployment.user_texts(sender) == ["hi", COMPLAINT]


def test_redis_down_and_restarted(deployment: Deployment, sender: str) -> None:
    redis = deployment.cluster.redis
    customer = WidgetCustomer(deployment.base)
    try:
        customer.connect()
        deployment.say(sender, "hi")
        redis.stop()
        try:
            # Locks fall back to each instance; the widget still hears its answers.
            replies = deployment.say(sender, COMPLAINT)
            assert any("domestic calls only" in t for t in texts(replies)), replies
            customer.say(COMPLAINT)
            customer.wait_for("domestic calls only", timeout=30)
        finally:
            redis.start()
        time.sleep(1.5)  # the socket.io listeners resubscribe every half second
        replies = deployment.say(sender, "why not? I made lots of calls")
        assert replies and TROUBLE not in texts(replies), replies
        customer.say("why not? I made lots of calls")
        assert customer.messages.get(timeout=30)
        assert deployment.user_texts(sender) == ["hi", COMPLAINT, "why not? I made lots of calls"]
    finally:
        customer.close()


def _instance_of_last_socket(deployment: Deployment) -> int:
    log = (deployment.cluster.workdir / "nginx" / "logs" / "access.log").read_text()
    # The upstream list names every instance tried; the last one answered.
    upstreams = re.findall(r'"GET /socket\.io/" 200 \d+ ([0-9.:, ]+) [0-9.]+$', log, re.MULTILINE)
    assert upstreams, log[-2000:]
    port = int(upstreams[-1].split(",")[-1].strip().rsplit(":", 1)[1])
    return deployment.cluster.instance_ports.index(port)


def _turn_stored(deployment: Deployment, sender: str, users: int) -> None:
    """Wait until the conversation holds ``users`` messages and its last turn ended."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = deployment.tracker(sender)["events"]
        if sum(e["event"] == "user" for e in events) == users and events[-1].get("name") == "action_listen":
            return
        time.sleep(0.2)
    raise AssertionError(f"turn {users} never stored")


def _reconnect(customer: WidgetCustomer, session: str) -> None:
    deadline = time.monotonic() + 20
    while customer.client.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert customer.connect(transports=("polling", "websocket")) == session


def test_an_instance_killed_mid_conversation_and_mid_turn(deployment: Deployment) -> None:
    """The widget's instance dies, first between turns, then while it works on a message."""
    cluster = deployment.cluster
    customer = WidgetCustomer(deployment.base)
    victims = []
    try:
        session = customer.connect(transports=("polling", "websocket"))
        customer.say(COMPLAINT)
        customer.wait_for("domestic calls only")
        _turn_stored(deployment, session, 1)

        # Between turns: the widget reconnects through nginx to the other instance,
        # keeps its session, and the conversation carries on where it was.
        victims.append(_instance_of_last_socket(deployment))
        cluster.kill_instance(victims[-1])
        _reconnect(customer, session)
        assert _instance_of_last_socket(deployment) != victims[-1]
        customer.say("why not? I made lots of calls")
        assert customer.messages.get(timeout=30)
        _turn_stored(deployment, session, 2)
        cluster.start_instance(victims[-1])

        # Mid-turn: the instance dies while a slow action runs. The customer's message
        # was stored on arrival; the conversation's lock lapses within a lease (10 s).
        deployment.proxy.delay = 3
        customer.say("can I speak to someone about this")
        customer.wait_for(STILL_WORKING, timeout=15)
        victims.append(_instance_of_last_socket(deployment))
        cluster.kill_instance(victims[-1])
        deployment.proxy.delay = 0
        _reconnect(customer, session)
        customer.say("hello, are you still there?")
        assert customer.messages.get(timeout=40)
        _turn_stored(deployment, session, 4)
        assert deployment.user_texts(session) == [
            COMPLAINT,
            "why not? I made lots of calls",
            "can I speak to someone about this",
            "hello, are you still there?",
        ]
        assert "BL-30017" in deployment.tracker(session)["slots"].values()
    finally:
        deployment.proxy.delay = 0
        customer.close()
        for victim in victims:
            if cluster.servers is not None and f"rasa{victim + 1}" not in cluster.servers.processes:
                cluster.start_instance(victim)


def test_a_rest_message_retried_with_its_message_id_is_answered_once(deployment: Deployment, sender: str) -> None:
    body = {"sender": sender, "message": COMPLAINT, "message_id": f"{sender}-1"}
    first = call(f"{deployment.base}/webhooks/rest/webhook", body)
    again = call(f"{deployment.base}/webhooks/rest/webhook", body)
    assert first[0] == again[0] == 200
    assert texts(first[1]) == texts(again[1]) and any("domestic calls only" in t for t in texts(again[1]))
    assert deployment.user_texts(sender) == [COMPLAINT]
