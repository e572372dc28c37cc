"""server/dialogue/readings.py amount_pressed: a sum asked for earlier, pressed again in a few words
("and the 5000?", blind panel p39 13), gets a plain no with a person, never "what's gone wrong"."""

from __future__ import annotations

import pytest

from tests.server.test_typed_no import offered, parse


@pytest.mark.parametrize("text", ["and the 5000?", "so 5000 yes or no", "what about my 5,000", "$5000??"])
def test_a_huge_sum_pressed_again_is_answered_with_a_plain_no(text):
    result = parse(text, "greet", offered(amount="5000.00"))
    assert result.get("repair") == "case_question"
    assert result.get("answer") == "utter_answer_amount_pressed" and result.get("answer_person") is True


@pytest.mark.parametrize(
    "text, amount",
    [
        ("the 25 credit please", "25.00"),  # within the limit: taken, never refused
        ("and the 5000?", None),  # no sum asked for before
        ("my order 5000 something is late and nobody tells me anything at all", "5000.00"),  # a long message
    ],
)
def test_other_messages_with_a_number_are_not_a_sum_pressed(text, amount):
    result = parse(text, "greet", offered(amount=amount))
    assert result.get("answer") != "utter_answer_amount_pressed"


def test_the_sum_pressed_again_in_a_sentence_or_two_as_money():
    # Blind panel p42 22: "did you even read what i wrote? 1000 dollars. and free phone service for life."
    # got "I'd rather not guess".
    text = "did you even read what i wrote? 1000 dollars. and free phone service for life."
    result = parse(text, "greet", offered(amount="1000.00"))
    assert result.get("answer") == "utter_answer_amount_pressed" and result.get("answer_person") is True
