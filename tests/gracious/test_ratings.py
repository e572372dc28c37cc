"""gracious/ratings.py: the 1 to 5 in an answer to the rating question, and the words beside it."""

from __future__ import annotations

import pytest

from gracious.ratings import Rating, quotable, read, said_as_rating


@pytest.mark.parametrize(
    "text, rating",
    [
        ("1. two weeks is not ok", Rating(1, "two weeks is not ok")),
        ("2 - slow", Rating(2, "slow")),
        ("i'd say 4", Rating(4, "")),
        ("five", Rating(5, "")),
        ("Five stars!", Rating(5, "")),
        ("3/5", Rating(3, "")),
        ("4 out of 5, quick", Rating(4, "quick")),
        ("3, the handover was clunky", Rating(3, "the handover was clunky")),
        ("2", Rating(2, "")),
        ("I give it a 4", Rating(4, "")),
        ("two - slow", Rating(2, "slow")),
        ("Four. Sam was great", Rating(4, "Sam was great")),
        ("the agent was lovely, 5/5", Rating(5, "the agent was lovely")),
        ("two weeks is not ok. 1", Rating(1, "two weeks is not ok")),
    ],
)
def test_a_rating_in_words_is_read_with_its_words(text, rating):
    assert read(text) == rating


@pytest.mark.parametrize(
    "text, rating",
    [
        # The desk queue's second panel (#17): none of these was recorded.
        ("Wonderful, thank you. 5 stars.", Rating(5, "Wonderful, thank you")),
        ("5/5", Rating(5, "")),
        ("five stars", Rating(5, "")),
        ("4 out of 5", Rating(4, "")),
        ("a solid 4", Rating(4, "")),
        ("the agent was great, a solid 4 from me", Rating(4, "the agent was great, from me")),
        ("10/10", Rating(5, "")),  # out of ten, halved
        ("7/10 the wait was long", Rating(4, "the wait was long")),
        ("1/10", Rating(1, "")),
        ("8 out of 10", Rating(4, "")),
        ("\u2b50\u2b50\u2b50\u2b50\u2b50", Rating(5, "")),
        ("\u2605\u2605\u2605\u2606\u2606 slow", Rating(3, "slow")),
        ("one star, awful", Rating(1, "awful")),
        ("Sam sorted it. 4 stars", Rating(4, "Sam sorted it")),
    ],
)
def test_stars_out_of_ten_and_a_solid_number_said_anywhere(text, rating):
    assert read(text) == rating


@pytest.mark.parametrize(
    "text",
    [
        "it took 10 days",
        "the 10 pack",
        "3:30",  # a time
        "2pm",
        "2.50 for shipping",  # a price
        "one more thing",  # a number word starting something else
        "two weeks is not ok",
        "it took 5 days",
        "i have 2 more questions",
        "LK-10425",
        '/give_feedback{"rating": "4"}',  # a click carries its own entity
        "",
    ],
)
def test_no_rating_where_the_number_is_something_else(text):
    assert read(text) is None


def test_only_plain_words_without_abuse_are_said_back():
    assert quotable("two weeks is not ok") and quotable("slow")
    assert not quotable("this is shit")  # abuse is never quoted back
    assert not quotable("[click](http://example.com)")  # markdown and links never rendered from a customer
    assert not quotable("a" * 101)
    assert not quotable("")


# Review of the third panel's fixes: a number of things is no rating, asked for or not.
@pytest.mark.parametrize(
    "text", ["I waited a solid 4 hours for nothing", "7/10 of my items were missing", "I was quoted 3 out of 5 days"]
)
def test_a_number_of_things_is_no_rating(text):
    assert read(text) is None and said_as_rating(text) is None


@pytest.mark.parametrize(
    "text, rating",
    [
        ("4 out of 5, Sam was kind", Rating(4, "Sam was kind")),
        ("Three out of five.", Rating(3, "")),
        ("the agent was lovely, 5/5", Rating(5, "the agent was lovely")),
        ("1 star for making me come back", Rating(1, "for making me come back")),
        ("\u2b50\u2b50\u2b50\u2b50", Rating(4, "")),
    ],
)
def test_unasked_only_stars_or_out_of_five_standing_alone_are_a_rating(text, rating):
    assert said_as_rating(text) == rating


@pytest.mark.parametrize("text", ["a solid 4", "10/10", "7/10 the wait was long"])
def test_a_solid_number_or_out_of_ten_is_a_rating_only_when_asked_for(text):
    assert read(text) is not None and said_as_rating(text) is None
