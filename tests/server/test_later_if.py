"""A remedy wanted only if something happens later is not taken now (blind panel p36 22: "if it's not
here by friday I want to cancel and get a refund" started the refund at once)."""

from __future__ import annotations

import pytest

from gracious.answers import find_answer
from server.dialogue.offers import LATER_IF, not_choosing


@pytest.mark.parametrize(
    "text",
    [
        "ok. if it's not here by friday I want to cancel and get a refund",
        "only if it still hasnt come by monday, then the refund",
        "if they dont deliver it this week i'll take the refund",
    ],
)
def test_a_remedy_wanted_if_something_doesnt_happen_is_not_chosen(text):
    assert LATER_IF.search(text) and not_choosing(text)


@pytest.mark.parametrize("text", ["the refund please", "if possible the refund please", "refund it if you can"])
def test_a_plain_choice_stays_a_choice(text):
    assert not LATER_IF.search(text)


def test_it_is_answered_plainly_in_a_late_order():
    text = "if it's not here by friday I want to cancel and get a refund. can you set that up?"
    found = find_answer(text, "check_order_status", question=False)
    assert found is not None and found.response == "utter_answer_refund_later"
