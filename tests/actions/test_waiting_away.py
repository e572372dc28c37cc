"""A waiting customer who steps away, asks where the person went, or comes back after the queue let
them go (issue #17, third panel P3: c05, c10, c17, w1): answered truly from the settings, and the
old place back within three times GRACIOUS_QUEUE_LEFT_SECONDS (gracious/stores/queue_order.py)."""

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from actions.waiting import ActionWhileWaiting
from gracious import queue_news, stores
from gracious.stores import handoff_queue
from gracious.stores.records import handoffs
from tests.actions import message, responses, run_action
from tests.actions.test_waiting import queued, sign_in_agent, waiting
from tests.conftest import reset_caches


def asked(sender, handoff_id, text, mark, events=()):
    tracker = waiting(sender, handoff_id, text)
    tracker.latest_message["repair"] = mark
    tracker.events.extend(events)
    return tracker


def place_of(handoff_id):
    return asyncio.run(stores.records().run(handoff_queue.standing, handoff_id))


def went_away(handoff_id, minutes_ago=0):
    """The queue's watch let ``handoff_id`` go, ``minutes_ago``."""
    engine = stores.records().engine
    with engine.begin() as conn:
        assert handoff_queue.leave(conn, handoff_id, handoff_queue.WENT_AWAY)
        finished = conn.execute(sa.select(handoffs.c.finished_at).where(handoffs.c.id == handoff_id)).scalar()
        when = finished - timedelta(minutes=minutes_ago)
        conn.execute(handoffs.update().where(handoffs.c.id == handoff_id).values(finished_at=when))


@pytest.mark.usefixtures("care_team_always_in")
def test_stepping_away_is_answered_from_the_settings(domain, monkeypatch):
    # c05: "if I step away for 10 mins will I lose my place?" heard a sorry and the place, never an answer.
    sign_in_agent("sam")
    queued(domain, "priya")
    dispatcher, events = run_action(
        ActionWhileWaiting(), asked("priya", 1, "if I step away for 10 mins will I lose my place?", "step_away"), domain
    )
    assert dispatcher.messages == [
        message(response="utter_queue_step_away", position=1, wait="6 minutes", left="10 minutes")
    ]
    assert "utter_queue_sorry" not in responses(dispatcher)
    told = next(e["value"] for e in events if e["name"] == queue_news.SLOT)
    assert (told["position"], told["response"]) == (1, "utter_queue_step_away")

    # Never let go (GRACIOUS_QUEUE_LEFT_SECONDS=0): the place is kept, and only that is said.
    monkeypatch.setenv("GRACIOUS_QUEUE_LEFT_SECONDS", "0")
    reset_caches()
    dispatcher, _ = run_action(
        ActionWhileWaiting(), asked("priya", 1, "I need to pop out at some point", "step_away"), domain
    )
    assert responses(dispatcher) == ["utter_queue_step_away_kept"]


@pytest.mark.usefixtures("care_team_always_in")
def test_where_the_person_went_is_said(domain):
    # c17: "wait wheres ana gone" after Ana's silent desk returned the case heard only "Still number 1".
    sign_in_agent("sam")
    queued(domain, "kim")
    ana = {"event": "bot", "text": "Are you still with me?", "metadata": {"agent": "Ana Ruiz"}}
    dispatcher, _ = run_action(
        ActionWhileWaiting(), asked("kim", 1, "wait wheres ana gone", "person_gone", [ana]), domain
    )
    assert dispatcher.messages == [
        message(response="utter_queue_person_gone", position=1, wait="6 minutes", agent_name="Ana")
    ]
    dispatcher, _ = run_action(ActionWhileWaiting(), asked("kim", 1, "where did she go?", "person_gone"), domain)
    assert dispatcher.messages[0]["agent_name"] == "The colleague who was helping you"


@pytest.mark.usefixtures("care_team_always_in")
def test_back_soon_after_going_quiet_the_old_place_is_had_again(domain):
    # c10: number 1 before the doorbell, number 6 after it. Now: told warmly, and put back where he was.
    sign_in_agent("sam")
    queued(domain, "dan")  # 1
    queued(domain, "eve")  # 2
    went_away(1)
    dispatcher, _ = run_action(
        ActionWhileWaiting(), waiting("dan", 1, "sorry, had to answer the door! am I still in the queue?"), domain
    )
    assert responses(dispatcher) == ["utter_queue_not_waiting_went_away_back"]
    queued(domain, "dan")  # 3: "yes put me back in please"
    assert (place_of(3).position, place_of(2).position) == (1, 2)


@pytest.mark.usefixtures("care_team_always_in")
def test_back_long_after_going_quiet_joins_the_back_of_the_line(domain):
    sign_in_agent("sam")
    queued(domain, "dan")
    queued(domain, "eve")
    went_away(1, minutes_ago=31)  # past 3 x the 10 minutes the queue waits without a word
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("dan", 1, "am I still in the queue?"), domain)
    assert responses(dispatcher) == ["utter_queue_not_waiting_went_away"]
    queued(domain, "dan")
    assert (place_of(3).position, place_of(2).position) == (2, 1)


def test_the_watch_says_an_update_never_nothing_has_changed():
    # w1: unprompted "Nothing has changed since I last said: you're number 1, about 3 minutes away."
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    last = queue_news.first_told(1, 1, 6, now, "utter_queue_update")
    said = []
    for minutes in (2, 4, 6):
        news = queue_news.telling(1, 1, last, now + timedelta(minutes=minutes), watch=True)
        said.append(news.response)
        last = news.told
    assert not set(said) & set(queue_news.SAME)
    assert said == ["utter_queue_wait_now", "utter_queue_update", "utter_queue_wait_now"]


@pytest.mark.usefixtures("care_team_always_in")
def test_a_calm_question_answered_hears_the_place_kept_without_a_sorry(domain):
    # c12: the café hours, then "I'm sorry this is taking a while" (then, later, "Nothing has changed").
    sign_in_agent("sam")
    queued(domain, "ruth")
    tracker = waiting("ruth", 1, "While I wait, may I ask what your café opening hours are?")
    tracker.latest_message["intent"] = {"name": "ask_policy", "confidence": 0.9}
    dispatcher, _ = run_action(ActionWhileWaiting(), tracker, domain)
    assert responses(dispatcher) == ["utter_queue_keep_place"]


@pytest.mark.usefixtures("care_team_always_in")
def test_left_with_a_goodbye_is_never_told_they_had_gone_quiet(domain):
    # w1's "no thanks, bye" leaves the queue (actions/closing.py, as went_away); asked after, the plain truth.
    sign_in_agent("sam")
    queued(domain, "wes")
    went_away(1)
    tracker = waiting("wes", 1, "am i still in the queue?")
    tracker.events.append({"event": "bot", "text": "...", "metadata": {"utter_action": "utter_queue_left_goodbye"}})
    dispatcher, _ = run_action(ActionWhileWaiting(), tracker, domain)
    assert responses(dispatcher) == ["utter_queue_not_waiting"]
