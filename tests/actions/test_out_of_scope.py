"""action_redirect_out_of_scope: where a request we don't handle is done, by family."""

import pytest
import yaml
from rasa_sdk.events import FollowupAction

from actions.out_of_scope import ActionRedirectOutOfScope, redirect_for
from gracious.settings import ROOT
from tests.actions import message, responses, run_action, tracker_from


@pytest.mark.parametrize(
    "text, response",
    [
        ("i forgot my password and cant log in", "utter_out_of_scope_accounts"),
        ("how do I delete my profile?", "utter_out_of_scope_accounts"),
        ("I need to reset my damn PIN code", "utter_out_of_scope_accounts"),
        ("please UNSUBSCRIBE me from all this spam", "utter_out_of_scope_newsletters"),
        ("can i change the delivery address on my account", "utter_out_of_scope_address"),
        ("i moved house, new address is 4 elm street", "utter_out_of_scope_address"),
        ("can I pay with paypal", "utter_out_of_scope_payment"),
        ("do you have the green dress back in stock", "utter_out_of_scope_new_order"),
        ("are you hiring at the moment", "utter_out_of_scope_jobs"),
        ("what are cars like mine selling for online", "utter_out_of_scope"),
        ("", "utter_out_of_scope"),
    ],
)
def test_each_family_gets_its_own_redirect(text, response):
    assert redirect_for(text) == response


def test_every_family_names_a_response_in_the_domain(domain):
    families = yaml.safe_load((ROOT / "catalog" / "out_of_scope.yml").read_text())["families"]
    assert len(families) >= 6  # accounts, newsletters, address, payment, new orders, jobs
    for family in families:
        assert family["response"] in domain["responses"], family["name"]
        assert family["words"], family["name"]


def test_the_action_sends_the_redirect(domain):
    tracker = tracker_from("empty_tracker", intent="out_of_scope", text="how do i sign up for the newsletter")
    dispatcher, events = run_action(ActionRedirectOutOfScope(), tracker, domain)
    assert dispatcher.messages == [message(response="utter_out_of_scope_newsletters")]
    assert events == []


# A message in another language: told once, then a person.


def _in_spanish(said_before):
    tracker = tracker_from("empty_tracker", text="mi pedido no ha llegado", intent="out_of_scope")
    tracker.latest_message["language"] = "es"
    tracker.events.extend({"event": "bot", "text": t} for t in said_before)
    return tracker


def test_the_notice_is_given_once_in_english_and_in_their_language(domain):
    dispatcher, events = run_action(ActionRedirectOutOfScope(), _in_spanish([]), domain)
    assert responses(dispatcher) == ["utter_english_only", "utter_english_only_es"]
    assert events == []


def test_a_person_asked_for_in_another_language_is_told_in_both_and_brought_in(domain):
    tracker = _in_spanish([])
    tracker.latest_message["person_asked"] = True
    dispatcher, events = run_action(ActionRedirectOutOfScope(), tracker, domain)
    assert responses(dispatcher) == ["utter_english_only_person", "utter_english_only_person_es"]
    assert events == [FollowupAction("action_handoff")]


def test_another_language_while_a_call_is_arranged_is_told_the_team_has_the_case(domain):
    tracker = _in_spanish([])
    tracker.slots["handoff_id"] = "4"
    tracker.active_loop = {"name": "callback_form"}
    dispatcher, events = run_action(ActionRedirectOutOfScope(), tracker, domain)
    assert responses(dispatcher) == ["utter_english_only_team_has_it", "utter_english_only_team_has_it_es"]
    assert events == []
