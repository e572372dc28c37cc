"""What Gracious says once a person has helped, and what the team's email promises
(issue #17 panel: "Thanks for your patience with my colleague" on every hand-back,
"Thanks for talking it through with me" after an agent's close, and "with what they
found" promised when the customer had described nothing)."""

import re

from rasa.core.nlg.generator import ResponseVariationFilter

from actions.closing import ActionCloseConversation, closing_words
from actions.handback import ActionHandback
from actions.schedule_callback import ActionScheduleCallback
from tests.actions import responses, run_action, tracker_from, variations
from tests.actions.test_promises import company_outbox, frozen  # noqa: F401 (a fixture)


def test_the_hand_back_line_is_short_varied_and_claims_nothing(domain):
    lines = variations(domain, "utter_handback")
    assert len(set(lines)) >= 2  # not the same words on every hand-back
    for line in lines:
        assert not re.search(r"patience|arranged|colleague", line, re.I), line
        assert len(line) < 70, line


def test_what_the_agent_arranged_is_named_and_said_to_be_on_the_case(domain):
    lines = variations(domain, "utter_handback_arranged")
    assert len(set(lines)) >= 2
    assert all(line.startswith("{agent_name} arranged {arranged}.") and "on your case" in line for line in lines)


def test_with_nothing_arranged_the_hand_back_is_only_the_short_line(domain):
    tracker = tracker_from(
        "request_human",
        slots={
            "handback": {"agent": "Sam Lee", "handoff_id": 7, "names": {}},
            "handoff_id": "7",
            "offered_alternatives": ["human"],
        },
    )
    dispatcher, _ = run_action(ActionHandback(), tracker, domain)
    assert responses(dispatcher) == ["utter_handback"]


def agent_wrote(tracker, name="Sam Lee"):
    tracker.events.append({"event": "bot", "text": "Sam here, it's sorted.", "metadata": {"agent": name}})
    return tracker


def test_a_close_after_a_person_thanks_them_for_their_time_not_for_talking_to_me(domain):
    handed_back = tracker_from("request_human", intent="goodbye", text="thanks bye", slots={"handoff_id": "4"})
    handed_back.events.append({"event": "action", "name": "action_handback"})
    assert closing_words(handed_back) == "utter_close_after_person"
    # Closed from the desk (no hand-back), the customer frustrated before: still a person's close.
    closed_at_desk = agent_wrote(
        tracker_from("request_human", slots={"handoff_id": "4", "frustration": 2.0, "case_type": "complain_service"})
    )
    assert closing_words(closed_at_desk) == "utter_close_after_person"
    fixed = agent_wrote(tracker_from("request_human", slots={"handoff_id": "4", "accepted_alternative": "refund"}))
    assert closing_words(fixed) == "utter_close_after_person_arranged"
    for key in ("utter_close_after_person", "utter_close_after_person_arranged"):
        for line in variations(domain, key):
            assert "with me" not in line and "time today" in line and "on your case" in line, line


def test_the_desks_close_names_the_agent_who_helped(domain):
    tracker = agent_wrote(
        tracker_from("request_human", slots={"handoff_id": "4", "case_type": "complain_service", "case_details": "x"})
    )
    dispatcher, _ = run_action(ActionCloseConversation(), tracker, domain)
    assert (dispatcher.messages[0]["response"], dispatcher.messages[0].get("agent_name")) == (
        "utter_close_after_person",
        "Sam",
    )
    # With no case opened, not "Thanks for stopping by".
    dispatcher, _ = run_action(ActionCloseConversation(), agent_wrote(tracker_from("request_human")), domain)
    assert responses(dispatcher) == ["utter_close_after_person"]


def promised_words(domain, response, **slots):
    """What Rasa may say for ``response`` with these slots (its condition filter, as the server runs it)."""
    filled = {"case_type": None, "case_details": None, **slots}
    return [
        v["text"]
        for v in ResponseVariationFilter(domain["responses"]).responses_for_utter_action(response, "rest", filled)
    ]


def test_the_email_follow_up_promises_what_they_found_only_when_a_problem_was_described(domain):
    for response in ("utter_confirm_email_followup", "utter_callback_email_instead"):
        nothing_told = promised_words(domain, response)
        assert nothing_told and all("ask how they can help" in t and "found" not in t for t in nothing_told)
        told = promised_words(domain, response, case_type="check_order_status", case_details="my order is late")
        assert told and all("with what they found" in t for t in told)


def test_the_teams_note_asks_how_they_can_help_when_nothing_was_described(domain, frozen):  # noqa: F811
    slots = {"callback_escape": "email", "followup_email": "sam.guest@example.org", "verified_customers": []}
    tracker = tracker_from("callback_form", slots={**slots, "case_type": None, "case_details": None})
    dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)

    assert responses(dispatcher) == ["utter_callback_email_instead"]
    _, note = company_outbox()
    assert note["topic"] == "followup_confirmation_asking"
    assert "how they can help" in note["payload"]["text"]
    assert "what you told us" not in note["payload"]["text"] and "found" not in note["payload"]["text"]
