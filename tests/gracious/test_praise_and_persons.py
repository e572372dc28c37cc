"""Kind words read as praise only when nothing else is in them, and "what you put me through" asks for nobody."""

from __future__ import annotations

import pytest

from gracious.saying_no import asks_for_a_person
from gracious.signals import asks_to_pass_on, is_praise


@pytest.mark.parametrize(
    "text",
    [
        "you guys are great, the staff at the cafe were lovely today",
        "just some feedback, your delivery drivers are always really friendly",
        "the barista at elm st made my day, so kind",
    ],
)
def test_kind_words_alone_are_praise(text):
    assert is_praise(text)


@pytest.mark.parametrize(
    "text",
    [
        # A conversation of our own, 5 December: "please tell him" made the praise a generic note for a weekly review.
        "the barista Tom at the Riverside shop was lovely this morning, please tell him",
        "Sarah on your phone line was so helpful yesterday, could you pass it on to her",
    ],
)
def test_kind_words_asked_to_reach_the_person_are_still_praise(text):
    assert is_praise(text) and asks_to_pass_on(text)


def test_kind_words_with_an_idea_are_not_praise_even_when_asked_on():
    assert not is_praise("great coffee, please tell them to open earlier though")
    assert not asks_to_pass_on("you guys are great")


@pytest.mark.parametrize(
    "text",
    [
        "Ana was lovely, the process is a maze.",  # a complaint beside the praise
        "great coffee but you should open earlier on sundays",  # an idea
        "great, waited 3 hours for nothing",  # trouble: sarcasm, read elsewhere
        "the checkout on your website keeps crashing",  # no kind word
    ],
)
def test_kind_words_with_more_in_them_are_not_only_praise(text):
    assert not is_praise(text)


@pytest.mark.parametrize(
    "text, asked",
    [
        ("come on, $200 is fair for what you put me through", False),  # blind panel p46 21
        ("after what youve put me through this week", False),
        ("they put me through hell on the phone", False),
        ("put me through to someone", True),
        ("please put me through", True),
        ("Could I please be put through to one of your team?", True),
        # Blind panel p64 O-11: trapped in the order form, then the code on offer honoured for it.
        ("I am not waiting for anything. The coupon SPRING15. Kindly pass my disappointment to a person.", True),
        ("please pass this on to a manager", True),
        ("could you pass me the order number again", False),
        ("can you send it to someone else, its a gift", False),
    ],
)
def test_put_me_through_asks_for_a_person_only_when_it_does(text, asked):
    assert asks_for_a_person(text) is asked
