"""No call, with nobody from the team on duty: the form left kindly, never a person offered who isn't there.

Panel P3 (#17) c20: nobody was on duty, so a call was offered; "hmm no, I don't really want a phone call.
I'll try again later when someone's around" got "Sorry, I didn't catch a time in that.", then "Would you
rather our team wrote to you, or would you like a person here in the chat?" with [Talk to a person], and
the button led back to the call form.
"""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import callback_escape
from actions.callback_escape import escape_in, instead_of_a_call
from server.dialogue.form_readings import in_callback_form
from tests.actions import tracker_from

DECLINED = "hmm no, I don't really want a phone call. I'll try again later when someone's around"
PERSON = '/choose_alternative{"alternative": "human"}'
EMAIL = '/choose_alternative{"alternative": "email_followup"}'
CALL = '/choose_alternative{"alternative": "callback"}'


def escaped(escape, domain, monkeypatch, team_in_hours, **slots):
    monkeypatch.setattr(callback_escape, "is_open", lambda moment, hours: team_in_hours)
    tracker = tracker_from("callback_form", slots=slots)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(instead_of_a_call(escape, dispatcher, tracker, domain))
    return dispatcher, events


def payloads(dispatcher):
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def test_i_dont_really_want_a_phone_call_leaves_the_form():
    assert escape_in(DECLINED) == "none"
    parsed = {"text": DECLINED, "intent": {"name": "deny", "confidence": 0.7}, "entities": []}
    assert in_callback_form(parsed, DECLINED, "deny").get("repair") == "switch_channel"


@pytest.mark.parametrize("team_in_hours, when", [(True, "busy"), (False, "later")])
def test_no_call_with_nobody_on_duty_offers_the_email_or_a_call_and_says_when(team_in_hours, when, domain, monkeypatch):
    dispatcher, events = escaped("none", domain, monkeypatch, team_in_hours, agent_available=False)

    assert [m["response"] for m in dispatcher.messages] == [f"utter_no_call_nobody_{when}"]
    assert payloads(dispatcher) == [EMAIL, CALL]
    offered = next(e["value"] for e in events if e.get("name") == "offered_alternatives")
    assert "human" not in offered
    text = domain["responses"][f"utter_no_call_nobody_{when}"][0]["text"]
    assert "come back" in text and "person here" not in text
    if when == "later":
        assert dispatcher.messages[0]["back_at"] and "{back_at}" in text


def test_no_call_and_no_email_with_nobody_on_duty_offers_no_person(domain, monkeypatch):
    dispatcher, _ = escaped("neither", domain, monkeypatch, True, agent_available=False)

    assert [m["response"] for m in dispatcher.messages] == ["utter_no_call_no_email_nobody_busy"]
    assert PERSON not in payloads(dispatcher)


def test_with_someone_on_duty_the_person_is_still_offered(domain, monkeypatch):
    dispatcher, _ = escaped("none", domain, monkeypatch, True, agent_available=True)

    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_no_call"]
    assert PERSON in payloads(dispatcher)
