"""The gift fact (gracious.signals.said_it_was_a_gift, words in catalog/signals.yml).

Only the buyer's gift is a gift case: the policy wrong_item_gift sends the replacement packed
as a gift to the person it was for and refunds the buyer. A customer writing about a gift
they received ("gift from my aunt", "a christmas present for me from my sister") is not that
buyer, so it is no gift case here (as "a gift someone bought me" was already): their order
is put right as any other.
"""

from __future__ import annotations

import pytest

from gracious.signals import asks_for_gift_packing, names_an_occasion, said_it_was_a_gift


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
        "her birthday is on Friday",
        "it was my mums birthday and the barista was rude",
        "I ordered my dress in navy and got red",
        "I got my order late",
        "I need it for a wedding on saturday",
        "the gift wrap was torn",
        "hi the free gift that came with my order LK-10422 was a mug and it arrived smashed to bits",
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
        # The customer panel's words (p1 c01, c02, c03), as typed.
        "hi, the dress i ordered for my sisters birthday turned up RED. i ordered navy!! order LK-10421",
        "I bought my mum a dress for her 60th and you sent the wrong colour. LK-10421. Navy, not red. honestly",
        "LK-10421 - it was a birthday present for my daughter and the dress is red, I ordered navy.",
        "its a GIFT tho. can you send it gift wrapped without the price on it?",
        "it's a present. her birthday is sunday. can it go straight to her gift wrapped",
        "it is for my mums birthday and the wrong size came",
        "I got my dad a jacket for his 70th and it is the wrong one",
        "I ordered my son some trainers for christmas, wrong size",
        "I sent it as a present",
    ],
)
def test_the_buyers_gift_is_a_gift(said: str):
    assert said_it_was_a_gift(said)


@pytest.mark.parametrize(
    "said, packing",
    [
        ("can you send it gift wrapped without the price on it?", True),
        ("can it go straight to her", True),
        ("the gift wrap was torn", False),
        ("how much was the price", False),
    ],
)
def test_a_gifts_packing_asked_for(said: str, packing: bool):
    assert asks_for_gift_packing(said) is packing


@pytest.mark.parametrize(
    "said, occasion",
    [("Her birthday is on Friday.", True), ("for her 60th", True), ("it arrived on Friday", False)],
)
def test_an_occasion_is_named(said: str, occasion: bool):
    assert names_an_occasion(said) is occasion
