"""action_where_things_stand: "is the exchange cancelled?" answered from what was done."""

import asyncio
import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.status
from actions import status_records
from actions.apply_alternative import ActionApplyAlternative
from actions.status import ActionWhereThingsStand, settle
from gracious import stores
from tests.actions import WEDNESDAY_10AM, at, freeze_time, message, responses, run_action, tracker_from


def settled_from(events):
    return next(e["value"] for e in reversed(events) if e.get("name") == "settled")


def test_settle_adds_a_grant_and_marks_the_latest_of_a_kind_withdrawn():
    entries = settle([], "exchange", "exchange", "LK-10422", None, "done")
    entries = settle(entries, "exchange", "exchange", None, None, "withdrawn")
    entries = settle(entries, "refund", "refund", "LK-10422", None, "done")
    assert [(e["alternative"], e["reference"], e["state"]) for e in entries] == [
        ("exchange", "LK-10422", "withdrawn"),
        ("refund", "LK-10422", "done"),
    ]
    # Withdrawing what was never granted changes nothing.
    assert settle([], "refund", "refund", None, None, "withdrawn") == []


def test_a_grant_is_settled_with_its_reference_and_amount(domain):
    _, events = run_action(ActionApplyAlternative(), tracker_from("alternatives_offered"), domain)
    [entry] = settled_from(events)
    assert (entry["alternative"], entry["kind"], entry["reference"], entry["amount"], entry["state"]) == (
        "goodwill_credit",
        "credit",
        "LK-10423",
        10.0,
        "done",
    )


def test_a_change_of_mind_answers_that_the_first_choice_is_cancelled(domain):
    slots = {
        "settled": [
            {
                "alternative": "exchange",
                "kind": "exchange",
                "reference": "LK-10422",
                "amount": None,
                "state": "withdrawn",
                "at": "2025-06-11T14:00:00+00:00",
            },
            {
                "alternative": "refund",
                "kind": "refund",
                "reference": "LK-10422",
                "amount": None,
                "state": "done",
                "at": "2025-06-11T14:01:00+00:00",
            },
        ]
    }
    tracker = tracker_from(
        "empty_tracker", text="is the exchange cancelled yes or no", intent="ask_status", slots=slots
    )
    dispatcher, events = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_status_withdrawn", what="exchange", reference="LK-10422"),
        message(response="utter_status_refund", reference="LK-10422", amount=""),
    ]
    assert events == []


def test_a_question_about_the_call_is_answered_about_the_call_as_the_records_hold_it(domain, monkeypatch):
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    asyncio.run(stores.records().book_callback("priya-grinder", at(12, 13), "+1 555 0111", "callback", None))
    slots = {
        "settled": [
            {
                "alternative": "store_credit",
                "kind": "credit",
                "reference": None,
                "amount": 5.0,
                "state": "done",
                "at": "2025-06-11T14:00:00+00:00",
            }
        ]
    }
    tracker = tracker_from(
        "alternatives_offered",
        text="is the call still on?",
        intent="ask_status",
        slots={**slots, "accepted_alternative": "store_credit"},
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_status_call_booked", callback_when="tomorrow at 1:00 pm", phone_end="0111")
    ]
    # Asked in general, both the credit and the call.
    tracker = tracker_from(
        "alternatives_offered",
        text="so where do things stand?",
        intent="ask_status",
        slots={**slots, "accepted_alternative": "store_credit"},
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_status_store_credit", reference="", amount="$5.00"),
        message(response="utter_status_call_booked", callback_when="tomorrow at 1:00 pm", phone_end="0111"),
    ]


def test_a_cancelled_call_is_said_cancelled(domain, monkeypatch):
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    callback_id = asyncio.run(records.book_callback("priya-grinder", at(11, 15), "+1 555 0199", "callback", None))
    asyncio.run(records.cancel_callback(callback_id))
    tracker = tracker_from(
        "alternatives_offered",
        text="so the 3pm call is cancelled right?",
        intent="ask_status",
        slots={"accepted_alternative": "email_followup"},
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    # Asked "cancelled right?", it starts with the yes (blind panel p51 14).
    assert dispatcher.messages == [
        message(response="utter_status_call_cancelled_yes", callback_when="today at 3:00 pm")
    ]


def test_nothing_done_says_so_rather_than_guessing(domain):
    tracker = tracker_from("empty_tracker", text="did it go through?", intent="ask_status")
    dispatcher, events = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_status_nothing")]
    assert events == []


def test_a_remedy_asked_about_that_was_never_started_is_said_not_started(domain):
    slots = {
        "settled": [
            {
                "alternative": "refund",
                "kind": "refund",
                "reference": "LK-10422",
                "amount": None,
                "state": "done",
                "at": "2025-06-11T14:01:00+00:00",
            }
        ],
        "case_facts": {"reference": "LK-10422"},
    }
    tracker = tracker_from(
        "empty_tracker", text="and the size 10 exchange is cancelled, right?", intent="ask_status", slots=slots
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_status_refund", reference="LK-10422", amount=""),
        message(response="utter_status_not_started", what="exchange", reference="LK-10422"),
    ]


def test_a_call_asked_about_when_none_was_booked_is_said_so(domain):
    tracker = tracker_from("empty_tracker", text="is the call still on?", intent="ask_status")
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_status_no_call")]


def test_cancelling_a_credit_granted_in_this_chat_takes_it_back_from_the_records(domain):
    from actions.repair import ActionCancel

    _, events = run_action(ActionApplyAlternative(), tracker_from("alternatives_offered"), domain)
    entries = settled_from(events)
    assert len(asyncio.run(stores.company().grants_for("LK-10423"))) == 1
    tracker = tracker_from(
        "alternatives_offered",
        text="please cancel the $10 credit",
        intent="cancel",
        slots={"settled": entries, "granted_alternatives": ["goodwill_credit"]},
    )
    dispatcher, events = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_grant_cancelled", what="credit")]
    assert asyncio.run(stores.company().grants_for("LK-10423")) == []
    [entry] = settled_from(events)
    assert entry["state"] == "withdrawn"
    # Asked again: nothing left to cancel, and it says so.
    tracker = tracker_from(
        "alternatives_offered", text="cancel the credit", intent="cancel", slots={"settled": settled_from(events)}
    )
    dispatcher, _ = run_action(ActionCancel(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_grant_nothing_to_cancel", what="credit")]


def test_a_new_number_moves_the_booked_call_to_it_at_the_same_time(domain, monkeypatch):
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    callback_id = asyncio.run(records.book_callback("priya-grinder", at(12, 13), "+1 555 0199", "callback", None))
    tracker = tracker_from(
        "alternatives_offered",
        text="that 0199 is my old number, use 555 0111",
        intent="ask_status",
        slots={"callback_id": str(callback_id)},
    )
    tracker.latest_message["repair"] = "phone_change"
    dispatcher, events = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_callback_number_changed", callback_when="tomorrow at 1:00 pm", phone_tail="0111")
    ]
    [row] = asyncio.run(records.rows("callbacks"))
    assert row["phone"] == "555 0111" and row["status"] == "booked"


def test_the_number_the_call_has_already_is_said_and_nothing_moved(domain, monkeypatch):
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    callback_id = asyncio.run(records.book_callback("maya-call", at(12, 13), "+1 555 0134", "callback", None))
    tracker = tracker_from(
        "alternatives_offered", text="555 0134", intent="ask_status", slots={"callback_id": str(callback_id)}
    )
    tracker.latest_message["repair"] = "phone_change"
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_callback_number_same", callback_when="tomorrow at 1:00 pm", phone_tail="0134")
    ]
    [row] = asyncio.run(records.rows("callbacks"))
    assert row["phone"] == "+1 555 0134" and row["status"] == "booked"


def test_a_credit_arranged_in_another_chat_is_said_to_be_in_place_never_not_started(domain):
    asyncio.run(stores.company().grant("credit", "BL-30018", None, 7.6, note="missing_discount_credit"))
    tracker = tracker_from(
        "dispute_charge",
        text="wait wasnt it already credited? someone told me yesterday",
        intent="ask_status",
        slots={"settled": []},
        entities=[],
    )
    tracker.slots["case_facts"] = dict(tracker.slots.get("case_facts") or {}, reference="BL-30018")
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages][:1] == ["utter_status_arranged_before"]
    assert dispatcher.messages[0]["reference"] == "BL-30018" and dispatcher.messages[0]["what"] == "credit"


def test_a_question_about_another_order_is_answered_from_that_orders_records(domain):
    slots = {
        "settled": [
            {
                "alternative": "refund",
                "kind": "refund",
                "reference": "LK-10426",
                "amount": None,
                "state": "done",
                "at": "2025-06-11T14:01:00+00:00",
            }
        ]
    }
    said = "did you refund the jacket LK-10424 or not? yes or no"
    tracker = tracker_from(
        "empty_tracker",
        text=said,
        intent="ask_status",
        slots=slots,
        entities=[{"entity": "order_id", "value": "LK-10424", "start": 35, "end": 43}],
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages[0] == message(response="utter_status_not_started", what="refund", reference="LK-10424")


def test_a_credit_arranged_elsewhere_is_never_denied_to_someone_not_yet_verified(domain):
    """Before the bill is opened for them, only this chat is known: never "no credit was started for BL-30018"."""
    asyncio.run(stores.company().grant("credit", "BL-30018", "C002", 7.6, note="missing_discount_credit"))
    tracker = tracker_from(
        "dispute_charge",
        text="that 7.60 credit on BL-30018, did it actually go through?",
        intent="ask_status",
        slots={"settled": [], "verified_customers": []},
        entities=[],
    )
    tracker.slots["case_facts"] = dict(tracker.slots.get("case_facts") or {}, reference="BL-30018")
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    responses = [m["response"] for m in dispatcher.messages]
    assert "utter_status_not_started" not in responses and "utter_status_arranged_before" not in responses
    assert "utter_status_not_started_plain" in responses  # "No credit was started in this chat": true


@pytest.mark.parametrize(
    "verified, expected", [(["C001"], "utter_status_call_booked_elsewhere"), ([], "utter_status_no_call")]
)
def test_a_call_booked_in_another_chat_is_said_to_its_verified_customer_only(domain, monkeypatch, verified, expected):
    # Blind panel p38: "no call tomorrow?" in a new chat heard "nobody will ring you" with one booked.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    asyncio.run(
        stores.records().book_callback("maya-earlier", at(12, 13), "+1 555 0134", "callback", None, customer_id="C001")
    )
    tracker = tracker_from(
        "empty_tracker", text="no call tomorrow?", intent="ask_status", slots={"verified_customers": verified}
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == [expected]
    if verified:
        assert dispatcher.messages[0] == message(
            response=expected, callback_when="tomorrow at 1:00 pm", phone_end="0134"
        )


def test_a_cancelled_call_here_and_one_booked_in_another_chat_are_both_said(domain, monkeypatch):
    # Blind panel p39 17: "and the 11am one is still on?" heard only of this chat's cancelled 5pm call.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    asyncio.run(records.book_callback("daniel-lamp", at(11, 11), "+1 555 0178", "callback", None, customer_id="C002"))
    here = asyncio.run(records.book_callback("priya-grinder", at(12, 17), "+1 555 0110", "callback", None))
    asyncio.run(records.cancel_callback(here))
    tracker = tracker_from(
        "alternatives_offered",
        text="and the 11am one is still on?",
        intent="ask_status",
        slots={"verified_customers": ["C002"]},
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages][:2] == [
        "utter_status_call_cancelled_other",
        "utter_status_call_booked_elsewhere_also",
    ]
    assert dispatcher.messages[1]["callback_when"] == "today at 11:00 am"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("is my call tomorrow at 1:30 cancelled, yes or no?", "utter_status_call_elsewhere_not_cancelled"),
        ("so the call is off right?", "utter_status_call_elsewhere_not_cancelled"),
        ("is my call still on?", "utter_status_call_booked_elsewhere"),
    ],
)
def test_asked_if_a_call_still_booked_is_cancelled_the_answer_starts_with_no(domain, monkeypatch, text, expected):
    # Blind panel p51 23: "is my call tomorrow at 1:30 cancelled, yes or no?" heard "Yes: a call is booked...".
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    asyncio.run(
        stores.records().book_callback("daniel-before", at(12, 13), "+1 555 0178", "callback", None, customer_id="C002")
    )
    tracker = tracker_from("empty_tracker", text=text, intent="ask_status", slots={"verified_customers": ["C002"]})
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == [expected]


def test_the_call_this_chat_cancelled_for_an_email_is_said_cancelled_with_a_yes(domain, monkeypatch):
    # Blind panel p51 14: the call booked in another chat, cancelled here for an email instead, is this chat's answer.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    call = asyncio.run(
        records.book_callback("priya-before", at(12, 15), "+1 555 0199", "callback", None, customer_id="C003")
    )
    asyncio.run(records.cancel_callback(call))
    tracker = tracker_from(
        "empty_tracker",
        text="so the 3pm call is cancelled right?",
        intent="ask_status",
        slots={"verified_customers": ["C003"], "case_facts": {"call_replaced": call}},
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages == [
        message(response="utter_status_call_cancelled_yes", callback_when="tomorrow at 3:00 pm")
    ]


@pytest.mark.parametrize(
    "text, about_mail",
    [
        ("and the email will be about my roaming bill, not some generic thing?", False),
        ("will they email me?", False),
        ("did you send the email?", True),
        ("i never got the label email", True),
    ],
)
def test_an_email_still_to_come_is_not_a_question_about_mail_sent(text, about_mail):
    assert status_records.asks_about_mail(text) is about_mail


@pytest.mark.parametrize(
    "text, upset",
    [
        ("ok. tbh i'm still annoyed, how does that even happen. no thats all", True),
        ("still really upset about it but thanks, bye", True),
        ("no thats all, thanks", False),
    ],
)
def test_leaving_still_upset_is_told_apart(text, upset):
    from actions.closing import STILL_UPSET

    assert bool(STILL_UPSET.search(text)) is upset


def test_the_customers_words_go_on_the_booked_calls_notes(domain, monkeypatch):
    # Blind panel p51 20: "just make sure they know its about moving the brunch inside", kept where the caller reads it.
    import sqlalchemy as sa

    from gracious.stores.records import CUSTOMER_NOTE, callback_notes

    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    call = asyncio.run(records.book_callback("hollis", at(12, 10), "+1 555 0187", "callback", None))
    text = "no. just make sure they know its about moving the brunch inside"
    tracker = tracker_from("empty_tracker", text=text, intent="ask_status", slots={"callback_id": str(call)})
    tracker.latest_message["repair"] = "call_note"
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages[0] == message(response="utter_call_note_added", callback_when="tomorrow at 10:00 am")
    with records.engine.begin() as conn:
        rows = [
            tuple(r)
            for r in conn.execute(
                sa.select(callback_notes.c.callback_id, callback_notes.c.agent, callback_notes.c.text)
            )
        ]
    assert rows == [(call, CUSTOMER_NOTE, text)]


def test_the_same_call_asked_for_while_booking_with_no_other_call_is_the_call_being_booked(domain, monkeypatch):
    # "can they just cover this on the same call?" while this call's time is asked, and no call of theirs elsewhere:
    # never "No call is booked in this chat" in the middle of booking one; the time is asked again.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    text = "i already have a call booked at 9:30. can they just cover this on the same call?"
    tracker = tracker_from("empty_tracker", text=text, intent="ask_status", sender_id="nocall")
    tracker.active_loop = {"name": "callback_form"}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(actions.status.note_on_call(dispatcher, tracker, text))
    assert responses(dispatcher) == ["utter_no_other_call_book_this", "utter_resume_form"]
    assert events == []  # the form goes on


@pytest.mark.parametrize("verified", [True, False])
def test_update_emails_asked_to_stop_are_stopped_for_the_verified_customer_only(domain, monkeypatch, verified):
    # Blind panel p54 B12: "can u stop the tracking emails now" got a list of the emails sent.
    from gracious.stores import notices

    facts = {"reference": "LK-10423", "verified": verified, "customer_id": "C003" if verified else None}
    slots = {"case_facts": facts, "verified_customers": ["C003"] if verified else []}
    tracker = tracker_from("empty_tracker", text="can u stop the tracking emails now", intent="ask_status", slots=slots)
    tracker.latest_message["repair"] = "stop_updates"
    dispatcher, events = run_action(ActionWhereThingsStand(), tracker, domain)
    notices.ensure_tables(stores.company().engine)
    with stores.company().engine.connect() as conn:
        stopped = notices.updates_stopped(conn, "LK-10423")
    if verified:
        assert responses(dispatcher)[0] == "utter_updates_stopped" and stopped
        assert {
            "event": "slot",
            "name": "case_facts",
            "value": {**facts, "updates_on": False, "updates_stopped": True},
            "timestamp": None,
        } in events
    else:
        assert responses(dispatcher)[0] == "utter_updates_stop_verify" and not stopped


def test_a_question_beside_the_update_emails_stopped_is_answered_first(domain):
    # Blind panel p54 B12: the money question was dropped for a list of the emails sent.
    facts = {"reference": "LK-10423", "verified": True, "customer_id": "C003", "order_delivered": False}
    slots = {
        "case_facts": facts,
        "case_type": "request_refund",
        "policy_id": "cancel_late_order",
        "settled": [{"alternative": "refund", "reference": "LK-10423"}],
    }
    text = "wait so when do i actually get the 45 back if it never shows up? and can u stop the tracking emails now"
    tracker = tracker_from("empty_tracker", text=text, intent="ask_status", slots=slots)
    tracker.latest_message["repair"] = "stop_updates"
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert responses(dispatcher)[:2] == ["utter_answer_refund_not_here", "utter_updates_stopped"]


def test_update_emails_stopped_with_no_case_open_find_the_customers_order_by_its_item(domain):
    # A conversation of our own, 6 December: "stop the tracking emails for my grinder" asked which order.
    from gracious.stores import notices

    text = "stop the tracking emails for my grinder"
    tracker = tracker_from("empty_tracker", text=text, intent="ask_status", slots={"verified_customers": ["C003"]})
    tracker.latest_message["repair"] = "stop_updates"
    dispatcher, events = run_action(ActionWhereThingsStand(), tracker, domain)
    notices.ensure_tables(stores.company().engine)
    with stores.company().engine.connect() as conn:
        assert notices.updates_stopped(conn, "LK-10423")
    assert responses(dispatcher)[0] == "utter_updates_stopped"
    assert dispatcher.messages[0]["reference"] == "LK-10423"
    assert not [e for e in events if e.get("name") == "case_facts"]  # no case in hand to mark


def test_update_emails_of_an_order_named_are_not_stopped_for_a_customer_who_does_not_own_it(domain):
    from gracious.stores import notices

    text = "stop the tracking emails for LK-10423"
    entities = [{"entity": "order_id", "value": "LK-10423", "start": 29, "end": 37}]
    slots = {"verified_customers": ["C001"]}  # Maya, signed in; the grinder is Priya's
    tracker = tracker_from("empty_tracker", text=text, intent="ask_status", entities=entities, slots=slots)
    tracker.latest_message["repair"] = "stop_updates"
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    notices.ensure_tables(stores.company().engine)
    with stores.company().engine.connect() as conn:
        assert not notices.updates_stopped(conn, "LK-10423")
    assert responses(dispatcher)[0] == "utter_updates_stop_verify"


def test_the_place_put_right_is_put_right_on_the_cards_at_the_desk_too(domain, monkeypatch):
    # utter_place_corrected says the old café "isn't named on it": the handoff's card and its call's card agree.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    records = stores.records()
    told = "found a hair in my sandwich at the station cafe this morning"
    handoff = asyncio.run(records.create_handoff("hair", "safety", "customer_care", {"what_happened": told}))
    summary = {"what_happened": told, "reference": None}
    call = asyncio.run(records.book_callback("hair", at(12, 10), "+1 555 0187", "callback", handoff, summary=summary))
    other = asyncio.run(records.book_callback("else", at(12, 11), "+1 555 0188", "callback", None, summary=summary))
    tracker = tracker_from(
        "empty_tracker",
        text="wait sorry it was riverside not station",
        intent="ask_status",
        slots={"case_details": told, "handoff_id": str(handoff), "callback_id": str(call)},
    )
    tracker.latest_message["repair"] = "place_changed"
    dispatcher, events = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages[0] == message(
        response="utter_place_corrected", new_place="Riverside", old_place="Station"
    )
    fixed = told.replace("station", "riverside")
    assert {"event": "slot", "name": "case_details", "value": fixed, "timestamp": None} in events
    assert asyncio.run(records.handoff(handoff))["summary"]["what_happened"] == fixed
    assert json.loads(asyncio.run(records.callback(call))["summary"])["what_happened"] == fixed
    assert json.loads(asyncio.run(records.callback(other))["summary"])["what_happened"] == told  # another chat's


def test_a_refund_waited_for_in_a_new_chat_with_none_on_the_account_is_said_of_the_account(domain, monkeypatch):
    # A panel of our own (4 December): "my refund for the dress still hasnt shown up" got the parcel traced as lost.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    tracker = tracker_from(
        "empty_tracker",
        text="my refund for the dress still hasnt shown up, its been 2 weeks",
        intent="ask_status",
        slots={"verified_customers": ["C001"]},
    )
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] == "utter_status_none_on_account" and dispatcher.messages[0]["what"] == "refund"
    assert "utter_status_not_started_plain" not in responses


def test_a_call_moved_from_the_time_asked_about_is_said_gone_with_the_one_there_is(domain, monkeypatch):
    # Blind panel p52 14: "so the 4pm one is gone right? i dont want two calls" once it was moved to 4:45.
    freeze_time(monkeypatch, actions.status, WEDNESDAY_10AM)
    call = asyncio.run(stores.records().book_callback("maya-here", at(12, 16, 45), "+1 555 0134", "callback", None))
    tracker = tracker_from(
        "empty_tracker",
        text="so the 4pm one is gone right? i dont want two calls",
        intent="ask_status",
        slots={"callback_id": str(call)},
    )
    tracker.sender_id = "maya-here"
    dispatcher, _ = run_action(ActionWhereThingsStand(), tracker, domain)
    assert dispatcher.messages[0] == message(
        response="utter_status_call_gone_from", callback_when="tomorrow at 4:45 pm", phone_end="0134", named_time="4pm"
    )


@pytest.mark.parametrize("named, at", [((16, 30), True), ((4, 30), True), ((16, 0), False), ((15, 30), False)])
def test_a_call_is_at_the_clock_time_named_with_or_without_am_or_pm(named, at):
    # "the 4:30 call" is (4, 30) on the 24-hour clock; a 4:30 pm call is still it (review of stop 46).
    from datetime import datetime

    from actions.callback_cancel import at_clock

    assert at_clock(datetime(2025, 6, 12, 16, 30), named) is at
