"""gracious/times_abroad.py: a call's day and time typed in another language, in English words."""

import pytest

from gracious.times_abroad import in_english, names_a_time


@pytest.mark.parametrize(
    "text, language, english",
    [
        # Blind panel p48 21.
        ("mañana a las 10", "es", "tomorrow at 10"),
        ("hoy a las 3 de la tarde", "es", "today at 3 pm"),
        ("demain matin", "fr", "tomorrow morning"),
        ("morgen um 10 Uhr", "de", "tomorrow at 10 o'clock"),
    ],
)
def test_a_time_in_another_language_reads_in_english(text, language, english):
    assert in_english(text, language) == english


def test_words_of_no_time_are_left_as_they_are():
    assert in_english("ya te lo dije", "es") == "ya te lo dije"
    assert not names_a_time("ya te lo dije", "es")
    assert names_a_time("el viernes", "es")


def test_an_hour_written_with_h_is_a_clock_time():
    # Blind panel p50 23: "demain matin 9h" was booked for 10:00 am, and "non, 9h, pas 10h" was refused.
    assert in_english("demain matin 9h, mon numéro est le +1 555 0444", "fr") == (
        "tomorrow morning 9:00, mon numéro est le +1 555 0444"
    )
    assert in_english("non, 9h, pas 10h", "fr") == "non, 9:00, pas 10:00"
    assert in_english("demain 14h30", "fr") == "tomorrow 14:30"
