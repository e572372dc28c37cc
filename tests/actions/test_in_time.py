"""An order's date against the day the customer needs it by (actions/in_time.py)."""

from datetime import date

import pytest

from actions import in_time

SATURDAY = date(2026, 12, 5)
TUESDAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    "text, day",
    [
        ("will it arrive by thursday? i need it for a trip", date(2026, 12, 10)),
        ("i need it before the weekend", SATURDAY),  # today is Saturday: today
        ("by tomorrow please", date(2026, 12, 6)),
        ("for Monday", date(2026, 12, 7)),
        ("by thurs", date(2026, 12, 10)),
        ("i need it for my trip", None),
    ],
)
def test_the_day_named_is_the_next_one_from_today(text, day):
    assert in_time.deadline(text, SATURDAY) == day


def test_a_date_before_the_day_named_is_in_time_and_said_with_the_day():
    day, in_time_now = in_time.in_time_values("will it be here by thursday", TUESDAY, SATURDAY)
    assert (day, in_time_now) == ("Thursday 10 December", True)
    assert in_time.fitted(in_time.IN_TIME, in_time_now) == in_time.IN_TIME


def test_the_day_itself_is_in_time():
    assert in_time.in_time_values("need it tuesday", TUESDAY, SATURDAY)[1] is True


def test_a_date_after_the_day_named_gets_the_too_late_words():
    assert in_time.in_time_values("by monday?", TUESDAY, SATURDAY)[1] is False
    assert in_time.fitted(in_time.IN_TIME, False) == in_time.TOO_LATE


def test_the_weekend_is_said_as_the_weekend():
    assert in_time.in_time_values("before the weekend", TUESDAY, date(2026, 12, 7))[0] == "the weekend"


def test_the_day_said_is_the_first_one_named():
    day, _ = in_time.in_time_values("by thursday, or the weekend at the latest", TUESDAY, SATURDAY)
    assert day == "Thursday 10 December"


def test_no_date_to_compare_is_never_said_to_be_in_time():
    assert in_time.in_time_values("by thursday", None, SATURDAY) == ("", None)
    assert in_time.fitted(in_time.IN_TIME, None) == in_time.UNDATED


def test_other_answers_are_left_as_they_are():
    assert in_time.fitted("utter_answer_faster_delivery", False) == "utter_answer_faster_delivery"
