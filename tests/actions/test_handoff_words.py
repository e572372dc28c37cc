"""actions/handoff.py problem_told: the problem said beside taking the CEO's office, heard back in their words."""

import pytest

from actions.handoff import problem_told


@pytest.mark.parametrize(
    "text, told",
    [
        # Blind panel p48 18: the office taken, and the lamp told in the same message.
        (
            "fine pass it to the office. my issue is my lamp died after 2 months and nobody will refund it",
            "my lamp died after 2 months and nobody will refund it",
        ),
        (
            "whatever, escalate it. the lamp i bought broke and you refuse to refund",
            "the lamp i bought broke and you refuse to refund",
        ),
        ("fine pass it to the office", None),
        # Blind panel p50 10: quoted back as "no and it better be today", pieced together from a demand.
        ("no. just put me through to the CEO office thing then. and it better be today", None),
        ("ok pass my case to the ceo office please", None),
        ('/choose_alternative{"alternative": "ceo_office"}', None),
        # Blind panel p54 A06: quoted with "the ceo office thing." in front.
        (
            "fine. the ceo office thing. and tell them about the two calls nobody made",
            "tell them about the two calls nobody made",
        ),
    ],
)
def test_the_problem_beside_the_choice_is_kept_in_their_words(text, told):
    assert problem_told(text) == told
