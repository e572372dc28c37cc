"""'what are your opening hours': the care hours as configured (GRACIOUS_CARE_HOURS), never a fixed sentence."""

from __future__ import annotations

import pytest

from actions.case import render
from actions.explain_policy import ActionExplainPolicy
from actions.hours import always_open, spoken_hours
from gracious.settings import parse_hours
from tests.actions import run_action, tracker_from, variations


def asked_for_the_hours():
    return tracker_from(
        "empty_tracker",
        intent="ask_policy",
        text="what are your opening hours",
        entities=[{"entity": "policy_topic", "value": "hours"}],
        slots={"policy_topic": "hours"},
    )


def answer(domain):
    dispatcher, _ = run_action(ActionExplainPolicy(), asked_for_the_hours(), domain)
    first = dispatcher.messages[0]
    return render(variations(domain, first["response"])[0], first)


@pytest.mark.parametrize(
    "setting, said",
    [
        (
            "mon-fri 8-20, sat 9-17",
            "Our care team is in from 8am to 8pm Monday to Friday and from 9am to 5pm on Saturday. I'm here any "
            "time, and outside those hours I can book a call for when they're back.",
        ),
        (
            "mon-sat 9-17, sun 10-14",
            "Our care team is in from 9am to 5pm Monday to Saturday and from 10am to 2pm on Sunday. I'm here any "
            "time, and outside those hours I can book a call for when they're back.",
        ),
        ("mon-sun 0-24", "Our care team is in around the clock, every day, and I'm here any time too."),
    ],
)
def test_the_hours_said_are_the_configured_ones(domain, monkeypatch, setting, said):
    monkeypatch.setenv("GRACIOUS_CARE_HOURS", setting)
    assert answer(domain) == said


@pytest.mark.parametrize(
    "setting, words",
    [
        ("mon-fri 8-20, sat 9-17", "from 8am to 8pm Monday to Friday and from 9am to 5pm on Saturday"),
        ("sat 10-16, sun 10-16", "from 10am to 4pm on Saturday and Sunday"),
        ("mon 9-12", "from 9am to noon on Monday"),
        ("mon-fri 0-24", "around the clock Monday to Friday"),
        (
            "mon-fri 8-20, sat 9-17, sun 8-20",
            "from 8am to 8pm Monday to Friday, from 9am to 5pm on Saturday and from 8am to 8pm on Sunday",
        ),
        ("mon-sun 9-17", "from 9am to 5pm every day"),
    ],
)
def test_care_hours_in_words(setting, words):
    hours = parse_hours(setting)
    assert spoken_hours(hours) == words
    assert not always_open(hours)


def test_around_the_clock_is_always_open():
    assert always_open(parse_hours("mon-sun 0-24"))
