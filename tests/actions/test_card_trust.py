"""The handoff's card an agent can trust (issue #17, panel P3 defect 11), in the customers' words."""

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff, case_summary
from actions.handoff_card import followup_address
from actions.schedule_callback import ValidateCallbackForm
from gracious.signals import frustration_signals
from server.desk.readable import entry
from tests.actions import tracker_from

PERSON = [{"title": "I'd like to talk to a person", "payload": "/request_human"}]


def user(text, intent="inform"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}


def conversation(*events, **slots):
    said = [e for e in events if e.get("event") == "user"]
    last = said[-1]
    intent = last["parse_data"]["intent"]["name"]
    return tracker_from("empty_tracker", events=list(events), text=last["text"], intent=intent, slots=slots)


def c09():
    return conversation(
        user("THIS IS THE THIRD TIME IM CONTACTING YOU. GET ME A MANAGER NOW", "nlu_fallback"),
        {
            "event": "bot",
            "text": "Just so I help with the right thing: is it one of these?",
            "data": {"buttons": PERSON},
        },
        user("/request_human", "request_human"),
    )


def test_a_click_is_never_its_payload_on_the_card():
    card = case_summary(c09())
    assert card["what_happened"] == "THIS IS THE THIRD TIME IM CONTACTING YOU. GET ME A MANAGER NOW"
    assert card["last_messages"][-1] == "I'd like to talk to a person"
    assert not any(m.startswith("/") for m in card["last_messages"])


def test_a_demand_for_a_manager_in_capitals_is_frustration_on_the_card():
    assert case_summary(c09())["frustration"] >= 2


def test_again_in_capitals_and_arguing_with_a_bot_are_frustration():
    assert {"shouting", "happened_again"} <= set(
        frustration_signals("my phone bill BL-30017 is wrong AGAIN. I was promised the volume discount", [], "")
    )
    said = "No. I don't want to argue with a bot about this, I want a human being who can actually fix it"
    assert frustration_signals(said, [], "request_human") == ["venting"]
    assert frustration_signals("can you book it again for tomorrow", [], "") == []


def test_a_phone_number_is_not_the_cases_reference_and_the_followup_has_the_address_given():
    tracker = conversation(
        user("Can I get a human please. Long story.", "request_human"),
        user("07700 900123"),
        user(
            "hmm actually I'm in meetings all morning. cancel the call and have someone email me instead? sam.t@example.com"
        ),
        user("perfect. that's all, cheers", "thank"),
        order_id="900123",
        granted_alternatives=["email_followup"],
    )
    assert case_summary(tracker)["reference"] is None
    booked = followup_address({"email_followup": {"to": None}}, tracker)
    assert booked["email_followup"]["to"] == "sam.t@example.com"


def test_a_reference_the_customer_named_stays():
    tracker = conversation(user("my refund for order 900123 never came"), order_id="900123")
    assert case_summary(tracker)["reference"] == "900123"


def test_the_calls_phone_is_the_number_without_the_words(domain):
    tracker = tracker_from("callback_form", text="it's +1 555 0178")
    result = ValidateCallbackForm().validate_callback_phone("it's +1 555 0178", CollectingDispatcher(), tracker, domain)
    assert asyncio.run(result) == {"callback_phone": "+1 555 0178"}


def test_a_safety_case_is_named_safety_on_the_queue():
    item = {"id": 7, "reason": "safety", "summary": {"case_type": None}}
    assert entry(item, {})["topic"] == "safety"
    assert entry({"id": 8, "reason": "customer_asked", "summary": {}}, {})["topic"] == "conversation"


def test_a_second_problem_is_on_the_card_not_only_in_the_last_messages():
    tracker = conversation(
        user(
            "two things: my order LK-10422 hasn't turned up and my bill BL-30018 is missing the discount. "
            "can I just talk to someone about both?",
            "request_human",
        ),
        order_id="BL-30018",
        case_type="bill_dispute",
    )
    card = case_summary(tracker)
    assert card["second_problem"]["reference"] == "LK-10422"
    assert "Second problem: order LK-10422." in card["what_happened"]


def test_just_human_is_not_told_everything_was_passed_on(domain, care_team_always_in):
    from tests.actions import run_action
    from tests.actions.test_handoff import sign_in_agent

    sign_in_agent("sam")
    dispatcher, _ = run_action(ActionHandoff(), conversation(user("human", "request_human")), domain)
    assert dispatcher.messages[0]["response"] == "utter_handoff_queued_asked"
    told = conversation(user("my order LK-10422 never came", "check_order_status"), user("human", "request_human"))
    dispatcher, _ = run_action(ActionHandoff(), told, domain)
    assert dispatcher.messages[0]["response"] == "utter_handoff_queued"
