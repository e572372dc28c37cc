"""Each waiting customer's last words for the queue's cards, read from the conversation at most once per TTL.

Every agent's desk asks for the queue every 2 seconds, and each card shows the
customer's last message. Loading every waiting conversation's tracker for every
poll would be agents × cases tracker loads on the Rasa server's event loop; so
the words are kept per conversation for ``TTL`` seconds, shared by all agents'
polls (one ``LastWords`` per tracker store), and polls that ask at the same
moment share one load. A poll reads the conversations of the first ``CAP``
cards only (the queue's order: the most urgent first); the cards after those
show the last message on their summary card, the customer's words up to the
handoff (readable.entry), as the desk does without a Rasa server. ``Kept`` is the
cache itself, for any value read from a conversation: the case cards made from it
(live_card.py) have one of their own per tracker store (``cards_for``).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, Optional, Tuple, TypeVar

# How long a conversation's last words are kept before the conversation is read again (seconds).
TTL = 5.0
# How many cards of one poll have their conversation read.
CAP = 50

Words = Optional[str]
T = TypeVar("T")


class Kept(Generic[T]):
    """A value per conversation (``sender_id``, or any key), kept ``ttl`` seconds."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._kept: Dict[str, Tuple[float, T]] = {}
        self._loading: Dict[str, "asyncio.Future[T]"] = {}

    async def of(self, sender: str, load: Callable[[str], Awaitable[T]]) -> T:
        """The kept value while fresh; else ``load(sender)`` once, however many polls ask meanwhile."""
        kept = self._kept.get(sender)
        if kept is not None and self.clock() - kept[0] < self.ttl:
            return kept[1]
        pending = self._loading.get(sender)
        if pending is None:
            pending = self._loading[sender] = asyncio.ensure_future(self._load(sender, load))
        return await asyncio.shield(pending)

    async def _load(self, sender: str, load: Callable[[str], Awaitable[T]]) -> T:
        try:
            said = await load(sender)
            self._kept[sender] = (self.clock(), said)
            return said
        finally:
            del self._loading[sender]

    def forget_stale(self) -> None:
        """Drop values older than the TTL (conversations that left the queue leave nothing behind)."""
        now = self.clock()
        self._kept = {sender: kept for sender, kept in self._kept.items() if now - kept[0] < self.ttl}


class LastWords(Kept[Words]):
    """The customer's last words per conversation (``sender_id``), kept ``ttl`` seconds."""

    async def for_cards(self, items: List[Mapping[str, Any]], load: Callable[[str], Awaitable[Words]]) -> List[Words]:
        """The last words for each card in ``items`` (None past the first ``CAP``: the summary's are shown)."""
        self.forget_stale()
        read = items[:CAP]
        found = list(await asyncio.gather(*(self.of(str(item["sender_id"]), load) for item in read)))
        return found + [None] * (len(items) - len(read))


_per_tracker_store: "weakref.WeakKeyDictionary[Any, LastWords]" = weakref.WeakKeyDictionary()
_cards_per_tracker_store: "weakref.WeakKeyDictionary[Any, Kept[Any]]" = weakref.WeakKeyDictionary()


def cache_for(tracker_store: Any) -> LastWords:
    """The one ``LastWords`` every poll of this tracker store shares."""
    found = _per_tracker_store.get(tracker_store)
    if found is None:
        found = _per_tracker_store[tracker_store] = LastWords()
    return found


def cards_for(tracker_store: Any) -> "Kept[Any]":
    """The one cache of case cards made from this tracker store's conversations (live_card.py)."""
    found = _cards_per_tracker_store.get(tracker_store)
    if found is None:
        found = _cards_per_tracker_store[tracker_store] = Kept()
    return found
