"""The queue's last messages (server/desk/last_words.py) on a real desk on loopback, with Rasa's SQL tracker
store over a real SQLite file: however many agents poll, each conversation is read at most once per TTL;
a newer message shows once the TTL is over; a poll reads the first CAP conversations only."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import gracious.stores
from gracious.stores import clock
from server.desk import last_words
from server.stores.tracker_store import UrlSQLTrackerStore
from tests.helpers.desk_app import DeskApp

NOW = datetime(2025, 6, 11, 14, 0)
AGENTS = ("sam", "ana", "lee")


class CountedTrackerStore(UrlSQLTrackerStore):
    """The project's tracker store, counting the conversations it reads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads: Dict[str, int] = {}

    async def retrieve(self, sender_id: str) -> Any:
        self.reads[sender_id] = self.reads.get(sender_id, 0) + 1
        return await super().retrieve(sender_id)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    app = DeskApp().start()
    for name in AGENTS:
        app.add_agent(name, name.title())
    domain = Domain.load("domain.yml")
    trackers = CountedTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    app.app.ctx.agent = SimpleNamespace(tracker_store=trackers, domain=domain)
    seconds = {"now": 1000.0}  # the cache's clock (time.monotonic in the server)
    last_words._per_tracker_store[trackers] = last_words.LastWords(clock=lambda: seconds["now"])
    yield SimpleNamespace(app=app, trackers=trackers, domain=domain, seconds=seconds)
    app.stop()
    trackers.engine.dispose()


def chat(desk: Any, sender: str, *said: str) -> None:
    events = [UserUttered(text, timestamp=1749650400.0 + n) for n, text in enumerate(said)]
    tracker = DialogueStateTracker.from_events(sender, events, slots=desk.domain.slots)
    asyncio.run(desk.trackers.save(tracker))


def queued(sender: str, summary_says: str = "before the handoff") -> int:
    records = gracious.stores.records()
    return asyncio.run(
        records.create_handoff(sender, "customer_asked", "customer_care", {"last_messages": [summary_says]})
    )


def polls(desk: Any, rounds: int) -> List[Dict[int, str]]:
    """Every agent asks for the queue ``rounds`` times, all at once (each from a browser of their own)."""
    clients = [desk.app.client(name) for name in AGENTS]
    seen: List[Dict[int, str]] = []

    def poll(client: Any) -> None:
        for _ in range(rounds):
            status, cards = client.call("/desk/api/queue")
            assert status == 200, cards
            seen.append({card["id"]: card["last_message"] for card in cards})

    threads = [threading.Thread(target=poll, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(seen) == rounds * len(AGENTS)
    return seen


def test_all_agents_polls_read_each_conversation_once_per_ttl(desk):
    cases = {}
    for n in range(3):
        chat(desk, f"web-{n}", "my bill is wrong", f"hello? is anyone there? ({n})")
        cases[queued(f"web-{n}")] = f"hello? is anyone there? ({n})"

    seen = polls(desk, rounds=4)  # 3 agents x 4 polls: 12 polls
    assert all(cards == cases for cards in seen)  # the live last words, not the summary's
    assert desk.trackers.reads == {f"web-{n}": 1 for n in range(3)}

    # A newer message within the TTL: the card keeps the words read a moment ago, nothing is read again.
    chat(desk, "web-0", "my bill is wrong", "hello? is anyone there? (0)", "still waiting")
    desk.seconds["now"] += last_words.TTL - 0.5
    assert all(cards == cases for cards in polls(desk, rounds=2))
    assert desk.trackers.reads == {f"web-{n}": 1 for n in range(3)}

    # Once the TTL is over, each conversation is read once more for everyone, and the new words show.
    desk.seconds["now"] += 0.5
    later = polls(desk, rounds=3)
    first = next(i for i, said in cases.items() if said.endswith("(0)"))
    assert all(cards == {**cases, first: "still waiting"} for cards in later)
    assert desk.trackers.reads == {f"web-{n}": 2 for n in range(3)}


def test_a_poll_reads_the_first_cap_conversations_and_the_rest_show_their_summary(desk):
    for n in range(last_words.CAP + 2):
        chat(desk, f"web-{n}", f"live words {n}")
        queued(f"web-{n}", summary_says=f"summary words {n}")

    [cards] = polls(desk, rounds=1)[:1]
    assert len(desk.trackers.reads) == last_words.CAP and set(desk.trackers.reads.values()) == {1}
    live = [said for said in cards.values() if said.startswith("live words")]
    from_summary = [said for said in cards.values() if said.startswith("summary words")]
    assert len(live) == last_words.CAP and len(from_summary) == 2
    # The cards past the cap are the ones whose conversations were not read.
    assert {said.split()[-1] for said in from_summary}.isdisjoint(s.split("-")[1] for s in desk.trackers.reads)
