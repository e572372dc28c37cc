"""What the customer panel found after every promise became real (issue #16): the emails
answered from the outbox, a call kept unless its cancelling is asked for, a move with words
before it, another chat's credit told, where updates go, and no thank-you note for someone
who walked away."""

import asyncio
from datetime import datetime, timezone

import sqlalchemy as sa

import actions.repair
import actions.status_records
from actions import promised
from actions.apply_alternative import ActionApplyAlternative
from actions.closing import deserves_note, walked_away
from actions.repair import ActionCancel, wants_call_cancelled
from actions.schedule_callback import wanted_time_text
from actions.status import ActionWhereThingsStand
from gracious import stores
from gracious.stores import company_schema
from tests.actions import WEDNESDAY_10AM, at, freeze_time, message, run_action, tracker_from

PRIYA_HEADPHONES = {
    "customer_id": "C003",
    "customer_name": "Priya",
    "customer_email": "priya.n@example.com",
    "verified": True,
    "reference": "LK-10426",
    "order_item": "headphones",
}


def refund_with_label(domain, sender_id="label-chat"):
    tracker = tracker_from(
        "alternatives_offered",
        slots={
            "case_facts": PRIYA_HEADPHONES,
            "policy_id": "returns_window",
            "offered_alternatives": ["refund", "exchange"],
            "alternative": "refund",
        },
        sender_id=sender_id,
    )
    _, events = run_action(ActionApplyAlternative(), tracker, domain)
    return next(e["value"] for e in reversed(events) if e.get("name") == "settled")


def asked(text, sender_id="label-chat", **slots):
    return tracker_from(
        "empty_tracker",
        text=text,
        intent="ask_status",
        sender_id=sender_id,
        entities=[],
        slots={"case_facts": PRIYA_HEADPHONES, **slots},
    )


def test_the_label_email_is_answered_from_the_outbox_never_denied(domain):
    settled = refund_with_label(domain)
    dispatcher, _ = run_action(
        ActionWhereThingsStand(), asked("was the email with the label sent or not", settled=settled), domain
    )
    responses = [m["response"] for m in dispatcher.messages]
    assert "utter_status_not_started" not in responses
    line = next(m for m in dispatcher.messages if m["response"].startswith("utter_status_email_"))
    assert line["response"] == "utter_status_email_on_its_way"
    assert (line["subject"], line["email"]) == ("Your prepaid return label for LK-10426", "priya.n@example.com")
    assert responses[-1] == "utter_status_email_spam"


def test_a_delivered_email_is_said_sent_and_a_retried_one_said_retrying(domain):
    settled = refund_with_label(domain)
    outbox = company_schema.outbox
    with stores.company().engine.begin() as conn:
        conn.execute(
            sa.update(outbox)
            .where(outbox.c.kind == "email")
            .values(status="delivered", delivered_at=datetime(2025, 6, 11, 14, 5))
        )
    tracker = asked("did you actually send that email? nothing in my inbox yet", settled=settled)
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages][-2:] == ["utter_status_email_sent", "utter_status_email_spam"]
    with stores.company().engine.begin() as conn:
        conn.execute(sa.update(outbox).where(outbox.c.kind == "email").values(status="pending", attempts=2))
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert "utter_status_email_retrying" in [m["response"] for m in dispatcher.messages]


def test_an_email_to_an_address_not_verified_is_never_named(domain):
    refund_with_label(domain)
    # Another chat, verified for nobody: the label to Priya's address is not told.
    tracker = asked("did you send the email?", sender_id="stranger", verified_customers=[], case_facts={})
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert not any(m["response"].startswith("utter_status_email_") for m in dispatcher.messages)


def test_someone_who_types_another_customers_address_hears_nothing_of_their_mail(domain):
    refund_with_label(domain)
    # A stranger's chat names Priya's address: the label sent to her from another chat is not told.
    tracker = asked(
        "did you send the email to priya.n@example.com?",
        sender_id="stranger",
        verified_customers=[],
        case_facts={},
        email="priya.n@example.com",
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert not any(m["response"].startswith("utter_status_email_") for m in dispatcher.messages)
    assert "Your prepaid return label" not in str(dispatcher.messages)


def test_make_sure_they_call_keeps_the_call_and_says_when(domain, monkeypatch):
    freeze_time(monkeypatch, actions.repair, WEDNESDAY_10AM)
    call_id = asyncio.run(stores.records().book_callback("daniel-call", at(12, 10), "+1 555 0178", "callback", None))
    tracker = tracker_from(
        "empty_tracker",
        text="no. just make sure they actually call",
        intent="cancel",
        slots={"callback_id": str(call_id)},
        sender_id="daniel-call",
    )
    dispatcher, events = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_callback_kept", callback_when="tomorrow at 10:00 am", phone_end="0178")
    ]
    assert all(e.get("name") != "callback_id" for e in events)
    assert asyncio.run(stores.records().callback(call_id))["status"] == "booked"


def test_only_an_explicit_wish_cancels_a_call():
    for said in ("cancel the call", "call it off", "i dont need the call anymore", "no call please", "forget it"):
        assert wants_call_cancelled(said), said
    for said in ("no. just make sure they actually call", "will they call on time?", "the call is at 10 right"):
        assert not wants_call_cancelled(said), said


def test_the_time_wanted_is_the_one_moved_to_not_the_one_turned_down():
    assert wanted_time_text("actually 10 is bad, move my call to 4pm") == "4pm"
    assert wanted_time_text("10 doesnt work. make it 4pm tomorrow") == "4pm tomorrow"
    # Blind panel p48 03: the time meant, not the meeting after it.
    assert wanted_time_text("oh wait no sorry i said 3 but i meant 2pm, i have a meeting at 3") == "i meant 2pm"
    assert wanted_time_text("tomorrow at 10am") == "tomorrow at 10am"
    assert wanted_time_text("3pm tomorrow, on 555 0144") == "3pm tomorrow"  # the number is no part of the time
    # Blind panel p58 D1: the hour they are at work is the one turned down.
    assert wanted_time_text("ok but move that call to 7pm, at 10am im at work") == "7pm"
    assert wanted_time_text("tomorrow at 3, im at work till 2") == "tomorrow at 3"


def test_a_size_letter_is_no_time_for_the_call():
    from zoneinfo import ZoneInfo

    from actions.callback_time import parse_callback_time

    now = datetime(2026, 12, 6, 13, 0, tzinfo=ZoneInfo("America/New_York"))
    # Blind panel p58 D1: "M" was read as a day, and a call booked for 10am.
    assert parse_callback_time("and the jacket LK-10424, needs to be M not S", now) is None
    assert parse_callback_time("ok but move that call to 7pm, at 10am im at work", now).hour == 19
    assert parse_callback_time("tue morning", now).day == 8
    # Blind panel p59 F05: how long since something is never when to call (booked a month ahead).
    assert parse_callback_time("i get a new lamp or money back? i know is more than 30 days", now) is None
    assert parse_callback_time("its been over 30 days i know", now) is None
    assert parse_callback_time("in 2 days", now).day == 8


def test_a_credit_from_another_chat_is_told_with_when_not_offered_as_new(domain):
    asyncio.run(stores.company().grant("credit", "BL-30018", "C002", 7.6, note="missing_discount_credit"))
    tracker = tracker_from(
        "empty_tracker",
        text="did the credit go through?",
        intent="ask_status",
        slots={"verified_customers": ["C002"]},
        entities=[],
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] in ("utter_status_arranged_before", "utter_status_applied")
    assert dispatcher.messages[0]["reference"] == "BL-30018"
    assert "utter_status_not_started_plain" not in responses and "utter_status_nothing" not in responses


def test_updates_say_the_account_address_and_why_not_the_one_typed(domain):
    facts = {"customer_id": "C001", "verified": True, "reference": "LK-10424", "order_item": "jacket"}
    tracker = tracker_from(
        "alternatives_offered",
        slots={
            "case_facts": facts,
            "policy_id": "order_on_track",
            "offered_alternatives": ["delivery_updates", "callback"],
            "alternative": "delivery_updates",
        },
        text="email me tracking updates at maya.okafor@gmail.com",
    )
    dispatcher, _ = run_action(ActionApplyAlternative(), tracker, domain)
    said = [m for m in dispatcher.messages if m["response"].startswith("utter_delivery_updates_")]
    assert said == [
        message(
            response="utter_delivery_updates_not_other",
            email="maya.okafor@example.com",
            other="maya.okafor@gmail.com",
        )
    ]


def test_a_signed_in_customers_address_on_file_is_used_for_a_follow_up_without_asking():
    tracker = tracker_from("empty_tracker", text="no call, just email me", slots={"verified_customers": ["C001"]})
    assert asyncio.run(promised.address_for("email_followup", tracker)) == "maya.okafor@example.com"


def test_no_thank_you_note_for_a_customer_who_walked_away():
    left = tracker_from(
        "case_resolved",
        text="forget it",
        events=[
            {"event": "slot", "name": "explained_policies", "value": ["late_delivery_goodwill"]},
            {"event": "user", "text": "forget it", "parse_data": {}},
        ],
    )
    assert walked_away(left) and not deserves_note(left)
    done = tracker_from("case_resolved")
    assert not walked_away(done) and deserves_note(done)


def test_the_utc_time_of_a_row_is_aware():
    assert actions.status_records._utc(datetime(2025, 6, 11, 14, 5)).tzinfo == timezone.utc


def test_a_number_given_with_the_time_names_no_hour():
    # Blind panel p39 23: "tomorrow at 12:30, 555 0155" was booked for 10:00 am.
    assert wanted_time_text("tomorrow at 12:30, 555 0155. thanks") == "tomorrow at 12:30"
    assert wanted_time_text("3pm, on 555 0199") == "3pm"


def test_a_call_named_by_its_hour_and_moved_is_the_new_hour():
    # Blind panel p39 17: "can you move my 11am call to 2pm" was moved to 11am.
    assert wanted_time_text("can you move my 11am call to 2pm") == "2pm"
    assert wanted_time_text("make it tomorrow at 3") == "make it tomorrow at 3"


def test_a_sum_of_money_is_never_a_time_for_the_call():
    # Blind panel p60 H12: "can i at least get a refund for the sandwich, it was like 9 bucks" booked a call at 9.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from actions.callback_time import parse_callback_time

    now = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert parse_callback_time("can i at least get a refund for the sandwich, it was like 9 bucks", now) is None
    assert parse_callback_time("it was 9 bucks. call me tomorrow at 3pm", now).hour == 15
