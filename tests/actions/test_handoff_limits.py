"""action_handoff against floods: one open handoff per conversation, a few new ones per address an hour;
and a summary that names the customer only when they were verified."""

import asyncio
import json
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.handoff import ActionHandoff, client_address
from gracious import stores
from tests.actions import message, run_action, tracker_state

ADDRESS = "203.0.113.9"


def tracker(sender: str, address: Optional[str] = ADDRESS, safety: bool = False, **changes: Any) -> Tracker:
    state = tracker_state("request_human", sender_id=sender, **changes)
    if address is not None:
        state["latest_message"]["metadata"] = {
            "gracious_client": {"address": address, "channel": "rest", "integration": None}
        }
    if safety:
        state["latest_message"]["safety"] = True
    return Tracker.from_dict(state)


def queue_rows():
    return asyncio.run(stores.records().rows("handoffs"))


def test_the_address_comes_from_the_channels_metadata_and_may_be_missing():
    assert client_address(tracker("a")) == ADDRESS
    assert client_address(tracker("a", address=None)) is None
    broken = tracker_state("request_human")
    broken["latest_message"]["metadata"] = {"gracious_client": "not a dict"}
    assert client_address(Tracker.from_dict(broken)) is None


def test_a_flood_of_handoffs_from_one_address_is_refused_past_the_limit_with_a_polite_offer(domain, monkeypatch):
    monkeypatch.setenv("GRACIOUS_HANDOFFS_PER_ADDRESS", "5")
    for number in range(5):
        _, events = run_action(ActionHandoff(), tracker(f"flood-{number}"), domain)
        assert SlotSet("handoff_id", str(number + 1)) in events

    dispatcher, events = run_action(ActionHandoff(), tracker("flood-5"), domain)

    assert dispatcher.messages == [message(response="utter_handoff_limited")]
    # No queue entry, and on to a call (or an email) at a time that suits them (data/rules/handoff.yml).
    assert events == [SlotSet("alternative", None), SlotSet("agent_available", False)]
    assert len(queue_rows()) == 5
    text = domain["responses"]["utter_handoff_limited"][0]["text"]
    assert "call" in text and "email" in text and "saved" in text
    # Another address still reaches a person, and so does a health or danger case from this one.
    _, events = run_action(ActionHandoff(), tracker("elsewhere", address="198.51.100.7"), domain)
    assert SlotSet("handoff_id", "6") in events
    _, events = run_action(ActionHandoff(), tracker("hurt", safety=True), domain)
    assert SlotSet("handoff_id", "7") in events


def test_asking_again_joins_the_open_handoff_instead_of_queueing_twice(domain, monkeypatch):
    monkeypatch.setenv("GRACIOUS_HANDOFFS_PER_ADDRESS", "1")
    _, first = run_action(ActionHandoff(), tracker("maya"), domain)
    _, again = run_action(ActionHandoff(), tracker("maya", text="a person please, now"), domain)

    assert SlotSet("handoff_id", "1") in first and SlotSet("handoff_id", "1") in again
    [row] = queue_rows()
    assert "a person please, now" in json.loads(row["summary"])["last_messages"]
    assert row["client_address"] == ADDRESS


@pytest.mark.parametrize("verified", [False, None])
def test_an_unverified_customer_is_never_labelled_with_the_owners_details(domain, verified):
    facts = tracker_state("request_human")["slots"]["case_facts"]
    facts = {**facts, "verified": verified} if verified is not None else facts
    run_action(ActionHandoff(), tracker("stranger", slots={"case_facts": facts}), domain)

    summary = asyncio.run(stores.records().handoff(1))["summary"]
    assert summary["verified"] is False and summary["customer"] == {}
    said = json.dumps(summary)
    assert "Priya" not in said and "priya.n@example.com" not in said and "0199" not in said
