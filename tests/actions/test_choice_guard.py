"""actions/choice_guard.py: a typed "NO. I NEEDED IT FOR SATURDAY" read as the refund is never granted.

The desk queue's second panel (#17): offered a refund for a late order, the customer's angry
"NO. I NEEDED IT FOR SATURDAY" was read as choosing the refund and granted at once, and an
agent cannot take a grant back. The last check before a grant asks which option instead.
"""

from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.apply_alternative import ActionApplyAlternative
from tests.actions import run_action, tracker_from
from tests.actions.test_apply_alternative import grants_for

REFUND = [{"entity": "alternative", "value": "refund", "start": 0, "end": 5}]


def typed(text: str, **latest):
    tracker = tracker_from("alternatives_offered", slots={"alternative": "refund"}, text=text, entities=REFUND)
    tracker.latest_message.update(latest)
    return tracker


@pytest.mark.parametrize(
    "text",
    [
        "NO. I NEEDED IT FOR SATURDAY",
        "no i needed it for saturday",
        "I DONT WANT MY MONEY I WANT MY GRINDER",
        "never mind the money, where is it",
        "a refund is no good to me",
    ],
)
def test_a_no_or_an_outburst_read_as_a_grant_is_asked_about_not_granted(domain, text):
    dispatcher, events = run_action(ActionApplyAlternative(), typed(text), domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_which_alternative"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]][-2:] == [
        '/choose_alternative{"alternative": "refund"}',
        "/deny",
    ]
    assert events == [SlotSet("alternative", None), FollowupAction("action_listen")]
    assert grants_for("LK-10423") == []


@pytest.mark.parametrize(
    "text, latest",
    [
        ("refund please", {}),
        ("the refund", {}),
        ("I'll take the money back", {}),
        ("NO, the refund please", {}),  # a no, then a clear pick
        ("A FULL REFUND", {}),  # the button's own words, in capitals
        ("no i need the refund", {"typed_choice": "A full refund"}),  # read against the buttons already
        ('/choose_alternative{"alternative": "refund"}', {}),  # a click
    ],
)
def test_a_clear_pick_or_a_click_is_granted(domain, text, latest):
    dispatcher, _ = run_action(ActionApplyAlternative(), typed(text, **latest), domain)

    assert [m["response"] for m in dispatcher.messages][:1] == [
        "utter_confirm_refund_in_transit"
    ]  # the grinder is still on its way
    assert [g["kind"] for g in grants_for("LK-10423")] == ["refund"]


def test_a_person_asked_for_beside_a_grant_read_is_handed_over_never_granted(domain):
    # Panel P3 c18: verified, the options on screen, this was granted as the refund.
    text = (
        "They don't 'look different', I ordered a 10 and got a 9. Second time this has happened. "
        "I'd like to speak to someone about it."
    )
    dispatcher, events = run_action(ActionApplyAlternative(), typed(text), domain)

    assert dispatcher.messages == []
    assert events == [SlotSet("alternative", None), FollowupAction("action_handoff")]
    assert grants_for("LK-10423") == []


@pytest.mark.parametrize(
    "text",
    [
        "Second time this has happened, and the money is not really the point",
        "I suppose money back might be one way of looking at it if nothing else works",
    ],
)
def test_a_calm_message_without_a_clear_pick_is_asked_about_not_granted(domain, text):
    dispatcher, events = run_action(ActionApplyAlternative(), typed(text), domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_which_alternative"]
    assert events == [SlotSet("alternative", None), FollowupAction("action_listen")]
    assert grants_for("LK-10423") == []
