"""action_handoff: the case goes to a person with a summary, and the customer hears what's next."""

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

import actions.handoff
from actions.handoff import ActionHandoff, getting_help_said, on_the_way_to_help, safety_response
from gracious import stores
from gracious.stores.records import agent_presence
from gracious.stores.records import metadata as records_metadata
from tests.actions import freeze_time, message, run_action, tracker_from, tracker_state

NEW_YORK = ZoneInfo("America/New_York")


def sign_in_agent(name: str, minutes_ago: float = 0) -> None:
    """What the agent desk writes while an agent is on duty."""
    engine = stores.records().engine
    records_metadata.create_all(engine)
    last_seen = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=minutes_ago)
    with engine.begin() as conn:
        conn.execute(agent_presence.insert().values(agent=name, last_seen=last_seen))


def handoff_rows():
    return asyncio.run(stores.records().rows("handoffs"))


def test_handoff_summary_gives_the_agent_the_whole_case(domain):
    facts = tracker_state("request_human")["slots"]["case_facts"]
    # The card names a verified customer in full; greetings keep the first name.
    facts = {**facts, "verified": True, "customer_full_name": "Priya Natarajan"}
    tracker = tracker_from("request_human", slots={"case_facts": facts})
    run_action(ActionHandoff(), tracker, domain)

    [row] = handoff_rows()
    assert (row["id"], row["sender_id"], row["reason"], row["team"], row["status"]) == (
        1,
        "priya-grinder",
        "customer_asked",
        "customer_care",
        "waiting",
    )
    assert asyncio.run(stores.records().handoff(1))["summary"] == {
        "case_type": "check_order_status",
        "what_happened": "Where is my coffee grinder? It was due days ago. LK-10423",
        "reference": "LK-10423",
        "verified": True,
        "customer": {"id": "C003", "name": "Priya Natarajan", "email": "priya.n@example.com", "phone": "+1 555 0199"},
        "amounts": {"order_total": 45.0},
        "policy": {
            "id": "late_delivery_goodwill",
            "name": "Late delivery goodwill",
            "rule": "An order past its promised date earns an apology, a goodwill credit "
            "and tracking updates without asking.",
        },
        "explained": ["late_delivery_goodwill"],
        "explained_names": ["Late delivery goodwill"],
        "booked": {},
        "offered": ["human", "callback"],
        "granted": [],
        "declined": ["goodwill_credit", "delivery_updates", "refund"],
        "accepted": None,
        "frustration": 2,
        # The last five things the customer wrote, oldest first ('hello' is left out).
        "last_messages": [
            "Where is my coffee grinder? It was due days ago. LK-10423",
            "none of these",
            "I just want my grinder",
            "this is ridiculous!!",
            "let me talk to a real person",
        ],
    }


def test_outside_care_hours_says_when_people_are_back_and_no_agent_is_available(domain, monkeypatch):
    saturday_evening = datetime(2025, 6, 14, 18, 30, tzinfo=NEW_YORK)
    freeze_time(monkeypatch, actions.handoff, saturday_evening)
    sign_in_agent("sam")  # signed in, but the team is closed: nobody takes the case now

    dispatcher, events = run_action(ActionHandoff(), tracker_from("request_human"), domain)

    assert dispatcher.messages == [
        message(response="utter_handoff_later", back_at="Monday 16 June at 8:00 am, New York time")
    ]
    assert events == [
        SlotSet("handoff_id", "1"),
        SlotSet("alternative", None),
        SlotSet("agent_available", False),
        SlotSet("in_queue", None),
    ]


def test_on_sunday_night_people_are_back_tomorrow_morning(domain, monkeypatch):
    freeze_time(monkeypatch, actions.handoff, datetime(2025, 6, 15, 22, 0, tzinfo=NEW_YORK))

    dispatcher, _ = run_action(ActionHandoff(), tracker_from("request_human"), domain)

    assert dispatcher.messages == [
        message(response="utter_handoff_later", back_at="tomorrow at 8:00 am, New York time")
    ]


@pytest.mark.usefixtures("care_team_always_in")
def test_in_care_hours_with_nobody_signed_in_says_the_team_is_busy(domain):
    dispatcher, events = run_action(ActionHandoff(), tracker_from("request_human"), domain)

    # The team is meant to be in, so there is no opening time to name.
    assert dispatcher.messages == [message(response="utter_handoff_busy")]
    assert events == [
        SlotSet("handoff_id", "1"),
        SlotSet("alternative", None),
        SlotSet("agent_available", False),
        SlotSet("in_queue", None),
    ]
    # Offered a call, not a place: never counted in the queue (gracious/stores/handoff_queue.live).
    assert [row["queued"] for row in handoff_rows()] == [False]


@pytest.mark.usefixtures("care_team_always_in")
def test_agent_who_stopped_reporting_in_is_not_on_duty(domain):
    sign_in_agent("sam", minutes_ago=10)

    dispatcher, events = run_action(ActionHandoff(), tracker_from("request_human"), domain)

    assert dispatcher.messages[0]["response"] == "utter_handoff_busy"
    assert events[-2:] == [SlotSet("agent_available", False), SlotSet("in_queue", None)]


@pytest.mark.usefixtures("care_team_always_in")
def test_agent_on_duty_in_care_hours_queues_the_customer_first(domain):
    sign_in_agent("sam")

    dispatcher, events = run_action(ActionHandoff(), tracker_from("request_human"), domain)

    assert dispatcher.messages == [message(response="utter_handoff_queued", position=1, wait="6 minutes")]
    assert events[:-1] == [
        SlotSet("handoff_id", "1"),
        SlotSet("alternative", None),
        SlotSet("agent_available", True),
        SlotSet("in_queue", True),
    ]
    # What was told, so the next telling is news (gracious/queue_news.py).
    told = events[-1]["value"]
    assert (events[-1]["name"], told["position"], told["wait"], told["response"]) == (
        "queue_told",
        1,
        6,
        "utter_handoff_queued",
    )
    assert [row["queued"] for row in handoff_rows()] == [True]


@pytest.mark.usefixtures("care_team_always_in")
def test_queue_position_and_wait_count_the_handoffs_still_waiting(domain):
    sign_in_agent("sam")
    run_action(ActionHandoff(), tracker_from("request_human", sender_id="someone-else"), domain)

    dispatcher, events = run_action(ActionHandoff(), tracker_from("request_human"), domain)

    assert dispatcher.messages == [message(response="utter_handoff_queued", position=2, wait="12 minutes")]
    assert events[0] == SlotSet("handoff_id", "2")

    sign_in_agent("alex")
    dispatcher, _ = run_action(ActionHandoff(), tracker_from("request_human", sender_id="a-third"), domain)
    assert dispatcher.messages == [message(response="utter_handoff_queued", position=3, wait="9 minutes")]


@pytest.mark.usefixtures("care_team_always_in")
def test_choosing_the_ceo_office_goes_to_the_executive_team(domain):
    sign_in_agent("sam")
    tracker = tracker_from(
        "request_human",
        slots={"alternative": "ceo_office", "case_type": "request_executive", "policy_id": "executive_contact"},
        intent="choose_alternative",
        text='/choose_alternative{"alternative": "ceo_office"}',
    )
    dispatcher, events = run_action(ActionHandoff(), tracker, domain)

    assert dispatcher.messages == [message(response="utter_handoff_ceo_office_queued", position=1, wait="6 minutes")]
    assert events[:-1] == [
        SlotSet("handoff_id", "1"),
        SlotSet("alternative", None),
        SlotSet("accepted_alternative", "ceo_office"),
        SlotSet("agent_available", True),
        SlotSet("in_queue", True),
    ]
    assert events[-1]["value"]["response"] == "utter_handoff_ceo_office_queued"
    [row] = handoff_rows()
    assert (row["reason"], row["team"]) == ("executive_escalation", "executive_office")


def test_choosing_a_person_from_the_offer_is_recorded_as_accepted(domain, monkeypatch):
    freeze_time(monkeypatch, actions.handoff, datetime(2025, 6, 14, 18, 30, tzinfo=NEW_YORK))
    tracker = tracker_from(
        "request_human",
        slots={"alternative": "human"},
        intent="choose_alternative",
        text='/choose_alternative{"alternative": "human"}',
    )
    dispatcher, events = run_action(ActionHandoff(), tracker, domain)

    assert events == [
        SlotSet("handoff_id", "1"),
        SlotSet("alternative", None),
        SlotSet("accepted_alternative", "human"),
        SlotSet("agent_available", False),
        SlotSet("in_queue", None),
    ]
    [row] = handoff_rows()
    assert (row["reason"], row["team"]) == ("customer_accepted_offer", "customer_care")


def test_a_safety_message_gets_urgent_help_first_and_goes_in_as_safety(domain):
    tracker = tracker_from("request_human", text="my throat is swelling after the latte", intent="request_human")
    tracker.latest_message["safety"] = True
    dispatcher, _ = run_action(ActionHandoff(), tracker, domain)

    # The swelling they have is said as theirs (blind panel p65 R-05: "If you're having ... any swelling").
    assert dispatcher.messages[0] == message(response="utter_safety_first_symptoms")
    assert "911" in domain["responses"]["utter_safety_first_symptoms"][0]["text"]
    assert "911" in domain["responses"]["utter_safety_first"][0]["text"]
    [row] = handoff_rows()
    assert row["reason"] == "safety"


def test_a_question_asked_with_a_safety_signal_is_answered_after_the_urgent_line(domain):
    # Blind panel p37 05: "keep overheating when charging, is it even safe to post them back?" went unanswered.
    text = "my headphones keep overheating when charging, is it even safe to post them back to you?"
    tracker = tracker_from("request_human", text=text, intent="request_human")
    tracker.latest_message.update(safety=True, answers=["utter_answer_hazard_return"])
    dispatcher, _ = run_action(ActionHandoff(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages[:2]] == ["utter_safety_product", "utter_answer_hazard_return"]


@pytest.mark.parametrize(
    "text",
    [
        "is it safe to keep using a flickering lamp? could it be a fire risk",
        # panel p33: a phone too hot to hold got the breathing-and-swelling line
        "my phone has been getting super hot while charging overnight, like too hot to hold",
        # panel p34 04: a lamp that buzzed, its base hot
        "but it flickers, thats a fault not me changing my mind. yesterday it buzzed and the base got really hot",
    ],
)
def test_a_product_that_could_catch_fire_is_made_safe_first(domain, text):
    tracker = tracker_from("request_human", text=text, intent="request_human")
    tracker.latest_message["safety"] = True
    dispatcher, _ = run_action(ActionHandoff(), tracker, domain)
    assert dispatcher.messages[0] == message(response="utter_safety_product")
    assert "unplug" in domain["responses"]["utter_safety_product"][0]["text"]


def test_a_customer_who_got_hot_is_not_told_about_the_product():
    assert safety_response("i got really hot and shaky after the cake", "utter_safety_first") == "utter_safety_first"
    assert safety_response("the charger got really hot", "utter_safety_first") == "utter_safety_product"


def test_a_second_safety_message_with_a_call_booked_is_answered_not_handed_off_again(domain):
    tracker = tracker_from(
        "request_human",
        text="i had an allergic reaction. i asked about the medical bill",
        intent="request_human",
        slots={"handoff_id": "3", "callback_id": "5"},
    )
    tracker.latest_message.update(safety=True, answers=["utter_answer_medical_costs"])
    dispatcher, events = run_action(ActionHandoff(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_safety_again", "utter_answer_medical_costs"]
    assert events == [FollowupAction("action_listen")] and handoff_rows() == []


@pytest.mark.parametrize(
    "text, response",
    [
        ("my EAR. its burnt from the headphones. should i see a doctor??", "utter_safety_again_injury"),
        ("my throat feels tight, should i see a doctor??", "utter_safety_again"),
    ],
)
def test_a_burn_asked_about_again_gets_the_words_for_a_burn(domain, text, response):
    # Blind panel p62 K10: a burnt ear heard "if your throat is tightening".
    tracker = tracker_from(
        "request_human", text=text, intent="request_human", slots={"handoff_id": "3", "callback_id": "5"}
    )
    tracker.latest_message["safety"] = True
    dispatcher, _ = run_action(ActionHandoff(), tracker, domain)
    assert dispatcher.messages[0]["response"] == response


def test_on_the_way_to_the_er_after_the_case_was_written_up_is_never_handed_off_again(domain):
    # Blind panel p54 A04: "ok i used it and my friend is driving me to the ER. im so angry" heard the urgent paragraph
    # and the case written up a second time, before any call was booked.
    said = "ok i used it and my friend is driving me to the ER. im so angry, i literally asked her twice"
    tracker = tracker_from("request_human", text=said, intent="request_human", slots={"handoff_id": "3"})
    tracker.latest_message["safety"] = True
    dispatcher, events = run_action(ActionHandoff(), tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_safety_getting_help_angry"]
    assert FollowupAction("action_listen") in events and handoff_rows() == []


def test_an_epipen_to_hand_with_a_question_is_no_help_under_way():
    # Blind panel p54 A04: "i have my epipen with me. do i use it??" heard "That's the right thing to do".
    assert not on_the_way_to_help("i have my epipen with me. do i use it?? its not that bad yet")
    assert on_the_way_to_help("we have his epipen, my husband is driving us to urgent care")
    assert getting_help_said("ok im calling 911") == "utter_safety_getting_help"


def test_a_plain_request_for_a_person_still_fills_the_card_with_what_was_booked(domain):
    """ "get me a person" with no case: the customer's words, and a call booked earlier in the conversation."""
    booked_at = datetime.now(timezone.utc) + timedelta(days=1)
    call = asyncio.run(
        stores.records().book_callback("maya-plain", booked_at, "+1 555 0177", "callback requested", None)
    )
    tracker = tracker_from(
        "empty_tracker",
        sender_id="maya-plain",
        intent="request_human",
        text="get me a person",
        events=[{"event": "user", "text": "get me a person", "parse_data": {"intent": {"name": "request_human"}}}],
        slots={"callback_id": str(call), "granted_alternatives": ["email_followup"], "email": "maya@example.com"},
    )
    run_action(ActionHandoff(), tracker, domain)

    summary = asyncio.run(stores.records().handoff(1))["summary"]
    assert summary["what_happened"] == "get me a person"
    assert summary["last_messages"] == ["get me a person"]
    assert summary["booked"]["callback"]["id"] == call
    assert summary["booked"]["callback"]["phone_end"] == "0177"
    assert summary["booked"]["callback"]["at"] == booked_at.astimezone(NEW_YORK).isoformat(timespec="minutes")
    assert summary["booked"]["email_followup"] == {"to": "maya@example.com"}


def test_the_card_lists_as_offered_only_what_was_not_declined(domain):
    tracker = tracker_from(
        "request_human",
        slots={"offered_alternatives": ["human", "callback", "refund"], "declined_alternatives": ["callback"]},
    )
    run_action(ActionHandoff(), tracker, domain)
    summary = asyncio.run(stores.records().handoff(1))["summary"]
    assert (summary["offered"], summary["declined"]) == (["human", "refund"], ["callback"])
