"""The gift fact (gracious.signals.said_it_was_a_gift, words in catalog/signals.yml).

Only the buyer's gift is a gift case: the policy wrong_item_gift sends the replacement packed
as a gift to the person it was for and refunds the buyer. A customer writing about a gift
they received ("gift from my aunt", "a christmas present for me from my sister") is not that
buyer, so it is no gift case here (as "a gift someone bought me" was already): their order
is put right as any other.
"""

from __future__ import annotations

import pytest

from gracious.signals import said_it_was_a_gift


@pytest.mark.parametrize(
    "said",
    [
        "not a gift, just wrong item",
        "It isn't a gift, you sent the wrong size",
        "It isn\u2019t a gift, you sent the wrong size",
        "at the present time the order shows delivered but nothing came",
        "I am writing for my mum, she ordered a dress and it came in red",
        "gift from my aunt, wrong colour came",
        "a christmas present for me from my sister, the wrong size",
        "a free gift came but the wrong shoes",
    ],
)
def test_words_about_something_else_are_no_gift(said: str):
    assert not said_it_was_a_gift(said)


@pytest.mark.parametrize(
    "said",
    [
        "the dress I bought for my mum's birthday came in red",
        "it was a gift for my sister",
        "I ordered it as a present for my dad",
        "I got it for my wife and the wrong one came",
        "this was a present for my brother",
    ],
)
def test_the_buyers_gift_is_a_gift(said: str):
    assert said_it_was_a_gift(said)
