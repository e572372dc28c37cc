"""A waiting customer hears news, not one paragraph again (issue #17 panel): what they said is
answered (anger once, "get me someone" honestly), the wait counts down, "moved up" when they did;
out of the queue, a question about it hears why; the card keeps up; a close promises no follow-up
that is not booked; leaving by goodbye or a call is said."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk.events import SlotSet

from actions.closing import ActionCloseConversation, closing_words
from actions.status import ActionWhereThingsStand
from actions.waiting import ActionLeaveQueue, ActionWhileWaiting
from gracious import queue_news, stores
from gracious.stores.records import agent_presence
from tests.actions import responses, run_action, tracker_from
from tests.actions.test_waiting import handoff_rows, queued, sign_in_agent, waiting


def told_of(events):
    return next((e["value"] for e in events if e.get("name") == queue_news.SLOT), None)


def handoff_told(domain, sender):
    """``sender`` is queued; the first telling (the handoff's words) as the slot holds it."""
    from actions.handoff import ActionHandoff

    _, events = run_action(ActionHandoff(), tracker_from("request_human", sender_id=sender), domain)
    return told_of(events)


def talk(domain, sender, handoff_id, told, lines):
    """Each (text, intent, read_from) said in turn while waiting; the responses of each turn."""
    heard = []
    for text, intent, read_from in lines:
        tracker = waiting(sender, handoff_id, text, intent=intent, queue_told=told)
        if read_from:
            tracker.latest_message["read_from"] = read_from
        dispatcher, events = run_action(ActionWhileWaiting(), tracker, domain)
        told = told_of(events) or told
        heard.append(responses(dispatcher))
    return heard, told


@pytest.mark.usefixtures("care_team_always_in")
def test_anger_is_acknowledged_once_get_me_someone_is_answered_and_no_line_is_said_twice(domain):
    sign_in_agent("sam")
    told = handoff_told(domain, "vic")
    heard, _ = talk(
        domain,
        "vic",
        1,
        told,
        [
            ("wow great service, 10 minutes and nothing", "ask_status", "complain_service"),
            ("this is ridiculous!!! GET ME SOMEONE", "ask_status", "request_human"),
            ("lol ok", "ask_status", "affirm"),
            ("how long", "ask_status", None),
            ("hello??", "ask_status", "greet"),
            ("hello??", "ask_status", "greet"),
        ],
    )
    # Upset: one sorry, then the place and an honest wait (never "nothing has changed"); a greeting
    # hears a warm word; a person asked for hears they are in line for one already.
    assert heard == [
        ["utter_queue_sorry", "utter_queue_wait_honest"],
        ["utter_queue_next"],
        ["utter_queue_same"],
        ["utter_queue_same_short"],
        ["utter_queue_hello"],
        ["utter_queue_same_here"],
    ]
    said = [turn[-1] for turn in heard]
    assert all(a != b for a, b in zip(said, said[1:], strict=False))


@pytest.mark.usefixtures("care_team_always_in")
def test_moved_up_is_said_and_still_only_at_the_same_place(domain):
    sign_in_agent("sam")
    handoff_told(domain, "ann")
    told = handoff_told(domain, "priya")
    assert told["position"] == 2
    run_action(ActionLeaveQueue(), waiting("ann", 1, "never mind", intent="cancel"), domain)
    tracker = waiting("priya", 2, "am i still in line", queue_told=told)
    dispatcher, events = run_action(ActionWhileWaiting(), tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_queue_moved_up"
    assert (dispatcher.messages[0]["position"], dispatcher.messages[0]["wait"]) == (1, "6 minutes")


@pytest.mark.usefixtures("care_team_always_in")
def test_the_wait_counts_down_as_time_passes_at_the_same_place(domain):
    sign_in_agent("sam")
    told = handoff_told(domain, "priya")
    assert told["wait"] == 6
    earlier = datetime.fromisoformat(told["at"]) - timedelta(minutes=4)
    told = dict(told, at=earlier.isoformat())
    dispatcher, events = run_action(ActionWhileWaiting(), waiting("priya", 1, "how long now", queue_told=told), domain)
    assert dispatcher.messages[0]["response"] == "utter_queue_update"
    assert dispatcher.messages[0]["wait"] == "2 minutes"
    assert told_of(events)["wait"] == 2


@pytest.mark.usefixtures("care_team_always_in")
def test_with_nobody_available_the_same_paragraph_is_never_said_twice(domain):
    sign_in_agent("sam")
    told = handoff_told(domain, "nell")
    with stores.records().engine.begin() as conn:
        conn.execute(agent_presence.update().values(status="away"))
    heard, _ = talk(domain, "nell", 1, told, [("so nobody is coming", "ask_status", None)] * 3)
    assert heard == [["utter_queue_update_nobody"], ["utter_queue_nobody_same"], ["utter_queue_nobody_same_short"]]


@pytest.mark.usefixtures("care_team_always_in")
def test_out_of_the_queue_a_question_about_it_hears_why(domain):
    sign_in_agent("sam")
    queued(domain, "ann")
    queued(domain, "priya")
    queued(domain, "dee")
    when = datetime.now(timezone.utc) + timedelta(hours=2)
    callback_id = asyncio.run(stores.records().book_callback("ann", when, "555 0101", "x", 1))
    run_action(ActionLeaveQueue(), waiting("priya", 2, "never mind", intent="cancel"), domain)
    run_action(ActionCloseConversation(), waiting("dee", 3, "ok gotta run, bye", intent="goodbye"), domain)

    def asked(sender, handoff_id, **slots):
        tracker = waiting(sender, handoff_id, "am i still in the queue too?", in_queue=None, **slots)
        tracker.latest_message["repair"] = "left_queue"
        return run_action(ActionWhereThingsStand(), tracker, domain)[0]

    ann = asked("ann", 1, callback_id=str(callback_id))
    assert responses(ann) == ["utter_queue_not_waiting_call"]
    assert ann.messages[0]["callback_when"]
    assert responses(asked("priya", 2)) == ["utter_queue_not_waiting_cancelled"]
    # Let go a moment ago: back in, where they were (the old place, gracious/stores/queue_order.first_queued).
    assert responses(asked("dee", 3)) == ["utter_queue_not_waiting_went_away_back"]


@pytest.mark.usefixtures("care_team_always_in")
def test_a_goodbye_while_waiting_is_told_as_leaving_the_queue(domain):
    sign_in_agent("sam")
    queued(domain, "dee")
    dispatcher, events = run_action(
        ActionCloseConversation(), waiting("dee", 1, "ok gotta run, bye", intent="goodbye"), domain
    )
    assert responses(dispatcher)[0] == "utter_queue_left_goodbye"
    assert SlotSet("in_queue", None) in events
    assert handoff_rows()[0]["left_reason"] == "went_away"


@pytest.mark.usefixtures("care_team_always_in")
def test_the_desks_card_keeps_up_with_what_the_customer_writes_while_waiting(domain):
    sign_in_agent("sam")
    queued(domain, "vic")
    tracker = waiting("vic", 1, "this is ridiculous!!! GET ME SOMEONE")
    run_action(ActionWhileWaiting(), tracker, domain)
    [row] = asyncio.run(stores.records().rows("handoffs"))
    assert json.loads(row["summary"])["last_messages"][-1] == "this is ridiculous!!! GET ME SOMEONE"


def handed_back_tracker(**slots):
    tracker = tracker_from("request_human", intent="deny", text="nope all good", slots={"handoff_id": "4", **slots})
    tracker.events.append({"event": "action", "name": "action_handback"})
    return tracker


def test_a_close_after_a_hand_back_promises_no_follow_up_unless_one_is_booked():
    assert closing_words(handed_back_tracker()) == "utter_close_after_person"  # a person's close, not "with me"
    assert closing_words(handed_back_tracker(callback_id="3")) == "utter_close_arranged"
    assert closing_words(handed_back_tracker(accepted_alternative="email_followup")) == "utter_close_arranged"


def test_after_a_hand_back_a_typed_choice_declined_before_the_person_is_taken(domain):
    """C09: 'none of those work' before the handoff; the agent said the store credit is still open;
    after the hand-back 'the store credit one please' is granted, not 'I can't offer that one'."""
    from actions.apply_alternative import ActionApplyAlternative
    from actions.handback import ActionHandback

    slots = {
        "handback": {"agent": "Sam Lee", "handoff_id": 7, "names": {"sam": "Sam Lee"}},
        "handoff_id": "7",
        "offered_alternatives": ["human", "callback"],
        "declined_alternatives": ["goodwill_credit", "delivery_updates", "refund"],
    }
    _, events = run_action(ActionHandback(), tracker_from("request_human", slots=slots), domain)
    after = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert "refund" in after["offered_alternatives"] and "refund" not in after["declined_alternatives"]
    chose = tracker_from(
        "request_human",
        intent="choose_alternative",
        text="the refund one please",
        slots={**slots, **after, "alternative": "refund", "handback": None},
    )
    dispatcher, _ = run_action(ActionApplyAlternative(), chose, domain)
    assert "utter_alternative_not_available" not in responses(dispatcher)
    assert responses(dispatcher)


def test_a_call_booked_while_waiting_says_the_queue_was_left(domain, monkeypatch):
    from tests.actions.test_callback_promises import book_for_priya

    dispatcher, events = book_for_priya(domain, monkeypatch, in_queue=True)
    assert responses(dispatcher)[-1] == "utter_queue_left_for_call"
    assert dispatcher.messages[-1]["callback_when"] == "tomorrow at 3:00 pm"
    assert SlotSet("in_queue", None) in events
