"""Care-team hours: open or not, when next open, and how a time is said."""

from datetime import datetime
from zoneinfo import ZoneInfo

from actions.hours import fit_to_hours, is_open, next_opening, spoken_time
from gracious.settings import parse_hours

NEW_YORK = ZoneInfo("America/New_York")
# The default care hours: weekdays 8-20, Saturday 9-17, Sunday closed.
HOURS = parse_hours("mon-fri 8-20, sat 9-17")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 9 June 2025, New York time."""
    return datetime(2025, 6, day, hour, minute, tzinfo=NEW_YORK)


def test_hours_spec_is_parsed_per_weekday():
    assert HOURS == {0: (8, 20), 1: (8, 20), 2: (8, 20), 3: (8, 20), 4: (8, 20), 5: (9, 17)}


def test_open_from_the_opening_hour_until_just_before_closing():
    assert is_open(at(11, 8), HOURS) is True  # Wednesday 8:00
    assert is_open(at(11, 19, 59), HOURS) is True
    assert is_open(at(11, 20), HOURS) is False
    assert is_open(at(11, 7, 59), HOURS) is False


def test_closed_all_sunday_and_after_five_on_saturday():
    assert is_open(at(14, 16, 30), HOURS) is True  # Saturday
    assert is_open(at(14, 17), HOURS) is False
    assert is_open(at(15, 12), HOURS) is False  # Sunday


def test_next_opening_while_open_is_now():
    assert next_opening(at(11, 10, 20), HOURS) == at(11, 10, 20)


def test_next_opening_early_in_the_morning_is_the_same_day():
    assert next_opening(at(11, 6, 45), HOURS) == at(11, 8)


def test_next_opening_on_friday_evening_is_saturday_at_nine():
    assert next_opening(at(13, 21), HOURS) == at(14, 9)


def test_next_opening_across_the_weekend_is_monday_at_eight():
    assert next_opening(at(14, 18), HOURS) == at(16, 8)  # Saturday evening
    assert next_opening(at(15, 10), HOURS) == at(16, 8)  # Sunday morning


def test_next_opening_without_any_hours_is_none():
    assert next_opening(at(11, 10), {}) is None
    assert fit_to_hours(at(11, 10), {}) == at(11, 10)


def test_fit_to_hours_moves_a_closed_time_to_the_next_opening():
    assert fit_to_hours(at(15, 11), HOURS) == at(16, 8)
    assert fit_to_hours(at(16, 11), HOURS) == at(16, 11)


def test_spoken_time_says_today_tomorrow_or_the_date():
    now = at(11, 10)
    assert spoken_time(at(11, 15), now) == "today at 3:00 pm"
    assert spoken_time(at(12, 9, 30), now) == "tomorrow at 9:30 am"
    assert spoken_time(at(16, 8), now) == "Monday 16 June at 8:00 am"
    assert spoken_time(at(11, 12), now) == "today at 12:00 pm"


def test_when_the_team_is_back_names_the_business_clock():
    # Blind panel p54 B: "they're back today at 9:00 am" read past noon by a customer on another clock.
    from actions.hours import back_at

    assert back_at(at(12, 9), at(11, 20), "America/New_York") == "tomorrow at 9:00 am, New York time"
    assert back_at(at(11, 9), at(11, 3), "Europe/London") == "today at 9:00 am, London time"
    assert back_at(at(11, 9), at(11, 3), "UTC") == "today at 9:00 am, UTC"
    assert back_at(None, at(11, 3), "America/New_York") == "soon"


def test_after_midnight_today_and_tomorrow_come_with_the_day_named():
    # At 3 am "tomorrow" is easily taken for the day just begun (blind panel p46 01).
    now = at(11, 3)
    assert spoken_time(at(12, 10), now) == "tomorrow at 10:00 am (Thursday 12 June)"
    assert spoken_time(at(11, 15), now) == "today at 3:00 pm"
    assert spoken_time(at(12, 10), at(11, 5)) == "tomorrow at 10:00 am"


def test_an_evening_time_just_after_closing_is_brought_to_the_last_call_that_day():
    from actions.hours import nearest_in_hours

    assert nearest_in_hours(at(11, 20), HOURS, now=at(11, 10)) == at(11, 19, 45)  # Wednesday 8pm
    assert nearest_in_hours(at(11, 21, 30), HOURS, now=at(11, 10)) == at(11, 19, 45)
    # Three hours after closing is nearer the next morning.
    assert nearest_in_hours(at(11, 23), HOURS, now=at(11, 10)) == at(12, 8)
    # The last call already gone: the next morning.
    assert nearest_in_hours(at(11, 20, 30), HOURS, now=at(11, 19, 50)) == at(12, 8)
    # Early in the morning: the opening that day, as before.
    assert nearest_in_hours(at(11, 6), HOURS, now=at(10, 22)) == at(11, 8)
    # Open then: as asked.
    assert nearest_in_hours(at(11, 15), HOURS, now=at(11, 10)) == at(11, 15)


def test_a_time_on_a_day_nobody_is_in_keeps_its_hour_on_the_next_day_they_are():
    from actions.hours import nearest_in_hours

    # "tomorrow at 11am" said on a Saturday (CI on Saturday 5 December 2026 booked Monday 8:00 am): Monday at 11.
    assert nearest_in_hours(at(15, 11), HOURS, now=at(14, 1)) == at(16, 11)
    assert nearest_in_hours(at(15, 12, 30), HOURS, now=at(14, 1)) == at(16, 12, 30)
    # The hour outside Monday's hours too: Monday's opening.
    assert nearest_in_hours(at(15, 7), HOURS, now=at(14, 1)) == at(16, 8)
    assert nearest_in_hours(at(15, 21), HOURS, now=at(14, 1)) == at(16, 8)
    # A day the team is in, but not at that hour, is not a closed day: Saturday 6pm is still that day's last call.
    assert nearest_in_hours(at(14, 18), HOURS, now=at(14, 10)) == at(14, 16, 45)


def test_a_reference_beside_tomorrow_morning_keeps_the_day():
    # "please get someone to call me about my bill BL-30019 tomorrow morning" was booked for this morning: dateparser
    # finds no date beside a reference.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from actions.callback_time import parse_callback_time

    now = datetime(2026, 12, 3, 8, 10, tzinfo=ZoneInfo("America/New_York"))
    moment = parse_callback_time("please get someone to call me about my bill BL-30019 tomorrow morning", now)
    assert moment is not None and moment.day == 4 and moment.hour == 10
