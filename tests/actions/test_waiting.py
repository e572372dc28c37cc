"""Waiting in the queue: always answered with a live place and an honest wait, free to leave,
a call or an email offered once after the wait limit; and the hand-back that knows what the
agent arranged at the desk."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from rasa_sdk.events import SlotSet

from actions.apply_alternative import ActionApplyAlternative
from actions.closing import ActionCloseConversation
from actions.handback import ActionHandback
from actions.handoff import ActionHandoff
from actions.waiting import ActionLeaveQueue, ActionWhileWaiting
from gracious import stores
from gracious.stores.records import agent_presence, handoffs
from gracious.stores.records import metadata as records_metadata
from tests.actions import message, responses, run_action, tracker_from

CALL_OR_EMAIL = [
    {
        "title": "A call from our team at a time that suits you",
        "payload": '/choose_alternative{"alternative": "callback"}',
    },
    {
        "title": "An email from our team with the details",
        "payload": '/choose_alternative{"alternative": "email_followup"}',
    },
]


def sign_in_agent(name: str, seconds_ago: float = 0, status: str = "available") -> None:
    engine = stores.records().engine
    records_metadata.create_all(engine)
    last_seen = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=seconds_ago)
    with engine.begin() as conn:
        conn.execute(agent_presence.insert().values(agent=name, last_seen=last_seen, status=status))


def handoff_rows():
    return [
        {k: row[k] for k in ("id", "sender_id", "status", "left_reason")}
        for row in asyncio.run(stores.records().rows("handoffs"))
    ]


def queued(domain, sender: str) -> None:
    """``sender`` asks for a person and is queued."""
    _, events = run_action(ActionHandoff(), tracker_from("request_human", sender_id=sender), domain)
    assert SlotSet("in_queue", True) in events


def waiting(sender: str, handoff_id: int, text: str = "is anyone there?", **slots):
    return tracker_from(
        "request_human",
        sender_id=sender,
        intent="ask_status",
        text=text,
        slots={"handoff_id": str(handoff_id), "in_queue": True, **slots},
    )


@pytest.fixture
def titles(domain):
    """The offer buttons' titles as the domain words them."""
    for button, key in zip(CALL_OR_EMAIL, ("utter_offer_callback", "utter_offer_email_followup"), strict=True):
        button["title"] = domain["responses"][key][0]["text"]
    return CALL_OR_EMAIL


@pytest.mark.usefixtures("care_team_always_in")
def test_a_waiting_customer_hears_their_live_place_and_an_honest_wait(domain):
    sign_in_agent("sam")
    queued(domain, "ann")
    queued(domain, "priya")

    dispatcher, events = run_action(ActionWhileWaiting(), waiting("priya", 2), domain)
    assert dispatcher.messages == [message(response="utter_queue_update", position=2, wait="12 minutes")]
    assert [(e["name"], e["value"]["position"], e["value"]["wait"]) for e in events] == [("queue_told", 2, 12)]

    # Ann books a call instead of waiting: she leaves the queue, and Priya is first.
    asyncio.run(
        stores.records().book_callback("ann", datetime.now(timezone.utc) + timedelta(hours=2), "555 0101", "x", 1)
    )
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("priya", 2, "how long now?"), domain)
    assert dispatcher.messages == [message(response="utter_queue_update", position=1, wait="6 minutes")]
    assert handoff_rows() == [
        {"id": 1, "sender_id": "ann", "status": "left", "left_reason": "callback_booked"},
        {"id": 2, "sender_id": "priya", "status": "waiting", "left_reason": None},
    ]


@pytest.mark.usefixtures("care_team_always_in")
def test_with_nobody_available_no_time_is_promised_and_a_call_or_email_is_offered(domain, titles):
    sign_in_agent("sam")
    queued(domain, "priya")
    with stores.records().engine.begin() as conn:
        conn.execute(agent_presence.update().values(status="away"))

    dispatcher, events = run_action(ActionWhileWaiting(), waiting("priya", 1), domain)
    assert dispatcher.messages == [message(response="utter_queue_update_nobody", position=1, buttons=titles)]
    assert [e["name"] for e in events] == ["queue_told", "queue_offer"]
    assert events[1] == SlotSet("queue_offer", ["callback", "email_followup"])


@pytest.mark.usefixtures("care_team_always_in")
def test_after_the_wait_limit_a_call_or_email_is_offered_once(domain, titles, monkeypatch):
    monkeypatch.setenv("GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS", "60")
    sign_in_agent("sam")
    queued(domain, "priya")
    with stores.records().engine.begin() as conn:
        conn.execute(
            handoffs.update().values(created_at=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=2))
        )

    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("priya", 1), domain)
    assert dispatcher.messages == [message(response="utter_queue_wait_long", position=1, buttons=titles)]
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("priya", 1), domain)
    assert responses(dispatcher) == ["utter_queue_update"]


@pytest.mark.usefixtures("care_team_always_in")
def test_a_question_is_answered_and_the_customer_keeps_their_place(domain):
    sign_in_agent("sam")
    queued(domain, "priya")
    tracker = waiting("priya", 1, "what number will you call from?")
    tracker.latest_message["answers"] = ["utter_answer_care_line"]
    domain["responses"].setdefault("utter_answer_care_line", [{"text": "From {care_line}."}])

    dispatcher, _ = run_action(ActionWhileWaiting(), tracker, domain)
    assert responses(dispatcher) == ["utter_answer_care_line", "utter_queue_keep_place"]
    assert dispatcher.messages[1] == message(response="utter_queue_keep_place", position=1, wait="6 minutes")


@pytest.mark.usefixtures("care_team_always_in")
def test_cancel_leaves_the_queue_with_its_reason_and_offers_a_call_or_email(domain, titles):
    sign_in_agent("sam")
    queued(domain, "priya")

    dispatcher, events = run_action(ActionLeaveQueue(), waiting("priya", 1, "never mind", intent="cancel"), domain)
    assert dispatcher.messages == [message(response="utter_queue_left", buttons=titles)]
    assert events == [
        SlotSet("in_queue", None),
        SlotSet("queue_offer", ["callback", "email_followup"]),
    ]
    assert handoff_rows() == [{"id": 1, "sender_id": "priya", "status": "left", "left_reason": "cancelled"}]

    # Asked again: nothing to cancel, and said so; then "hello?" hears they are not waiting, and why.
    dispatcher, _ = run_action(ActionLeaveQueue(), waiting("priya", 1, "cancel"), domain)
    assert responses(dispatcher) == ["utter_queue_not_waiting_offer"]
    dispatcher, events = run_action(ActionWhileWaiting(), waiting("priya", 1), domain)
    assert (responses(dispatcher), events) == (["utter_queue_not_waiting_cancelled"], [SlotSet("in_queue", None)])


@pytest.mark.usefixtures("care_team_always_in")
def test_a_case_an_agent_holds_is_not_left_and_the_customer_hears_who_has_it(domain):
    sign_in_agent("sam")
    queued(domain, "priya")
    with stores.records().engine.begin() as conn:
        conn.execute(handoffs.update().values(status="claimed", agent="sam"))

    dispatcher, events = run_action(ActionLeaveQueue(), waiting("priya", 1, "cancel"), domain)
    assert (responses(dispatcher), events) == (["utter_queue_taken"], [])
    assert handoff_rows()[0]["status"] == "claimed"


@pytest.mark.usefixtures("care_team_always_in")
def test_an_email_instead_and_a_goodbye_take_the_customer_out_of_the_queue(domain):
    sign_in_agent("sam")
    queued(domain, "priya")
    queued(domain, "ann")
    tracker = tracker_from(
        "request_human",
        sender_id="priya",
        intent="choose_alternative",
        text='/choose_alternative{"alternative": "email_followup"}',
        slots={"alternative": "email_followup", "handoff_id": "1", "in_queue": True},
    )
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)
    assert SlotSet("in_queue", None) in events
    assert "utter_queue_left_for_email" in responses(dispatcher)  # told, not silently out of the queue
    dispatcher, events = run_action(ActionCloseConversation(), waiting("ann", 2, "bye", intent="goodbye"), domain)
    assert SlotSet("in_queue", None) in events
    assert responses(dispatcher)[0] == "utter_queue_left_goodbye"
    assert handoff_rows() == [
        {"id": 1, "sender_id": "priya", "status": "left", "left_reason": "email_instead"},
        {"id": 2, "sender_id": "ann", "status": "left", "left_reason": "went_away"},
    ]


# The hand-back


def desk_grant(sender: str, handoff_id: int, alternative: str, kind: str, reference: str, amount=None) -> None:
    """A grant as the desk makes it (server/desk/grants.py): the commitment names the agent and the handoff."""
    extra = {"alternative": alternative, "agent": "sam", "handoff_id": handoff_id}
    asyncio.run(
        stores.company().grant(
            kind, reference, "C003", amount, note="by sam at the desk", sender_id=sender, extra=extra
        )
    )


NAMES = {"sam": "Sam Lee", "ana": "Ana Ruiz"}


def back_from_sam(**slots):
    return tracker_from(
        "request_human",
        slots={"handback": {"agent": "Sam Lee", "handoff_id": 7, "names": NAMES}, "handoff_id": "7", **slots},
    )


def test_the_hand_back_says_what_the_agent_arranged_and_offers_what_is_still_open(domain):
    desk_grant("priya-grinder", 7, "goodwill_credit", "credit", "LK-10423", 10.0)
    desk_grant("priya-grinder", 3, "refund", "refund", "LK-10999")  # another case's: not this one
    tracker = back_from_sam(
        offered_alternatives=["goodwill_credit", "delivery_updates", "refund", "human"],
        declined_alternatives=["refund"],
    )

    dispatcher, events = run_action(ActionHandback(), tracker, domain)

    assert dispatcher.messages == [
        message(response="utter_handback"),
        message(response="utter_handback_arranged", agent_name="Sam", arranged="a $10.00 credit on LK-10423"),
        message(
            response="utter_handback_open",
            buttons=[
                {
                    "title": domain["responses"]["utter_offer_delivery_updates"][0]["text"],
                    "payload": '/choose_alternative{"alternative": "delivery_updates"}',
                }
            ],
        ),
    ]
    assert events[:3] == [
        SlotSet("handback", None),
        SlotSet("in_queue", None),
        SlotSet("granted_alternatives", ["goodwill_credit"]),
    ]
    assert SlotSet("accepted_alternative", "goodwill_credit") in events
    [entry] = events[3]["value"]
    assert (entry["alternative"], entry["kind"], entry["reference"], entry["amount"], entry["state"]) == (
        "goodwill_credit",
        "credit",
        "LK-10423",
        10.0,
        "done",
    )


def test_a_remedy_the_agent_arranged_rules_out_the_others_and_a_withdrawn_one_is_not_said(domain):
    desk_grant("priya-grinder", 7, "replacement", "replacement", "LK-10423")
    desk_grant("priya-grinder", 7, "goodwill_credit", "credit", "LK-10423", 10.0)
    with stores.company().engine.begin() as conn:
        from gracious.stores.company_schema import grants

        conn.execute(grants.delete().where(grants.c.kind == "credit"))
    tracker = back_from_sam(offered_alternatives=["refund", "exchange", "delivery_updates"], declined_alternatives=[])

    dispatcher, _ = run_action(ActionHandback(), tracker, domain)
    assert dispatcher.messages[1] == message(
        response="utter_handback_arranged", agent_name="Sam", arranged="a replacement for LK-10423"
    )
    assert [b["payload"] for b in dispatcher.messages[2]["buttons"]] == [
        '/choose_alternative{"alternative": "delivery_updates"}'
    ]


def test_with_nothing_arranged_and_nothing_open_only_the_welcome_back_is_said(domain):
    dispatcher, events = run_action(ActionHandback(), back_from_sam(offered_alternatives=["human"]), domain)
    assert responses(dispatcher) == ["utter_handback"]
    assert events[:2] == [SlotSet("handback", None), SlotSet("in_queue", None)]


def test_the_grant_is_credited_to_the_agent_who_made_it_not_to_whoever_hands_back(domain):
    desk_grant("priya-grinder", 7, "goodwill_credit", "credit", "LK-10423", 10.0)  # Sam, before the transfer
    tracker = tracker_from(
        "request_human",
        slots={"handback": {"agent": "Ana Ruiz", "handoff_id": 7, "names": NAMES}, "handoff_id": "7"},
    )
    dispatcher, _ = run_action(ActionHandback(), tracker, domain)
    assert dispatcher.messages[1] == message(
        response="utter_handback_arranged", agent_name="Sam", arranged="a $10.00 credit on LK-10423"
    )


def test_a_commitment_whose_grant_id_now_names_another_grant_is_not_said(domain):
    desk_grant("priya-grinder", 7, "goodwill_credit", "credit", "LK-10423", 10.0)
    from gracious.stores.company_schema import grants

    with stores.company().engine.begin() as conn:
        # The grant was taken back and its id now names another customer's refund (a remade database).
        conn.execute(grants.update().values(kind="refund", reference="LK-10999"))
    dispatcher, _ = run_action(ActionHandback(), back_from_sam(offered_alternatives=[]), domain)
    assert responses(dispatcher) == ["utter_handback"]


@pytest.mark.usefixtures("care_team_always_in")
def test_an_answer_about_the_place_counts_as_told_so_the_watch_does_not_repeat_it(domain):
    sign_in_agent("sam")
    queued(domain, "priya")
    with stores.records().engine.connect() as conn:
        assert conn.execute(sa.select(handoffs.c.told_at)).scalar() is None
    run_action(ActionWhileWaiting(), waiting("priya", 1), domain)
    with stores.records().engine.connect() as conn:
        assert conn.execute(sa.select(handoffs.c.told_at)).scalar() is not None


@pytest.mark.usefixtures("care_team_always_in")
def test_a_customer_offered_a_call_instead_is_not_in_the_queue(domain):
    queued_here = "priya"
    _, events = run_action(ActionHandoff(), tracker_from("request_human", sender_id=queued_here), domain)
    assert SlotSet("agent_available", False) in events  # nobody on duty: a call offered, not a place
    sign_in_agent("sam")
    queued(domain, "ann")
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("ann", 2), domain)
    assert dispatcher.messages == [message(response="utter_queue_update", position=1, wait="6 minutes")]
    dispatcher, events = run_action(ActionWhileWaiting(), waiting("priya", 1), domain)
    assert (responses(dispatcher), events) == (["utter_queue_not_waiting"], [SlotSet("in_queue", None)])


@pytest.mark.usefixtures("care_team_always_in")
def test_the_place_follows_the_desks_order_a_frustrated_customer_first(domain):
    sign_in_agent("sam")
    queued(domain, "ann")
    _, events = run_action(
        ActionHandoff(), tracker_from("request_human", sender_id="cross", slots={"frustration": 3}), domain
    )
    assert SlotSet("in_queue", True) in events
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("cross", 2), domain)
    assert dispatcher.messages == [message(response="utter_queue_update", position=1, wait="6 minutes")]
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("ann", 1), domain)
    assert dispatcher.messages == [message(response="utter_queue_update", position=2, wait="12 minutes")]
