"""gracious/contact_details.py: the emails and phone numbers in what a customer typed, whole."""

import pytest

from gracious.contact_details import contacts, number_only


@pytest.mark.parametrize(
    "text, number",
    [
        ("555 0142 771", "555 0142 771"),  # never cut to "555 0142"
        ("its 555 0142 771 thanks", "555 0142 771"),
        ("call 0207 946 0958", "0207 946 0958"),
        ("+1 555 0199", "+1 555 0199"),
        ("it is 1-555-0199", "1-555-0199"),
        ("(555) 0199", "(555) 0199"),
        ("no number here", "no number here"),
    ],
)
def test_the_whole_number_is_taken(text, number):
    assert number_only(text) == number


def test_two_numbers_stay_two_and_an_email_stays_apart():
    assert contacts("555 0134 or 555 0178") == ([], ["555 0134", "555 0178"])
    assert contacts("maya.okafor@example.com +1 555 0134") == (["maya.okafor@example.com"], ["+1 555 0134"])


def test_a_date_is_no_number():
    assert contacts("charged on 2026-11-03") == ([], [])
