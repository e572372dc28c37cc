"""Calls booked, moved and cancelled in the chat keep their promises: each change writes, in the
same records transaction, its commitment for the company's systems and (with an address) its email;
a customer nobody called back is offered a call the same business day; an agent's outcome at the
desk reaches the company's systems."""

import asyncio
import json
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
from rasa_sdk.executor import CollectingDispatcher

import actions.callback_cancel
import actions.callback_soonest
import actions.repair
import actions.schedule_callback
import actions.status
from actions.callback_soonest import ActionAskCallbackTime, soonest
from actions.hours import example_times
from actions.repair import ActionCancel
from actions.schedule_callback import ActionScheduleCallback, ValidateCallbackForm
from actions.status import ActionWhereThingsStand
from gracious import stores
from gracious.outbox import promises
from gracious.outbox.table import rows as outbox_rows
from gracious.settings import settings
from gracious.stores import callback_changes
from gracious.stores.records import ensure_schema, handoffs, outbox
from server.desk.agents import Agent
from server.desk.store import DeskStore
from tests.actions import WEDNESDAY_10AM, at, freeze_time, message, run_action, tracker_from

PRIYA_EMAIL = "priya.n@example.com"
# The case's record was checked as Priya's (actions/case.py writes "verified" with her details).
VERIFIED_FACTS = {
    "reference": "LK-10423",
    "customer_id": "C003",
    "customer_name": "Priya",
    "customer_phone": "+1 555 0199",
    "customer_email": PRIYA_EMAIL,
    "verified": True,
}


def outbox_now() -> List[Dict[str, Any]]:
    def read(conn):
        return outbox_rows(conn, outbox)

    return asyncio.run(stores.records().run(read))


def callbacks_now() -> List[Dict[str, Any]]:
    return asyncio.run(stores.records().rows("callbacks"))


def call_key(callback_id: int = 1) -> str:
    """The start of the call's promises' keys: its id and when it was booked."""
    [row] = [r for r in callbacks_now() if r["id"] == callback_id]
    return callback_changes.callback_key(SimpleNamespace(**row))


def keys() -> List[tuple]:
    return [(r["kind"], r["key"], r["topic"], r["recipient"]) for r in outbox_now()]


def book_for_priya(domain, monkeypatch, when="2025-06-12T15:00:00-04:00", **slots):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    tracker = tracker_from("callback_form", slots={"callback_time": when, "case_facts": VERIFIED_FACTS, **slots})
    return run_action(ActionScheduleCallback(), tracker, domain)


def test_booking_writes_the_call_its_commitment_and_its_confirmation_email_together(domain, monkeypatch):
    dispatcher, _ = book_for_priya(domain, monkeypatch)

    assert dispatcher.messages == [
        message(response="utter_callback_booked", callback_when="tomorrow at 3:00 pm", phone_tail="0199"),
        message(response="utter_callback_email_on_its_way", email=PRIYA_EMAIL),
    ]
    [call] = callbacks_now()
    assert (call["id"], call["status"], call["scheduled_for"]) == (1, "booked", datetime(2025, 6, 12, 19, 0))
    commitment, email = outbox_now()
    assert (commitment["kind"], commitment["key"], commitment["topic"]) == (
        "webhook",
        f"{call_key()}:booked",
        "callback_booked",
    )
    assert commitment["payload"]["id"] == f"{call_key()}:booked"
    assert commitment["payload"]["event"] == "callback_booked"
    assert commitment["payload"]["data"] == {
        "callback_id": 1,
        "sender_id": "priya-grinder",
        "handoff_id": 3,
        "customer_id": "C003",
        "scheduled_for": "2025-06-12T19:00:00Z",
        "local_time": "2025-06-12T15:00:00-04:00",
        "timezone": "America/New_York",
        "phone": "+1 555 0199",
        "reason": "check_order_status",
        "status": "booked",
    }
    assert (email["kind"], email["key"], email["topic"], email["recipient"], email["status"]) == (
        "email",
        f"{call_key()}:booked:email",
        "callback_booked",
        PRIYA_EMAIL,
        "pending",
    )
    mail = email["payload"]
    assert mail["to"] == PRIYA_EMAIL
    assert mail["template"] == "callback_booked"
    assert mail["subject"] == "Your call with us: Thursday 12 June at 3:00 pm, New York time"
    assert mail["text"].startswith("Hello Priya,\n")
    assert "ring you on Thursday 12 June at 3:00 pm, New York time, on the number ending 0199." in mail["text"]
    assert '"move my call to 4pm"' in mail["text"] and '"cancel the call"' in mail["text"]
    # Never the whole number in an email.
    assert "555 0199" not in mail["text"] and "5550199" not in mail["html"]
    assert "<p>Your call is booked. Someone from our care team will ring you on Thursday 12 June" in mail["html"]


def test_without_an_address_the_call_is_booked_and_promised_to_the_company_but_no_email_is_claimed(domain, monkeypatch):
    # Verified for three accounts and none of them the case's: no address to write to.
    dispatcher, _ = book_for_priya(domain, monkeypatch, case_facts={"reference": "LK-10423"}, phone="555 0142 777")

    assert dispatcher.messages == [
        message(response="utter_callback_booked", callback_when="tomorrow at 3:00 pm", phone_tail="2777")
    ]
    assert len(callbacks_now()) == 1
    assert keys() == [("webhook", f"{call_key()}:booked", "callback_booked", "callback_booked")]


def test_an_address_given_in_the_chat_gets_the_confirmation(domain, monkeypatch):
    dispatcher, _ = book_for_priya(
        domain, monkeypatch, case_facts={"reference": "LK-10423"}, email="p.nat@example.org", phone="555 0142 777"
    )
    assert dispatcher.messages[-1] == message(response="utter_callback_email_on_its_way", email="p.nat@example.org")
    assert keys()[-1] == ("email", f"{call_key()}:booked:email", "callback_booked", "p.nat@example.org")


def test_a_call_that_cannot_be_promised_is_not_booked_either(domain, monkeypatch):
    """The row and its promises are one transaction: a failed email leaves no call behind."""

    def broken(*args, **kwargs):
        raise RuntimeError("the email could not be written")

    monkeypatch.setattr(promises, "email", broken)
    with pytest.raises(RuntimeError):
        book_for_priya(domain, monkeypatch)
    assert callbacks_now() == []
    assert outbox_now() == []


def test_each_move_changes_the_one_call_and_is_its_own_promise(domain, monkeypatch):
    book_for_priya(domain, monkeypatch)
    for new_time, old_when, new_when in (
        ("2025-06-12T16:00:00-04:00", "tomorrow at 3:00 pm", "tomorrow at 4:00 pm"),
        ("2025-06-12T15:00:00-04:00", "tomorrow at 4:00 pm", "tomorrow at 3:00 pm"),
    ):
        tracker = tracker_from(
            "callback_form",
            slots={
                "callback_id": "1",
                "callback_time": new_time,
                "callback_phone": "+1 555 0199",
                "case_facts": VERIFIED_FACTS,
            },
        )
        dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)
        assert dispatcher.messages == [
            message(response="utter_callback_moved", old_when=old_when, callback_when=new_when, phone_tail="0199"),
            message(response="utter_callback_email_on_its_way", email=PRIYA_EMAIL),
        ]

    [call] = callbacks_now()
    assert (call["id"], call["status"], call["scheduled_for"]) == (1, "booked", datetime(2025, 6, 12, 19, 0))
    assert keys() == [
        ("webhook", f"{call_key()}:booked", "callback_booked", "callback_booked"),
        ("email", f"{call_key()}:booked:email", "callback_booked", PRIYA_EMAIL),
        ("webhook", f"{call_key()}:moved:1", "callback_moved", "callback_moved"),
        ("email", f"{call_key()}:moved:1:email", "callback_moved", PRIYA_EMAIL),
        ("webhook", f"{call_key()}:moved:2", "callback_moved", "callback_moved"),
        ("email", f"{call_key()}:moved:2:email", "callback_moved", PRIYA_EMAIL),
    ]
    first_move = outbox_now()[2]["payload"]["data"]
    assert (first_move["move"], first_move["scheduled_for"], first_move["previous_scheduled_for"]) == (
        1,
        "2025-06-12T20:00:00Z",
        "2025-06-12T19:00:00Z",
    )
    moved_mail = outbox_now()[3]["payload"]
    assert moved_mail["subject"] == "Your call has moved to Thursday 12 June at 4:00 pm, New York time"
    assert "It was Thursday 12 June at 3:00 pm, New York time; now" in moved_mail["text"]


def test_a_new_number_for_the_call_is_a_move_too(domain, monkeypatch):
    book_for_priya(domain, monkeypatch)
    tracker = tracker_from(
        "empty_tracker",
        text="use 555 0142 instead",
        slots={"callback_id": "1", "case_facts": VERIFIED_FACTS},
    )
    message_data = dict(tracker.latest_message, repair="phone_change")
    tracker.latest_message = message_data
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)

    assert dispatcher.messages[-1] == message(response="utter_callback_email_on_its_way", email=PRIYA_EMAIL)
    [call] = callbacks_now()
    assert call["phone"] == "555 0142"
    moved = outbox_now()[2]
    assert (moved["key"], moved["payload"]["data"]["phone"], moved["payload"]["data"]["previous_phone"]) == (
        f"{call_key()}:moved:1",
        "555 0142",
        "+1 555 0199",
    )
    assert (
        "It was Thursday 12 June at 3:00 pm, New York time, on the number ending 0199; now someone from our care"
        " team will ring you on Thursday 12 June at 3:00 pm, New York time, on the number ending 0142."
    ) in " ".join(outbox_now()[3]["payload"]["text"].split())


def test_cancelling_the_call_writes_its_commitment_and_email_once(domain, monkeypatch):
    book_for_priya(domain, monkeypatch)
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    tracker = tracker_from(
        "empty_tracker",
        text="I don't need the call any more",
        intent="cancel",
        slots={"callback_id": "1", "case_facts": VERIFIED_FACTS},
        sender_id="priya-grinder",  # the conversation the call was booked in
    )
    dispatcher, _ = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_callback_call_cancelled", callback_when="tomorrow at 3:00 pm"),
        message(response="utter_callback_email_on_its_way", email=PRIYA_EMAIL),
    ]
    assert callbacks_now()[0]["status"] == "cancelled"
    assert keys()[2:] == [
        ("webhook", f"{call_key()}:cancelled", "callback_cancelled", "callback_cancelled"),
        ("email", f"{call_key()}:cancelled:email", "callback_cancelled", PRIYA_EMAIL),
    ]
    assert outbox_now()[3]["payload"]["subject"] == "Your call is cancelled"

    # Cancelled again: nothing to cancel, nothing more promised, no email claimed.
    dispatcher, _ = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_callback_nothing_to_cancel")]
    assert len(outbox_now()) == 4


def test_cancelling_without_an_address_says_nothing_of_an_email(domain, monkeypatch):
    asyncio.run(stores.records().book_callback("priya-grinder", at(12, 15), "+1 555 0199", "callback", None))
    freeze_time(monkeypatch, actions.callback_cancel, WEDNESDAY_10AM)
    tracker = tracker_from(
        "empty_tracker", text="cancel the call", intent="cancel", slots={"callback_id": "1"}, sender_id="priya-grinder"
    )
    dispatcher, _ = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_callback_call_cancelled", callback_when="tomorrow at 3:00 pm")
    ]
    assert keys() == [
        ("webhook", f"{call_key()}:booked", "callback_booked", "callback_booked"),
        ("webhook", f"{call_key()}:cancelled", "callback_cancelled", "callback_cancelled"),
    ]


def test_written_time_names_the_day_and_the_timezone():
    assert callback_changes.written_time(datetime(2025, 6, 16, 12, 0)) == "Monday 16 June at 8:00 am, New York time"
    assert callback_changes.phone_tail("(555) 010-7788") == "7788"


# A customer nobody called back: a call the same business day.


def no_return_call(**slots):
    return tracker_from(
        "callback_form",
        slots={"case_type": "complain_no_response", "policy_id": "same_day_callback", "callback_time": None, **slots},
    )


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(11, 10), at(11, 10, 15)),
        (at(11, 10, 7), at(11, 10, 30)),
        (at(11, 19, 44), at(12, 8)),  # 19:59 rounds up to 20:00, when the team has gone
        (at(11, 19, 30), at(11, 19, 45)),
        (at(14, 16, 50), at(16, 8)),  # Saturday after the last slot: Monday morning
    ],
)
def test_the_soonest_slot_is_a_quarter_hour_on_within_care_hours(now, expected):
    assert soonest(now) == expected


def test_a_customer_nobody_called_back_is_offered_the_soonest_call_today(domain, monkeypatch):
    freeze_time(monkeypatch, actions.callback_soonest, WEDNESDAY_10AM)
    dispatcher, events = run_action(ActionAskCallbackTime(), no_return_call(), domain)
    assert dispatcher.messages == [
        message(
            response="utter_callback_soonest_today",
            callback_when="today at 10:15 am",
            soonest_at=at(11, 10, 15).isoformat(),
        )
    ]
    assert events == []


def test_when_the_team_has_gone_home_the_next_morning_is_said_honestly(domain, monkeypatch):
    freeze_time(monkeypatch, actions.callback_soonest, at(11, 19, 50))
    dispatcher, _ = run_action(ActionAskCallbackTime(), no_return_call(), domain)
    assert dispatcher.messages == [
        message(
            response="utter_callback_soonest_next_day",
            callback_when="tomorrow at 8:00 am",
            soonest_at=at(12, 8).isoformat(),
        )
    ]


def test_with_the_team_in_round_the_clock_a_call_just_after_midnight_is_not_said_to_be_after_they_left(
    domain, monkeypatch, care_team_always_in
):
    freeze_time(monkeypatch, actions.callback_soonest, at(11, 23, 50))
    dispatcher, _ = run_action(ActionAskCallbackTime(), no_return_call(), domain)
    [said] = dispatcher.messages
    assert said["response"] == "utter_callback_soonest_after_midnight"
    assert said["soonest_at"] == at(12, 0, 15).isoformat()


@pytest.mark.parametrize(
    "now, first, second",
    [
        (at(11, 10), "today at noon", "tomorrow morning"),
        (at(11, 14, 40), "today at 4pm", "tomorrow morning"),
        (at(11, 19, 10), "tomorrow at 8am", "Friday morning"),  # after the last whole hour
        (at(11, 23, 0), "tomorrow at 8am", "Friday morning"),  # blind panel p44: never "today at 4pm" at 11 pm
        (at(14, 16, 0), "Monday at 8am", "Tuesday morning"),  # Saturday afternoon; nobody in on Sunday
    ],
)
def test_the_example_times_are_times_the_team_is_in(now, first, second):
    assert example_times(now, settings().care_hours) == (first, second)


def test_other_customers_are_asked_for_a_time_with_examples_from_the_clock(domain, monkeypatch):
    freeze_time(monkeypatch, actions.callback_soonest, at(11, 23, 0))
    dispatcher, _ = run_action(ActionAskCallbackTime(), tracker_from("callback_form"), domain)
    assert dispatcher.messages == [
        message(response="utter_ask_callback_time", first_example="tomorrow at 8am", second_example="Friday morning")
    ]


def offered_then(text: str, soonest_at: datetime):
    offer = {
        "event": "bot",
        "text": "The soonest someone from our team can ring you is today at 10:15 am. Shall I book that?",
        "metadata": {"utter_action": "utter_callback_soonest_today", "soonest_at": soonest_at.isoformat()},
    }
    user = {"event": "user", "text": text, "parse_data": {"intent": {"name": "affirm"}, "text": text}}
    return no_return_call(requested_slot="callback_time"), [offer, user]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes please", at(11, 10, 15)),
        ("that works", at(11, 10, 15)),
        ("ok book it", at(11, 10, 15)),
        ("thanks", at(11, 10, 15)),  # to "Shall I book that?"
        ("today at 4pm", at(11, 16)),
        ("no, tomorrow at 9am", at(12, 9)),
    ],
)
def test_a_yes_to_the_offer_books_that_time_and_a_named_time_stays_theirs(domain, monkeypatch, text, expected):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    base, events = offered_then(text, at(11, 10, 15))
    tracker = tracker_from(
        "callback_form",
        slots=dict(base.slots),
        text=text,
        events=list(base.events) + events,
    )
    result = asyncio.run(ValidateCallbackForm().validate_callback_time(text, CollectingDispatcher(), tracker, domain))
    assert result == {"callback_time": expected.isoformat(), "callback_attempts": None}


def test_a_yes_without_an_offer_is_not_a_time(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher = CollectingDispatcher()
    tracker = tracker_from("callback_form", text="yes please")
    result = asyncio.run(ValidateCallbackForm().validate_callback_time("yes please", dispatcher, tracker, domain))
    assert result == {"callback_time": None, "callback_attempts": 1.0}


# An agent's outcome at the desk reaches the company's systems.


def desk_with_a_case(tmp_path, sender_id: str, summary: dict):
    """A desk store with one waiting handoff of ``sender_id`` (``summary`` its case card), Sam, and its id."""
    store = DeskStore(f"sqlite:///{tmp_path / 'desk.db'}")
    ensure_schema(store.engine)
    with store.engine.begin() as conn:
        handoff_id = conn.execute(
            handoffs.insert().values(
                sender_id=sender_id,
                reason="customer_asked",
                team="customer_care",
                status="waiting",
                summary=json.dumps(summary),
                created_at=datetime(2025, 6, 11, 14, 0),
            )
        ).inserted_primary_key[0]
    return store, Agent(id=1, name="sam", display_name="Sam Lee"), handoff_id


def test_an_agents_outcome_is_a_commitment_written_with_it(tmp_path):
    summary = {"reference": "BL-30017", "verified": True, "customer": {"id": "C001", "name": "Maya Okafor"}}
    store, sam, handoff_id = desk_with_a_case(tmp_path, "maya", summary)
    asyncio.run(store.claim(handoff_id, sam))
    assert asyncio.run(store.finish(handoff_id, sam, "resolved")) is True
    # Finished once: a second finish is refused and promises nothing more.
    assert asyncio.run(store.finish(handoff_id, sam, "resolved")) is False

    with store.engine.connect() as conn:
        [row] = outbox_rows(conn, outbox)
        finished_at = conn.execute(sa.select(handoffs.c.finished_at)).scalar()
    store.engine.dispose()
    assert finished_at is not None
    assert (row["kind"], row["key"], row["topic"], row["sender_id"]) == (
        "webhook",
        f"handoff:{handoff_id}:20250611T140000000000Z:outcome",
        "agent_outcome",
        "maya",
    )
    assert row["payload"]["event"] == "agent_outcome"
    assert row["payload"]["data"] == {
        "handoff_id": handoff_id,
        "outcome": "resolved",
        "agent": "sam",
        "reason": "customer_asked",
        "reference": "BL-30017",
        "customer_id": "C001",
        "sender_id": "maya",
    }


def test_an_unverified_customers_account_never_travels_with_the_outcome(tmp_path):
    summary = {"reference": "LK-10421", "verified": False, "customer": {"id": "C001"}}
    store, sam, handoff_id = desk_with_a_case(tmp_path, "stranger", summary)
    asyncio.run(store.claim(handoff_id, sam))
    asyncio.run(store.finish(handoff_id, sam, "resolved"))
    with store.engine.connect() as conn:
        [row] = outbox_rows(conn, outbox)
    store.engine.dispose()
    assert row["payload"]["data"]["customer_id"] is None
    assert row["payload"]["data"]["reference"] == "LK-10421"


def test_a_new_time_without_a_day_never_moves_the_call_into_the_past(domain, monkeypatch):
    """ "make it 4pm" at 4:30 pm about a call booked for 5 pm today: tomorrow at 4 pm."""
    asyncio.run(stores.records().book_callback("priya-grinder", at(11, 17), "+1 555 0199", "callback", None))
    freeze_time(monkeypatch, actions.schedule_callback, at(11, 16, 30))
    tracker = tracker_from("callback_form", text="make it 4pm", slots={"callback_id": "1"})
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time("make it 4pm", CollectingDispatcher(), tracker, domain)
    )
    assert result == {"callback_time": at(12, 16).isoformat(), "callback_attempts": None}
    # Before 4 pm the same words keep the booked day.
    freeze_time(monkeypatch, actions.schedule_callback, at(11, 15))
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time("make it 4pm", CollectingDispatcher(), tracker, domain)
    )
    assert result == {"callback_time": at(11, 16).isoformat(), "callback_attempts": None}


@pytest.mark.parametrize(
    "said, moved",
    [
        ("just make sure someone calls tomorrow", False),  # the day again: the call as it stands
        ("tomorrow morning instead", True),  # a part of the day: moved
        ("tomorrow at 10am", True),
    ],
)
def test_the_day_of_the_call_named_again_keeps_its_hour(domain, monkeypatch, said, moved):
    # Blind panel p38: "just make sure someone calls tomorrow" moved a 2 pm call to 10 am.
    book_for_priya(domain, monkeypatch)
    tracker = tracker_from(
        "callback_form",
        slots={
            "callback_id": "1",
            "callback_time": "2025-06-12T10:00:00-04:00",  # "tomorrow" read as its morning
            "callback_phone": "+1 555 0199",
            "case_facts": VERIFIED_FACTS,
        },
        text=said,
    )
    dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)
    [call] = callbacks_now()
    if moved:
        assert dispatcher.messages[0]["response"] == "utter_callback_moved"
        assert call["scheduled_for"] == datetime(2025, 6, 12, 14, 0)
    else:
        assert dispatcher.messages == [
            message(response="utter_callback_already_then", callback_when="tomorrow at 3:00 pm", phone_tail="0199")
        ]
        assert call["scheduled_for"] == datetime(2025, 6, 12, 19, 0)


def test_another_hour_offered_outside_the_teams_hours_is_asked_about_then_booked_on_a_yes(domain, monkeypatch):
    # Blind panel p54 B10: "weekdays after 6pm only" was booked for 8:00 am without a word of asking.
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    offered = {
        "event": "bot",
        "text": "Our care team has gone home by then, so the closest a person can call is today at 7:45 pm.",
        "metadata": {"utter_action": "utter_callback_outside_hours_earlier", "soonest_at": at(11, 19, 45).isoformat()},
    }
    said = {"event": "user", "text": "call me tonight at 9", "parse_data": {"intent": {"name": "inform"}}}
    asked = tracker_from("callback_form", events=[said, offered])
    dispatcher, _ = run_action(ActionAskCallbackTime(), asked, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_offered_confirm"]
    confirm = {
        "event": "bot",
        "text": "Shall I book that, or would another time suit you better?",
        "metadata": {
            "utter_action": "utter_callback_offered_confirm",
            "soonest_at": dispatcher.messages[0]["soonest_at"],
        },
    }
    yes = {"event": "user", "text": "ok yes", "parse_data": {"intent": {"name": "affirm"}, "text": "ok yes"}}
    tracker = tracker_from("callback_form", text="ok yes", events=[said, offered, confirm, yes])
    result = asyncio.run(
        ValidateCallbackForm().validate_callback_time("ok yes", CollectingDispatcher(), tracker, domain)
    )
    assert result == {"callback_time": at(11, 19, 45).isoformat(), "callback_attempts": None}


def test_without_another_hour_offered_the_time_is_asked_as_ever(domain, monkeypatch):
    freeze_time(monkeypatch, actions.schedule_callback, WEDNESDAY_10AM)
    dispatcher, _ = run_action(ActionAskCallbackTime(), tracker_from("callback_form"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_callback_time"]


def test_today_asked_for_when_nobody_is_in_again_today_is_said_before_the_question(domain, monkeypatch):
    # Blind panel p60 G03: "can someone ring me later today, like after work sometime" on a Sunday got the question as if
    # today could be booked.
    freeze_time(monkeypatch, actions.callback_soonest, at(15, 12))  # Sunday 15 June 2025, noon: nobody in
    asked = tracker_from(
        "callback_form",
        text="can someone ring me later today, like after work sometime",
        slots={"case_type": "check_order_status", "policy_id": "late_delivery_goodwill", "callback_time": None},
    )
    dispatcher, _ = run_action(ActionAskCallbackTime(), asked, domain)
    assert dispatcher.messages == [
        message(response="utter_ask_callback_time_not_today", callback_when="tomorrow at 8:00 am")
    ]
    # Not a day told of ("so rude to me today"), nor on a day the team is in.
    told = tracker_from(
        "callback_form",
        text="the guy at the market square cafe was so rude to me today, I want to talk to a person",
        slots={"case_type": "complain_service", "policy_id": "service_recovery", "callback_time": None},
    )
    dispatcher, _ = run_action(ActionAskCallbackTime(), told, domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_callback_time"
    freeze_time(monkeypatch, actions.callback_soonest, WEDNESDAY_10AM)
    dispatcher, _ = run_action(ActionAskCallbackTime(), asked, domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_callback_time"
