"""The handoff's card (actions/handoff.py case_summary): each offer in one place, and frustration at least
what the customer's messages after the handoff show where nobody read them for feelings (panel, 1 December: "frustration 0 after two all-caps messages",
"granted or accepted offers still listed as open")."""

from typing import Any, Dict, List

from rasa_sdk import Tracker

from actions.handoff import case_summary, frustration_now, offers

HANDED_OVER = {"event": "slot", "name": "handoff_id", "value": "7"}


def tracker(events: List[Dict[str, Any]], **slots: Any) -> Tracker:
    """A conversation handed over (handoff 7) before ``events``."""
    return Tracker("web-1", slots, {}, [HANDED_OVER, *events], False, None, {}, "action_listen")


def user(text: str, intent: str = "inform") -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


EMPATHIZED = {"event": "action", "name": "action_empathize"}


def test_shouting_nobody_read_for_feelings_counts_and_twice_is_more_than_once() -> None:
    assert frustration_now(tracker([user("hi"), user("where is my order")])) == 0
    assert frustration_now(tracker([user("WHERE IS EVERYONE")])) == 1
    assert frustration_now(tracker([user("WHERE IS EVERYONE"), user("THIS IS TAKING FOREVER")])) == 2
    # A button's payload is no feeling; the assistant's own reading stands when higher.
    assert frustration_now(tracker([user('/choose_alternative{"alternative": "HUMAN_NOW_PLEASE"}')])) == 0
    assert frustration_now(tracker([user("ok")], frustration=3.0)) == 3


def test_at_the_handoff_and_before_it_the_card_has_the_assistants_reading() -> None:
    before = [user("WHERE IS EVERYONE"), user("THIS IS TAKING FOREVER")]
    assert frustration_now(Tracker("web-1", {}, {}, before, False, None, {}, "action_listen")) == 0
    assert frustration_now(Tracker("web-1", {"frustration": 1.0}, {}, before, False, None, {}, "action_listen")) == 1


def test_a_message_the_assistant_read_for_feelings_is_its_reading_not_counted_again() -> None:
    read = [user("WHERE IS MY ORDER"), EMPATHIZED, user("THIS IS TAKING FOREVER")]
    assert frustration_now(tracker(read, frustration=1.0)) == 1  # only the second is unread: one signal
    assert frustration_now(tracker([user("WHERE IS MY ORDER"), EMPATHIZED], frustration=0.0)) == 0


def test_offers_are_granted_declined_or_still_open_each_in_one_place() -> None:
    slots = {
        "offered_alternatives": ["refund", "human", "callback", "exchange", "refund"],
        "declined_alternatives": ["callback", "refund"],
        "granted_alternatives": ["refund"],  # declined first, granted after: granted
        "accepted_alternative": "human",
    }
    assert offers(tracker([], **slots)) == {
        "offered": ["exchange"],
        "granted": ["refund"],
        "declined": ["callback"],
        "accepted": "human",
    }
    summary = case_summary(tracker([user("a person please")], **slots))
    assert (summary["offered"], summary["granted"], summary["declined"]) == (["exchange"], ["refund"], ["callback"])


def test_a_health_message_tells_the_team_what_happened() -> None:
    # A safety message is read as a request for a person; it still tells what happened, so the handoff never says
    # "you can tell them what it's about then" after "my throat is getting tight".
    from actions.handoff_card import told_something

    safety = {
        "event": "user",
        "text": "the barista said no nuts. my throat is getting tight",
        "parse_data": {"intent": {"name": "request_human"}, "safety": True},
    }
    assert told_something(tracker([safety]))
    assert not told_something(tracker([user("a person please", "request_human")]))
