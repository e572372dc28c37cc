"""readable.py: the words the desk's cards and transcripts show, exactly; and the queue route
serving them from a real desk on loopback over real SQLite files (no Rasa server: the summary's
last message)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List

import pytest
from rasa.shared.core.events import BotUttered, UserUttered

import gracious.stores
from actions import case_card
from gracious import names
from gracious.stores import clock
from server.desk import readable, shift
from tests.helpers.desk_app import DeskApp

MAYA = {"id": "C001", "name": "Maya Chen", "email": "maya@example.com", "phone": "+1 555 0100"}
TITLES = {"human": "Talk to a person", "callback": "Call me back at a time that suits me"}
NAMES = {"sam": "Sam Lee", "ana": "Ana Ruiz"}


def test_a_verified_customer_is_named_and_anyone_else_is_a_guest():
    assert readable.customer_label({"verified": True, "customer": MAYA}, 12) == "Maya Chen"
    # Not verified: never the owner's name, even if a card still carried it.
    assert readable.customer_label({"verified": False, "customer": MAYA, "reference": "LK-10423"}, 12) == (
        "Guest · LK-10423"
    )
    assert readable.customer_label({"customer": {}}, 12) == "Guest 12"
    assert readable.customer_label({"verified": True, "customer": {"name": " "}}, 7) == "Guest 7"
    assert readable.customer_label({}, 3) == "Guest 3"


def test_waits_case_types_and_reasons_in_words():
    assert [readable.wait_words(s) for s in (0, 59, 60, 119, 185, 3600, 3660, 7500)] == [
        "less than a minute",
        "less than a minute",
        "1 minute",
        "1 minute",
        "3 minutes",
        "1 hour",
        "1 hour 1 minute",
        "2 hours 5 minutes",
    ]
    assert readable.case_words("dispute_charge") == "bill dispute"
    assert readable.case_words("brand_new_type") == "brand new type"
    assert readable.case_words(None) == "conversation"
    assert readable.reason_words("customer_asked") == "customer asked for a person"
    assert readable.reason_words("something_else") == "something else"


def test_a_long_last_message_is_one_trimmed_line():
    assert readable.trimmed("  hello?\n\n is   anyone there? ") == "hello? is anyone there?"
    long = "my bill is wrong again " * 10
    assert readable.trimmed(long, 40) == "my bill is wrong again my bill is wrong…"
    assert readable.trimmed("x" * 50, 10) == "xxxxxxxxx…"


def test_clicks_are_shown_as_the_titles_the_customer_read():
    offered = readable.button_titles(
        [
            {"event": "user", "text": "I want a person"},
            {
                "event": "bot",
                "text": "What would you like?",
                "data": {
                    "buttons": [{"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'}]
                },
            },
            BotUttered(
                "Rate us", data={"buttons": [{"title": "5 - great", "payload": '/give_feedback{"rating": "5"}'}]}
            ),
        ]
    )
    assert offered == {
        '/choose_alternative{"alternative": "human"}': "Talk to a person",
        '/give_feedback{"rating": "5"}': "5 - great",
    }
    assert readable.clicked('/choose_alternative{"alternative": "human"}', offered, TITLES) == "Talk to a person"
    # A payload without the button on record: the catalog's title, or the choice in words.
    assert readable.clicked('/choose_alternative{"alternative":"callback"}', {}, TITLES) == TITLES["callback"]
    assert readable.clicked('/choose_alternative{"alternative": "remake"}', {}, TITLES) == "remake"
    assert readable.clicked("/request_human", {}, TITLES) == "request human"
    assert readable.clicked("hello? is anyone there?", offered, TITLES) is None
    assert readable.clicked("/ not a payload", offered, TITLES) is None


def test_the_card_lists_only_what_was_not_declined_with_policy_names():
    summary = {"offered": ["human", "callback"], "declined": ["callback"]}
    assert readable.offered_still_open(summary, TITLES) == ["Talk to a person"]
    # Granted or accepted is not open either, also on a card written before it said what was granted.
    assert readable.offered_still_open({**summary, "granted": ["human"]}, TITLES) == []
    assert readable.offered_still_open({**summary, "accepted": "human"}, TITLES) == []
    assert readable.offered_still_open({"offered": ["email_followup"]}, TITLES) == ["email followup"]
    assert readable.policy_of({"id": "volume_discount_domestic", "rule": "..."}) == "Volume discount domestic"
    assert readable.policy_of({"id": "x", "name": "Domestic volume discount"}) == "Domestic volume discount"
    assert readable.policy_of(None) == "" and readable.policy_of({"rule": "no id"}) == ""
    # One way to name a policy, for the card the assistant writes and for the desk (gracious/names.py).
    assert case_card.policy_name is names.policy_name is readable.policy_name
    assert names.policy_name("late_delivery_goodwill") == "Late delivery goodwill" and names.policy_name("") is None


def entry(**fields: Any) -> Dict[str, Any]:
    base = {"id": 12, "sender_id": "s", "reason": "customer_asked", "status": "waiting", "agent": None}
    return {**base, "waiting_seconds": 185, **fields}


def test_a_queue_entry_in_words():
    summary = {
        "case_type": "dispute_charge",
        "verified": True,
        "customer": MAYA,
        "last_messages": ["my bill is wrong", "hello? is anyone there?"],
    }
    shown = readable.entry(entry(summary=summary), NAMES)
    assert {k: shown[k] for k in ("label", "topic", "reason_words", "last_message", "wait_words", "agent_name")} == {
        "label": "Maya Chen",
        "topic": "bill dispute",
        "reason_words": "customer asked for a person",
        "last_message": "hello? is anyone there?",
        "wait_words": "3 minutes",
        "agent_name": None,
    }
    held = readable.entry(entry(summary={}, status="claimed", agent="sam"), NAMES, "are you there?")
    assert (held["label"], held["topic"], held["last_message"], held["agent_name"]) == (
        "Guest 12",
        "conversation",
        "are you there?",
        "Sam Lee",
    )
    # An agent since removed keeps their login name rather than nothing.
    assert readable.entry(entry(summary={}, agent="gone"), NAMES)["agent_name"] == "gone"


def test_a_case_reads_with_titles_times_and_display_names():
    events = [
        UserUttered("I want to talk to a real person", timestamp=1749650400.0),
        BotUttered(
            "Would one of these help?",
            data={"buttons": [{"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'}]},
            timestamp=1749650401.0,
        ),
        UserUttered('/choose_alternative{"alternative": "human"}', timestamp=1749650405.0),
        BotUttered("Hi, I'm Sam.", metadata={"agent": "Sam Lee"}, timestamp=1749650460.0),
    ]
    tracker = SimpleNamespace(events=events)
    from server.desk import conversation

    handoff = {
        **entry(status="claimed", agent="sam"),
        "summary": {
            "case_type": "dispute_charge",
            "verified": False,
            "reference": "BL-30017",
            "policy": {"id": "volume_discount_domestic", "rule": "Domestic calls only."},
            "explained": ["volume_discount_domestic"],
            "offered": ["human", "callback"],
            "declined": ["callback"],
            "accepted": "human",
            "last_messages": ["I want to talk to a real person", '/choose_alternative{"alternative": "human"}'],
        },
        "notes": [{"agent": "ana", "text": "Wants Sam", "created_at": "2025-06-11T14:00:00+00:00"}],
        "transcript": conversation.transcript(tracker),
    }
    domain = SimpleNamespace(
        responses={
            "utter_offer_human": [{"text": "Talk to a person"}],
            "utter_offer_goodwill_credit": [{"text": "A {amount} goodwill credit"}],
        }
    )
    handoff["summary"]["offered"].append("goodwill_credit")
    case = readable.for_case(handoff, tracker, domain, [SimpleNamespace(name="sam", display_name="Sam Lee")])
    assert [(line["from"], line["text"], line["at_iso"]) for line in case["transcript"]] == [
        ("customer", "I want to talk to a real person", "2025-06-11T14:00:00+00:00"),
        ("assistant", "Would one of these help?", "2025-06-11T14:00:01+00:00"),
        ("customer", "Talk to a person", "2025-06-11T14:00:05+00:00"),
        ("agent", "Hi, I'm Sam.", "2025-06-11T14:01:00+00:00"),
    ]
    assert case["transcript"][2]["clicked"] is True and "clicked" not in case["transcript"][0]
    assert (case["label"], case["agent_name"], case["last_message"]) == (
        "Guest · BL-30017",
        "Sam Lee",
        "Talk to a person",
    )
    assert case["policy_name"] == "Volume discount domestic"
    assert case["explained_names"] == ["Volume discount domestic"]
    # Accepted is not open (panel, 1 December); a title with a placeholder: the id in words.
    assert case["offered_open"] == ["goodwill credit"] and case["granted_titles"] == []
    assert case["last_messages"] == ["I want to talk to a real person", "Talk to a person"]
    assert case["declined_titles"] == ["callback"]  # no title in this domain: the id in words
    assert case["accepted_title"] == "Talk to a person"
    assert [(n["agent"], n["agent_name"]) for n in case["notes"]] == [("ana", "ana")]  # ana is not among the agents


NOW = datetime(2025, 6, 11, 14, 0)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeskApp]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    app = DeskApp().start()
    app.add_agent("sam", "Sam Lee")
    yield app
    app.stop()


def handoff(sender: str, summary: Dict[str, Any]) -> int:
    return asyncio.run(gracious.stores.records().create_handoff(sender, "customer_asked", "customer_care", summary))


def test_the_queue_route_serves_the_cards_words(desk: DeskApp, monkeypatch: pytest.MonkeyPatch):
    verified = handoff(
        "maya", {"case_type": "dispute_charge", "verified": True, "customer": MAYA, "last_messages": ["hi"]}
    )
    guest = handoff(
        "guest", {"case_type": "report_wrong_item", "verified": False, "customer": MAYA, "reference": "LK-10423"}
    )
    monkeypatch.setattr(clock, "now", lambda: datetime(2025, 6, 11, 14, 3, 5))
    status, items = desk.client("sam").call("/desk/api/queue")
    assert status == 200
    cards: List[Dict[str, Any]] = sorted(items, key=lambda i: i["id"])
    assert [(c["id"], c["label"], c["topic"], c["last_message"], c["wait_words"]) for c in cards] == [
        (verified, "Maya Chen", "bill dispute", "hi", "3 minutes"),
        (guest, "Guest · LK-10423", "wrong item", "", "3 minutes"),
    ]
    assert "Maya" not in str(cards[1])  # a guest's card never carries the owner's details
    # The first-reply timer (shift.py): due 300 s after the case opened, stopped at the first reply.
    assert [(c["sla_seconds"], c["sla_left_seconds"], c["first_reply_at"]) for c in cards] == [
        (300, 115, None),
        (300, 115, None),
    ]
    asyncio.run(shift.note_first_reply(desk.site.store, verified, "sam"))
    cards = sorted(desk.client("sam").call("/desk/api/queue")[1], key=lambda i: i["id"])
    assert (cards[0]["first_reply_at"], cards[0]["first_reply_seconds"], cards[1]["first_reply_at"]) == (
        "2025-06-11T14:03:05+00:00",
        185,
        None,
    )
    assert desk.client().call("/desk/api/queue")[0] == 401
