"""actions/case.py said_as_a_price: a sum said as what something cost is no sum asked for."""

import pytest
from rasa_sdk import Tracker

from actions.case import said_as_a_price


def tracker(*texts: str) -> Tracker:
    events = [{"event": "user", "text": t, "parse_data": {"intent": {"name": "dispute_charge"}}} for t in texts]
    return Tracker("web-1", {}, {}, events, False, None, {}, "action_listen")


@pytest.mark.parametrize(
    "texts, amount, price",
    [
        # Blind panel p49 03.
        (["hey my last phone bill didnt have my discount on it at all. 76 dollars full price"], 76.0, True),
        (["i paid 60 for that lamp"], 60.0, True),
        (["i paid 60 for it and i want my 60 back"], 60.0, False),
        (["give me 50 dollars for the trouble"], 50.0, False),
        (["my bill was 76 dollars", "i want 76 back"], 76.0, False),
        # Blind panel p49 22: what the calls cost, and what it feels like.
        (
            ["honestly thinking of cancelling my phone plan. 45 dollars for 100 minutes to london is daylight robbery"],
            45.0,
            True,
        ),
        (["20 bucks a month for this is a rip-off"], 20.0, True),
        # Blind panel p62 L05: a charge told in words, and "As for the $96.00 you asked for".
        (
            [
                "I confess I do not understand the charges of ninety-six dollars. I should be most grateful for an explanation."
            ],
            96.0,
            True,
        ),
        (["i want my ninety-six dollars back"], 96.0, False),
    ],
)
def test_a_price_is_no_demand(texts, amount, price):
    assert said_as_a_price(tracker(*texts), amount) is price


def test_a_sum_named_about_a_bill_without_wanting_it_is_what_was_charged():
    # Blind panel p63 N08, N10: "As for the $96.00 you asked for" to "its like 96 dollars", "96 bucks".
    def on_a_bill(*texts):
        events = [{"event": "user", "text": t, "parse_data": {"intent": {"name": "dispute_charge"}}} for t in texts]
        return Tracker("web-1", {"case_type": "dispute_charge"}, {}, events, False, None, {}, "action_listen")

    assert said_as_a_price(
        on_a_bill("bill BL-30019 has toronto roaming all over it, 96 bucks, I was only there 4 days"), 96.0
    )
    assert not said_as_a_price(on_a_bill("roaming 96 bucks, i want it back"), 96.0)
