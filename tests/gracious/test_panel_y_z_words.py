"""Words heard in blind panel p69 (Y and Z): what was ordered beside what was handed over, a close that says back
what was settled, a call moved in the same breath as another is cancelled, and an answer ruled out once its
remedy is on offer."""

from __future__ import annotations

import pytest

from gracious.answers import find_answer
from gracious.dropped_call import moved_part
from gracious.repair import closes_with_thanks
from gracious.signals import what_was_ordered


@pytest.mark.parametrize(
    "text, ordered",
    [
        ("ordered an english breakfast tea at the station cafe, got handed a latte", "an english breakfast tea"),
        ("I ordered a flat white and got a black americano", "a flat white"),
        ("wanted a cappuccino, was given a tea", "a cappuccino"),
        ("my latte was cold", None),
        ("i ordered a latte at king st", None),  # nothing else handed over: the latte is the one
    ],
)
def test_what_was_ordered_is_told_apart_from_what_was_handed_over(text, ordered):
    assert what_was_ordered(text) == ordered


@pytest.mark.parametrize(
    "text, closes",
    [
        ("ok so thats the 5 dollar credit for the cold latte at king st, fine, thats all for me today thanks", True),
        (
            "ok got it about the calls to london not getting the discount, and the 10 dollars credit, thats all for me",
            True,
        ),
        ("ok i get it now about the calls to london, thats all for me", True),
        ("ok but i still want the refund, thats all", False),
        ("ok so thats the credit, can you also send it by email, thats all", False),
    ],
)
def test_a_close_that_says_back_what_was_settled(text, closes):
    assert closes_with_thanks(text) is closes


@pytest.mark.parametrize(
    "text, moved",
    [
        ("wait no, make it 2pm not 12. and cancel the 5pm one, i only need one call", "make it 2pm not 12"),
        ("actually no make it wednesday 7pm. and cancel that email thing", "actually no make it wednesday 7pm"),
        ("cancel the 5pm one and make the other 3pm", "make the other 3pm"),
        ("cancel the 5pm one", ""),
        ("cancel the 3pm call, not 4", ""),
        ("make it quick please, and cancel the 5pm one", ""),  # no time: nothing to move to
    ],
)
def test_a_call_moved_beside_a_cancel(text, moved):
    assert moved_part(text) == moved


def test_the_exchange_past_its_window_is_not_the_answer_once_an_exchange_is_owed():
    asked = "Can I exchange them for a 9.5?"
    past = find_answer(asked, "request_refund", [], True, "returns_window")
    assert past is not None and past.id == "exchange_outside_window"
    for owed in (["entitled"], ["offered_exchange"]):
        found = find_answer(asked, "request_refund", owed, True, "returns_window")
        assert found is None or found.id != "exchange_outside_window"


@pytest.mark.parametrize(
    "text, named",
    [
        ("the 6:30 one, like i said", (18, 30)),  # blind panel p72 AF-05: "which one?" twice
        ("cancel the 6:30 one", (18, 30)),
        ("06:30", (6, 30)),
        ("9:30", (9, 30)),
        ("15:30", (15, 30)),
    ],
)
def test_a_clock_time_without_am_or_pm_is_read_as_a_bare_hour_is(text, named):
    from gracious.dropped_call import clock_named

    assert clock_named(text) == named
