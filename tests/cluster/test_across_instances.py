"""One conversation over several instances: state, order, a burst, and an agent on another instance."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

from tests.cluster.conftest import Deployment, WidgetCustomer, call
from tests.e2e.conftest import DeskClient


def turns(events: List[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    """The tracker's events cut into turns, each starting at a user message."""
    cut: List[List[Dict[str, Any]]] = []
    for event in events:
        if event["event"] == "user":
            cut.append([event])
        elif cut:
            cut[-1].append(event)
    return cut


def test_a_conversation_alternating_between_instances_keeps_its_state(deployment: Deployment, sender: str) -> None:
    one, two = deployment.cluster.instance_url(0), deployment.cluster.instance_url(1)
    deployment.say(sender, "hi", base=one)
    replies = deployment.say(
        sender,
        "my phone bill BL-30017 is wrong, I didn't get my volume discount. the email on it is maya.okafor@example.com",
        base=two,
    )
    assert any("domestic calls only" in r.get("text", "") for r in replies), replies
    # The bill the customer named on instance two is known on instance one.
    replies = deployment.say(sender, "why not? I made lots of calls", base=one)
    assert replies and all(r.get("text") for r in replies)
    tracker = deployment.tracker(sender)
    assert "BL-30017" in tracker["slots"].values(), tracker["slots"]
    assert deployment.user_texts(sender) == [
        "hi",
        "my phone bill BL-30017 is wrong, I didn't get my volume discount. the email on it is maya.okafor@example.com",
        "why not? I made lots of calls",
    ]


def test_a_burst_on_one_conversation_over_two_instances_is_handled_one_turn_at_a_time(
    deployment: Deployment, sender: str
) -> None:
    """Twelve messages at once, alternately on each instance: each is one whole turn, none lost or doubled."""
    deployment.say(sender, "hi")
    texts = [f"my order LK-4471{i % 10} arrived damaged, message {i}" for i in range(12)]
    bases = [deployment.cluster.instance_url(i % 2) for i in range(len(texts))]
    with ThreadPoolExecutor(len(texts)) as pool:
        answers = list(
            pool.map(
                lambda pair: call(f"{pair[1]}/webhooks/rest/webhook", {"sender": sender, "message": pair[0]}),
                zip(texts, bases, strict=True),
            )
        )
    assert all(status == 200 and body for status, body, _ in answers), answers
    events = deployment.tracker(sender)["events"]
    user = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(user[1:]) == sorted(texts), "every message stored exactly once"
    for turn in turns(events):
        # A turn is the customer's message, the assistant's actions, and then it
        # listens: a second message never lands inside a turn (the lock held).
        names = [e.get("name") for e in turn if e["event"] == "action"]
        assert names and names[-1] == "action_listen", names
        assert names.count("action_listen") == 1, names


def test_an_agent_on_one_instance_talks_live_with_a_customer_on_another(deployment: Deployment) -> None:
    cluster = deployment.cluster
    agent = DeskClient(cluster.instance_url(1))
    agent.sign_in("sam")
    assert agent.call("/desk/api/queue")[0] == 200  # on duty

    customer = WidgetCustomer(cluster.instance_url(0))
    try:
        session = customer.connect()
        customer.say(
            "my phone bill BL-30017 is wrong, I didn't get my volume discount. the email on it is maya.okafor@example.com"
        )
        customer.wait_for("domestic calls only")
        customer.say("I want to talk to a real person")
        customer.wait_for("in the queue")

        status, handoffs = agent.call("/desk/api/queue")
        assert status == 200
        mine = [h for h in handoffs if h["sender_id"] == session]
        assert mine, handoffs
        handoff_id = mine[0]["id"]
        assert agent.call(f"/desk/api/handoffs/{handoff_id}/claim", {})[0] == 200
        status, body = agent.call(
            f"/desk/api/handoffs/{handoff_id}/reply", {"text": "Hi, I'm Sam. I'm looking at your bill now."}
        )
        assert status == 200, body
        # Emitted on instance two, delivered through Redis to the socket on instance one.
        seen = customer.wait_for("looking at your bill", timeout=20)
        assert "Sam Lee" in seen[-1]

        # The customer's answer reaches the agent's transcript, and the assistant stays quiet.
        customer.say("thank you Sam, the London calls were for work")
        for _ in range(40):
            case = agent.call(f"/desk/api/handoffs/{handoff_id}")[1]
            if any("London calls" in line["text"] for line in case["transcript"]):
                break
            import time

            time.sleep(0.25)
        else:
            raise AssertionError("the agent never saw the customer's answer")
        assert customer.messages.empty()

        # The agent hands back from instance two; the customer on instance one hears the assistant.
        status, body = agent.call(
            f"/desk/api/handoffs/{handoff_id}/finish", {"outcome": "resolved", "then": "handback"}
        )
        assert status == 200, body
        assert customer.messages.get(timeout=20)
    finally:
        customer.close()
