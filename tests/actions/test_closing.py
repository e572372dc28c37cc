"""action_close_conversation: thank the customer, log the concern once, queue a note."""

import asyncio

from rasa_sdk.events import SlotSet

from actions.closing import ActionCloseConversation
from gracious import stores
from tests.actions import message, run_action, tracker_from


def rows(table):
    """A records table's rows, without ids and clocks."""
    return [
        {k: v for k, v in row.items() if k not in ("id", "created_at")}
        for row in asyncio.run(stores.records().rows(table))
    ]


def test_closing_a_case_logs_the_concern_and_queues_a_thank_you_note(domain):
    dispatcher, events = run_action(ActionCloseConversation(), tracker_from("case_resolved"), domain)

    assert dispatcher.messages == [message(response="utter_thank_for_chance")]
    assert events == [SlotSet("concern_logged", True)]
    assert rows("concerns") == [
        {
            "sender_id": "maya-dress",
            "category": "report_wrong_item",
            "policy_id": "wrong_item_company_error",
            "outcome": "replacement_overnight",
            "frustration": 2,
        }
    ]
    # The note is an email in the outbox (tests/actions/test_promises.py has its every detail).
    [note] = rows("thank_you_notes")
    assert (note["customer_id"], note["response"], note["status"]) == ("C001", "thank_you", "in_outbox")
    assert note["outbox_key"] == "thank-you:maya-dress:report_wrong_item:LK-10421"


def test_closing_again_does_not_log_the_same_concern_twice(domain):
    _, first = run_action(ActionCloseConversation(), tracker_from("case_resolved"), domain)
    logged = {e["name"]: e["value"] for e in first}

    dispatcher, events = run_action(ActionCloseConversation(), tracker_from("case_resolved", slots=logged), domain)

    assert dispatcher.messages == [message(response="utter_goodbye")]
    assert events == []
    assert len(rows("concerns")) == 1
    assert len(rows("thank_you_notes")) == 1


def test_without_a_case_closing_just_says_goodbye(domain):
    tracker = tracker_from("empty_tracker", intent="goodbye", text="bye")
    dispatcher, events = run_action(ActionCloseConversation(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_goodbye")]
    assert events == []
    assert rows("concerns") == []
    assert rows("thank_you_notes") == []


def test_outcome_is_handed_off_when_a_person_took_over(domain):
    tracker = tracker_from("case_resolved", slots={"accepted_alternative": None, "handoff_id": "4"})
    run_action(ActionCloseConversation(), tracker, domain)

    assert [r["outcome"] for r in rows("concerns")] == ["handed_off"]


def test_outcome_is_declined_all_when_every_offer_was_turned_down(domain):
    tracker = tracker_from(
        "case_resolved",
        slots={"accepted_alternative": None, "declined_alternatives": ["replacement_overnight", "refund"]},
    )
    run_action(ActionCloseConversation(), tracker, domain)

    assert [r["outcome"] for r in rows("concerns")] == ["declined_all"]


def test_outcome_is_explained_or_listened_when_nothing_was_offered(domain):
    # Explained, and the customer calm by the end (a frustrated one with nothing changed gets no note).
    explained = tracker_from("case_resolved", slots={"accepted_alternative": None, "frustration": 0})
    listened = tracker_from(
        "case_resolved",
        slots={"accepted_alternative": None, "explained_policies": None, "case_facts": None},
        sender_id="someone-else",
    )
    run_action(ActionCloseConversation(), explained, domain)
    run_action(ActionCloseConversation(), listened, domain)

    assert [(r["sender_id"], r["outcome"]) for r in rows("concerns")] == [
        ("maya-dress", "explained"),
        ("someone-else", "listened"),
    ]
    # Nobody to address the note to: no note at all.
    assert [(r["sender_id"], r["customer_id"]) for r in rows("thank_you_notes")] == [("maya-dress", "C001")]


def test_a_close_with_nothing_put_right_never_thanks_for_a_fix(domain):
    from actions.closing import closing_words

    explained = tracker_from(
        "case_resolved",
        slots={"accepted_alternative": None, "handoff_id": None, "callback_id": None, "frustration": 0.0},
    )
    assert closing_words(explained) == "utter_close_explained"
    unhappy = tracker_from(
        "case_resolved",
        slots={"accepted_alternative": None, "handoff_id": None, "callback_id": None, "frustration": 2.0},
    )
    assert closing_words(unhappy) == "utter_close_unresolved"
    assert closing_words(tracker_from("case_resolved")) == "utter_thank_for_chance"


def test_a_call_arranged_is_not_thanked_as_a_fix_and_safety_closes_with_care(domain):
    from actions.closing import closing_words

    booked = tracker_from(
        "case_resolved",
        slots={"accepted_alternative": None, "handoff_id": None, "callback_id": "7", "frustration": 0.0},
    )
    assert closing_words(booked) == "utter_close_arranged"
    booked.events.append({"event": "user", "text": "my lips are swelling", "parse_data": {"safety": True}})
    assert closing_words(booked) == "utter_close_safety"
