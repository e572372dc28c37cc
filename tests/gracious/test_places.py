"""gracious/places.py: the café or shop a case names, and the customer's correction of it (blind panel p54 A12)."""

import pytest

from gracious.places import PLACE_ASKED, corrected_details, place_corrected, place_named, spoken

TOLD = "found a hair in my sandwich at the station cafe this morning, disgusting"


@pytest.mark.parametrize(
    "told, place",
    [(TOLD, "station"), ("my latte from your elm street café was cold", "elm street"), ("my latte was cold", None)],
)
def test_the_place_a_case_names(told, place):
    assert place_named(told) == place


@pytest.mark.parametrize(
    "text, changed",
    [
        ("wait sorry it was riverside not station. i always mix them up", ("riverside", "station")),
        ("i meant the harbour cafe, not station", ("harbour", "station")),
        ("actually riverside, not the station one", ("riverside", "station")),
        ("it was the elm street one not station", ("elm street", "station")),
        ("it was a hair not a bug", None),  # no place
        ("it was yesterday not today", None),
        ("it was riverside not market square", None),  # the case never named Market Square
    ],
)
def test_a_correction_of_the_place_told(text, changed):
    assert place_corrected(text, TOLD) == changed


def test_the_case_told_again_with_the_place_put_right_and_said_as_a_name():
    assert corrected_details(TOLD, "station", "riverside") == TOLD.replace("station", "riverside")
    assert spoken("elm street") == "Elm Street"
    # Every mention, not the first only: "...the station one" later in the telling too.
    told = TOLD + ". the station one always gets it wrong"
    assert "station" not in corrected_details(told, "station", "riverside").lower()


@pytest.mark.parametrize(
    "text", ["which cafe did you write down?", "what cafe have you got down", "which one did u put"]
)
def test_the_place_asked_after(text):
    assert PLACE_ASKED.search(text)
