"""What a waiting customer hears, as the second panel (issue #17, _found.md §6) found it wrong: a request
is answered or noted for the person (never just the place), staying is taken warmly, the call and
email buttons come once, a greeting and an upset customer are answered as such, moving down is
said honestly, the wait counts down when asked every minute, "just connect me" hears they are in
line already, and no reply while queued offers a handoff button."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from actions.waiting import ActionWhileWaiting
from gracious import queue_news, stores
from gracious.stores.records import agent_presence, handoffs
from tests.actions import responses, run_action
from tests.actions.test_waiting import sign_in_agent, waiting
from tests.actions.test_waiting_news import handoff_told, told_of


def ask(domain, sender, handoff_id, text, told, intent="ask_status", **message):
    tracker = waiting(sender, handoff_id, text, intent=intent, queue_told=told)
    tracker.latest_message.update(message)
    dispatcher, events = run_action(ActionWhileWaiting(), tracker, domain)
    return dispatcher, told_of(events) or told


def buttons_of(dispatcher):
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


def nobody_available():
    with stores.records().engine.begin() as conn:
        conn.execute(agent_presence.update().values(status="away"))


@pytest.mark.usefixtures("care_team_always_in")
def test_a_request_with_no_answer_is_noted_for_the_person_then_the_place(domain):
    sign_in_agent("sam")
    told = handoff_told(domain, "maya")
    dispatcher, told = ask(domain, "maya", 1, "can you just cancel LK-10424 for me?", told, noted=True)
    assert responses(dispatcher) == ["utter_queue_noted", "utter_queue_keep_place"]
    assert "added that to your case" in domain["responses"]["utter_queue_noted"][0]["text"]
    # With a designers' answer, the answer first; noted as well when the reader marked it a request for the
    # person ("can you cancel my order instead": "one of our people can stop it"), not for a plain question.
    domain["responses"].setdefault("utter_answer_care_line", [{"text": "From {care_line}."}])
    dispatcher, told = ask(domain, "maya", 1, "what number?", told, answers=["utter_answer_care_line"])
    assert responses(dispatcher) == ["utter_answer_care_line", "utter_queue_keep_place"]
    dispatcher, _ = ask(
        domain, "maya", 1, "can you cancel my order instead", told, noted=True, answers=["utter_answer_care_line"]
    )
    assert responses(dispatcher) == ["utter_answer_care_line", "utter_queue_noted", "utter_queue_keep_place"]


@pytest.mark.usefixtures("care_team_always_in")
def test_staying_after_the_wait_limit_offer_is_taken_warmly_and_the_buttons_are_not_offered_again(domain, monkeypatch):
    monkeypatch.setenv("GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS", "60")
    sign_in_agent("sam")
    told = handoff_told(domain, "lee")
    with stores.records().engine.begin() as conn:
        conn.execute(
            handoffs.update().values(created_at=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=2))
        )
    dispatcher, told = ask(domain, "lee", 1, "is anyone there?", told)
    assert responses(dispatcher) == ["utter_queue_wait_long"] and len(buttons_of(dispatcher)) == 2

    for text in ("I'll stay in the queue, thank you.", "ill wait i guess"):
        dispatcher, told = ask(domain, "lee", 1, text, told, repair=queue_news.STAYS)
        assert responses(dispatcher) == ["utter_queue_staying"] and buttons_of(dispatcher) == []
    assert told["stayed"] is True

    # Nobody free now: said in words; the buttons once, since things changed (nobody where someone was).
    nobody_available()
    heard = []
    for _ in range(3):
        dispatcher, told = ask(domain, "lee", 1, "any news?", told)
        heard.append(len(buttons_of(dispatcher)))
    assert heard == [2, 0, 0]


@pytest.mark.usefixtures("care_team_always_in")
def test_with_nobody_available_the_buttons_come_once_not_three_turns_running(domain):
    sign_in_agent("sam")
    told = handoff_told(domain, "nell")
    nobody_available()
    heard = []
    for text in ("any news?", "hello?", "how long now"):
        dispatcher, told = ask(domain, "nell", 1, text, told)
        heard.append(len(buttons_of(dispatcher)))
    assert heard == [2, 0, 0]


def test_a_greeting_and_an_upset_customer_never_hear_nothing_has_changed():
    now = datetime(2026, 12, 1, 12, 0)
    told = queue_news.first_told(2, 1, 12, now, "utter_queue_handoff")
    heard = []
    for text, intent in [
        ("hi", "greet"),
        ("hello again", "greet"),
        ("this is ridiculous, 20 minutes!", "express_frustration"),
        ("seriously?? still nothing", "express_frustration"),
    ]:
        news = queue_news.telling(2, 1, told, now, text, intent)
        told = news.told
        heard.append(queue_news.said_lines(news))
    assert heard == [
        ["utter_queue_hello"],
        ["utter_queue_same_here"],
        ["utter_queue_sorry", "utter_queue_wait_honest"],
        ["utter_queue_same_short"],  # the sorry once per wait, never stacked
    ]
    assert not any("utter_queue_same" in turn for turn in heard)


def test_moving_down_is_said_honestly_and_no_changed_place_says_still(domain):
    now = datetime(2026, 12, 1, 12, 0)
    told = queue_news.first_told(2, 1, 12, now, "utter_queue_handoff")
    down = queue_news.telling(3, 1, told, now, "how long now?", "ask_status")
    assert (down.response, down.position) == ("utter_queue_moved_down", 3)
    assert "more urgent went ahead of you" in domain["responses"]["utter_queue_moved_down"][0]["text"]
    said = {queue_news.telling(p, a, told, now).response for p in (1, 3) for a in (0, 1)}
    said |= {queue_news.telling(2, 1, None, now).response, queue_news.telling(2, 0, None, now).response}
    for response in said:
        assert "still" not in domain["responses"][response][0]["text"].lower(), response


def test_the_wait_counts_down_when_asked_every_fifty_seconds():
    start = datetime(2026, 12, 1, 12, 0)
    told = queue_news.first_told(2, 1, 12, start, "utter_queue_handoff")
    waits = []
    for i in range(1, 7):
        news = queue_news.telling(2, 1, told, start + timedelta(seconds=50 * i), "how long?", "ask_status")
        told = news.told
        waits.append(news.wait)
    assert waits == [12, 11, 10, 9, 8, 7]  # whole minutes since the 12 were told, not since the last answer


@pytest.mark.usefixtures("care_team_always_in")
def test_just_connect_me_hears_they_are_in_line_for_a_person_already(domain):
    sign_in_agent("sam")
    handoff_told(domain, "ann")
    told = handoff_told(domain, "ravi")
    dispatcher, told = ask(
        domain, "ravi", 2, "i asked to be connected. please just connect me", told, read_from="request_human"
    )
    assert responses(dispatcher) == ["utter_queue_person_coming"]
    assert "already in line for a person" in domain["responses"]["utter_queue_person_coming"][0]["text"]
    dispatcher, _ = ask(domain, "ravi", 2, "connect me!!", told, read_from="request_human")
    assert responses(dispatcher)[-1] == "utter_queue_already_in_line"


@pytest.mark.usefixtures("care_team_always_in")
def test_no_reply_while_queued_offers_a_handoff_button(domain):
    sign_in_agent("sam")
    told = handoff_told(domain, "zoe")
    lines = ["hello?", "can you just cancel LK-10424 for me?", "this is ridiculous", "get me someone", "ill wait"]
    for flip in (False, True):
        if flip:
            nobody_available()
        for text in lines:
            dispatcher, told = ask(domain, "zoe", 1, text, told, noted=text.startswith("can"))
            for button in buttons_of(dispatcher):
                assert "human" not in button["payload"] and "person" not in button["title"].lower(), button


def test_how_long_do_i_have_to_sit_here_is_impatience_answered_with_an_honest_wait():
    now = datetime(2026, 12, 1, 12, 0)
    told = queue_news.first_told(1, 1, 6, now, "utter_queue_handoff")
    news = queue_news.telling(1, 1, told, now, "how long do i have to sit here", "ask_status")
    assert queue_news.said_lines(news) == ["utter_queue_sorry", "utter_queue_wait_honest"]
