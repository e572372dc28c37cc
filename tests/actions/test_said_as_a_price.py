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
    ],
)
def test_a_price_is_no_demand(texts, amount, price):
    assert said_as_a_price(tracker(*texts), amount) is price
