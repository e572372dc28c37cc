"""A waiting customer (in_queue) is in line for a person already: never a "Talk to a person" button.

Loose ends of the desk-queue panel (issue #17): backing out of a call taken from the wait offer, asking
"why?" a second time, and choosing something not on offer still put the person button beside the reply.
"""

import asyncio
import copy

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.apply_alternative import ActionApplyAlternative
from actions.callback_escape import instead_of_a_call
from actions.digression import with_a_person
from tests.actions import run_action, tracker_from

OFFER = [
    {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative": "goodwill_credit"}'},
    {"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'},
    {"title": "None of these", "payload": "/deny"},
]


def payloads(dispatcher):
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def escaped(escape, domain, **slots):
    tracker = tracker_from("callback_form", slots=slots)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(instead_of_a_call(escape, dispatcher, tracker, domain))
    return dispatcher, events


@pytest.mark.parametrize(
    "escape, response",
    [
        ("none", "utter_callback_no_call_queued"),
        ("stuck", "utter_callback_time_stuck_queued"),
        ("stuck_phone", "utter_callback_phone_stuck_queued"),
        ("no_phone", "utter_callback_no_number_queued"),
    ],
)
def test_backing_out_of_a_call_while_queued_offers_the_email_and_keeps_the_place(escape, response, domain):
    dispatcher, events = escaped(escape, domain, in_queue=True)
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert payloads(dispatcher) == ['/choose_alternative{"alternative": "email_followup"}']
    offered = next(e["value"] for e in events if e.get("name") == "offered_alternatives")
    assert "human" not in offered
    # Its words keep the place and offer no person.
    text = domain["responses"][response][0]["text"]
    assert "place in the queue" in text and "person" not in text


def test_not_queued_the_person_is_still_offered_beside_the_email(domain):
    # With someone on duty (the call was chosen from an offer); with nobody on duty, no person:
    # tests/actions/test_no_call_with_nobody_on_duty.py.
    dispatcher, _ = escaped("none", domain, agent_available=True)
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_no_call"]
    assert '/choose_alternative{"alternative": "human"}' in payloads(dispatcher)


def test_no_call_and_no_email_while_queued_keeps_the_place_with_no_button(domain):
    dispatcher, events = escaped("neither", domain, in_queue=True)
    assert [m["response"] for m in dispatcher.messages] == ["utter_no_call_no_email_queued"]
    assert payloads(dispatcher) == []
    assert all(e.get("value") != ["human"] for e in events)
    assert "place in the queue" in domain["responses"]["utter_no_call_no_email_queued"][0]["text"]


def test_why_asked_again_while_queued_has_no_person_button(domain):
    tracker = tracker_from("alternatives_offered", slots={"in_queue": True})
    dispatcher = CollectingDispatcher()
    with_a_person(dispatcher, tracker, domain, "utter_why_again")
    assert [m["response"] for m in dispatcher.messages] == ["utter_why_again_queued"]
    assert payloads(dispatcher) == []
    # Not queued: the button, before "None of these", the offer kept beside it (blind panel p64 P-08).
    dispatcher = CollectingDispatcher()
    with_a_person(dispatcher, tracker_from("alternatives_offered"), domain, "utter_why_again")
    assert payloads(dispatcher)[-2:] == ["/request_human", "/deny"]
    assert len(payloads(dispatcher)) > 2


def test_not_available_while_queued_lists_the_options_without_the_person(domain):
    state_events = copy.deepcopy(tracker_from("alternatives_offered").events)
    for event in state_events:
        if event.get("event") == "bot" and (event.get("data") or {}).get("buttons"):
            event["data"]["buttons"] = OFFER
    queued = tracker_from(
        "alternatives_offered", slots={"alternative": "store_credit", "in_queue": True}, events=state_events
    )
    dispatcher, _ = run_action(ActionApplyAlternative(), queued, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_alternative_not_available"]
    assert "human" not in " ".join(payloads(dispatcher))
    assert payloads(dispatcher)[0] == '/choose_alternative{"alternative": "goodwill_credit"}'
    # Not queued, the person stays among the options shown.
    plain = tracker_from("alternatives_offered", slots={"alternative": "store_credit"}, events=state_events)
    dispatcher, _ = run_action(ActionApplyAlternative(), plain, domain)
    assert '/choose_alternative{"alternative": "human"}' in payloads(dispatcher)
