"""`make review` sees failures: the outage apology, no reply, a long wait and a fallback, on
conversations built event by event for the purpose (the times are set, so the output is exact)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import List

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.catalog import load_catalog
from gracious.settings import ROOT, settings
from server.stores.tracker_store import UrlSQLTrackerStore
from studio import review
from studio.review_store import load_domain, summarize
from studio.review_transcript import render
from studio.review_turns import turn_outcomes

START = 1_780_000_000.0  # a fixed moment; the transcript shows it in local time
TROUBLE = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]["utter_service_trouble"][0][
    "text"
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return load_domain()


def at(seconds: float) -> float:
    return START + seconds


def clock(seconds: float) -> str:
    return datetime.fromtimestamp(at(seconds)).strftime("%H:%M:%S")


def said(text: str, intent: str, confidence: float, seconds: float) -> UserUttered:
    parsed = {"name": intent, "confidence": confidence}
    return UserUttered(text, parsed, parse_data={"intent": parsed, "intent_ranking": [parsed]}, timestamp=at(seconds))


def reply(text: str, response: str, seconds: float) -> BotUttered:
    return BotUttered(text, metadata={"utter_action": response}, timestamp=at(seconds))


def failing_events() -> List[Event]:
    """A greeting answered; a complaint with no reply; the outage apology 8.5 s after a message;
    a line not understood; then, with a person holding the conversation, a line nobody answered yet."""
    return [
        said("hi", "greet", 0.99, 0),
        ActionExecuted("action_greet", timestamp=at(0.2)),
        reply("Hello, I'm Gracious.", "utter_greet", 0.3),
        ActionExecuted("action_listen", timestamp=at(0.4)),
        said("my bill BL-30017 is wrong", "dispute_charge", 0.95, 10),
        ActionExecuted("action_empathize", timestamp=at(10.2)),
        ActionExecuted("action_listen", timestamp=at(10.3)),
        said("hello?", "greet", 0.9, 20),
        reply(TROUBLE, "utter_service_trouble", 28.5),
        said("and the other matter", "nlu_fallback", 0.3, 40),
        ActionExecuted("action_handle_misunderstanding", timestamp=at(40.2)),
        reply("Sorry, I didn't quite follow.", "utter_ask_rephrase", 40.4),
        ActionExecuted("action_listen", timestamp=at(40.5)),
        ConversationPaused(timestamp=at(50)),
        said("are you there?", "greet", 0.9, 60),
    ]


def tracker_of(events: List[Event], domain: Domain, sender: str = "ana") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event)
    return tracker


def cases() -> frozenset:
    return frozenset(load_catalog(settings().catalog_path).case_types)


def test_each_turn_says_what_went_wrong_on_it(domain) -> None:
    turns = turn_outcomes(tracker_of(failing_events(), domain).events)
    assert [(t.event.text, t.flags()) for t in turns] == [
        ("hi", []),
        ("my bill BL-30017 is wrong", ["no reply"]),
        ("hello?", ["outage", "long wait"]),
        ("and the other matter", ["fallback"]),
        ("are you there?", []),  # a person has the conversation: their silence, not a failure
    ]
    assert turns[2].wait == pytest.approx(8.5)
    assert turns[2].flags(long_wait=10) == ["outage"]


def test_the_list_flags_the_outage_no_reply_and_long_wait_first(domain) -> None:
    summary = summarize(tracker_of(failing_events(), domain), cases())
    assert summary.flags == ["outage apology", "no reply", "long wait", "fallback", "low confidence"]
    assert summarize(tracker_of(failing_events(), domain), cases(), long_wait=9).flags == [
        "outage apology",
        "no reply",
        "fallback",
        "low confidence",
    ]


def test_the_transcript_marks_each_failure_at_its_turn(domain) -> None:
    tracker = tracker_of(failing_events(), domain)
    out = render(tracker, summarize(tracker, cases()))
    day = datetime.fromtimestamp(START).strftime("%Y-%m-%d %H:%M")
    end = datetime.fromtimestamp(at(60)).strftime("%H:%M")
    pad = " " * len("[00:00:00]  1. Customer: ")
    assert out.splitlines() == [
        "Conversation ana",
        f"  {day} to {end}, 5 customer turns, about: dispute_charge",
        "  flags: outage apology, no reply, long wait, fallback, low confidence",
        "",
        f"[{clock(0)}]  1. Customer: hi",
        f"{pad}(greet 0.99)",
        f"[{clock(0.3)}]     Gracious: Hello, I'm Gracious.",
        f"[{clock(10)}]  2. Customer: my bill BL-30017 is wrong",
        f"{pad}(dispute_charge 0.95)",
        f"{pad}(no reply)",
        f"[{clock(20)}]  3. Customer: hello?",
        f"{pad}(greet 0.90)",
        f"{pad}(outage apology)",
        f"{pad}(long wait: 8.5 s before the first reply)",
        f"[{clock(28.5)}]     Gracious: {TROUBLE}",
        f"[{clock(40)}]  4. Customer: and the other matter",
        f"{pad}(nlu_fallback 0.30)",
        f"{pad}(not understood: nlu_fallback)",
        f"[{clock(40.4)}]     Gracious: Sorry, I didn't quite follow.",
        f"[{clock(50)}]     -- assistant paused: a person has the conversation --",
        f"[{clock(60)}]  5. Customer: are you there?",
        f"{pad}(greet 0.90)",
    ]


def test_a_fallback_action_marks_its_turn_even_when_the_intent_was_clear(domain) -> None:
    events = [
        said("can I pay in instalments", "ask_policy", 0.85, 0),
        ActionExecuted("action_default_fallback", timestamp=at(0.5)),
        reply("I'm not sure I can help with that here.", "utter_default", 0.6),
    ]
    tracker = tracker_of(events, domain)
    assert render(tracker, summarize(tracker, cases())).splitlines()[-2].strip() == (
        "(not understood: action_default_fallback)"
    )


def test_flagged_lists_only_the_conversation_that_failed(domain, tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = UrlSQLTrackerStore(domain=domain, host=url)
    asyncio.run(store.save(tracker_of(failing_events(), domain, "failed")))
    asyncio.run(store.save(tracker_of(failing_events()[:4], domain, "fine")))
    assert review.main(["--db-url", url, "--flagged", "--min-confidence", "0"]) == 0
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:] if line.strip()]
    assert rows[0] == "failed" and "fine" not in rows
    assert review.main(["--db-url", url, "--min-confidence", "0"]) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert listed["failed"].endswith("outage apology, no reply, long wait, fallback")
    assert listed["fine"].split()[-2:] == ["1", "-"]  # one turn, about nothing in particular, no flags
