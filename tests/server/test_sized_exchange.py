"""server/dialogue/offers.py sized_exchange: a size named beside the exchange button takes it."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.choices import Option
from server.dialogue.offers import sized_exchange

SHOES = [
    Option("An exchange, with return postage on us", '/choose_alternative{"alternative": "exchange"}'),
    Option("A full refund", '/choose_alternative{"alternative": "refund"}'),
    Option("$10.00 in store credit", '/choose_alternative{"alternative": "store_credit"}'),
    Option("None of these", "/deny"),
]


def chat(*said: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker("t", [])
    for text in said:
        tracker.update(UserUttered(text))
    return tracker


@pytest.mark.parametrize("text", ["a 10.5 please", "size 10 then", "can i get it in a medium"])
def test_a_size_named_takes_the_exchange(text):
    assert sized_exchange(text, SHOES, chat(text)) == 0


def test_the_number_alone_takes_it_when_it_is_the_size_asked_for_before():
    earlier = "the shoes dont fit. can i swap for a 10"
    assert sized_exchange("just send me the 10", SHOES, chat(earlier, "LK-10422", "just send me the 10")) == 0


@pytest.mark.parametrize(
    "earlier, text",
    [
        ("the shoes dont fit", "just send me the 10"),  # no size asked for: "the 10" may be the $10
        ("can i swap for a 9", "just send me the 10"),  # another number than the size asked for
        ("can i swap for a 10", "the 10 dollar credit then"),  # money, not a size
    ],
)
def test_a_bare_number_is_no_size_otherwise(earlier, text):
    assert sized_exchange(text, SHOES, chat(earlier, text)) is None


def test_no_exchange_offered_no_exchange_taken():
    assert sized_exchange("a 10.5 please", SHOES[1:], chat("a 10.5 please")) is None
