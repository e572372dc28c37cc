"""Words that are always whole: a response that would be broken falls back to one that needs no value."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from server.dialogue import whole_words

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


@pytest.fixture
def nlg(monkeypatch: pytest.MonkeyPatch) -> TemplatedNaturalLanguageGenerator:
    """The domain's responses, chosen as the running assistant chooses them."""
    monkeypatch.setattr(TemplatedNaturalLanguageGenerator, "generate_from_slots", whole_words.generate_whole)
    return TemplatedNaturalLanguageGenerator(RESPONSES)


def said(
    nlg: TemplatedNaturalLanguageGenerator, key: str, slots: Optional[Dict[str, Any]] = None, **values: Any
) -> Optional[str]:
    message = nlg.generate_from_slots(key, slots or {}, "rest", **values)
    return None if message is None else message["text"]


def test_a_filled_response_reads_as_written(nlg) -> None:
    assert said(nlg, "utter_confirm_refund", reference="LK-10426") == (
        "Done: your refund for LK-10426 is under way. A prepaid return label is on its way to your email, "
        "and the money reaches your original payment method 5 to 7 business days after the return arrives."
    )


@pytest.mark.parametrize("reference", ["", None, "  ", "None"])
def test_an_empty_reference_falls_back_to_the_variation_without_one(nlg, reference) -> None:
    assert said(nlg, "utter_confirm_refund", reference=reference) == (
        "Done: your refund is under way. A prepaid return label is on its way to your email, "
        "and the money reaches your original payment method 5 to 7 business days after the return arrives."
    )


def test_a_value_nobody_passed_is_empty_too(nlg) -> None:
    assert said(nlg, "utter_reference_not_found") == (
        "I couldn't find that number in our records. Could you check it for me? "
        "It's on your confirmation email or at the top of your bill."
    )


def test_none_days_ago_is_never_said(nlg) -> None:
    kept = said(nlg, "utter_policy_returns_outside_window", reference="LK-10425", days_since_delivery=60)
    assert kept == (
        "LK-10425 was delivered 60 days ago, and full refunds are for returns within 30 days, because after "
        "that we can't sell an item again as new. I know that isn't the answer you were hoping for, and I'm "
        "sorry. There's still something I can do."
    )
    assert said(nlg, "utter_policy_returns_outside_window", reference="LK-10423", days_since_delivery=None) == (
        "Full refunds are for returns within 30 days of delivery, because after that we can't sell an item "
        "again as new. I'm sorry I can't offer a full refund on this one, but there's still something I can do."
    )


def test_a_plural_item_reads_right(nlg) -> None:
    assert said(nlg, "utter_policy_returns_entitled", reference="LK-10426", item="headphones") == (
        "Good news: LK-10426 is within our 30-day return window, so a full refund is yours. Once we receive "
        "the headphones, the money goes back to your original payment method within 5 to 7 business days."
    )


def test_zero_is_a_value_and_slots_fill_placeholders_too(nlg) -> None:
    nlg.responses = {
        "utter_greet_by_name": [{"text": "Hi {name}, thanks for waiting."}, {"text": "Thanks for waiting."}]
    }
    assert said(nlg, "utter_greet_by_name", slots={"name": "Maya"}) == "Hi Maya, thanks for waiting."
    assert whole_words.is_empty(0) is False
    assert whole_words.is_empty([]) is True


def test_a_response_with_no_whole_variation_is_not_sent(nlg, caplog) -> None:
    nlg.responses = {"utter_where": [{"text": "Your order {reference} is on its way."}]}
    with caplog.at_level(logging.WARNING, logger="server.dialogue.whole_words"):
        assert nlg.generate_from_slots("utter_where", {}, "rest", reference="") is None
    assert caplog.messages == [
        "Response 'utter_where' not sent: every variation has an empty placeholder (reference); "
        "add a variation with no placeholders to fall back on."
    ]


def test_valueless_variations_are_only_the_fallback(nlg) -> None:
    nlg.responses = {
        "utter_where": [
            {"text": "{reference} is on its way."},
            {"text": "{reference} left us yesterday."},
            {"text": "Your order is on its way."},
        ]
    }
    np.random.seed(3)
    seen = {said(nlg, "utter_where", reference="LK-10423") for _ in range(40)}
    assert seen == {"LK-10423 is on its way.", "LK-10423 left us yesterday."}
    assert {said(nlg, "utter_where", reference="") for _ in range(5)} == {"Your order is on its way."}


def test_conditions_and_channels_still_choose_first(nlg) -> None:
    nlg.responses = {
        "utter_ask": [
            {"condition": [{"type": "slot", "name": "tries", "value": 1.0}], "text": "Or just say skip."},
            {"text": "What's the {thing}?"},
            {"text": "What is it?"},
            {"channel": "socketio", "text": "Which {thing}, {name}?"},
            {"condition": [{"type": "slot", "name": "tries", "value": 2.0}], "text": "Is {thing} right?"},
        ]
    }
    assert said(nlg, "utter_ask", {"tries": 1.0}, thing="number") == "Or just say skip."
    assert said(nlg, "utter_ask", {"tries": None}, thing="number") == "What's the number?"
    assert said(nlg, "utter_ask", {"tries": None}, thing=None) == "What is it?"
    assert said(nlg, "utter_ask", {"tries": 2.0}, thing="LK-1") == "Is LK-1 right?"
    # A conditional or channel variation that cannot be filled whole: the plain fallback stands in.
    assert said(nlg, "utter_ask", {"tries": 2.0}, thing="") == "What is it?"
    socket = nlg.generate_from_slots("utter_ask", {}, "socketio", thing="code", name="")
    assert socket["text"] == "What is it?"
    assert said(nlg, "utter_ask", {}, thing="code", name="Maya") == "What's the code?"  # rest: not the socket one
    socket = nlg.generate_from_slots("utter_ask", {}, "socketio", thing="code", name="Maya")
    assert socket["text"] == "Which code, Maya?"


def test_button_payloads_are_not_placeholders(nlg) -> None:
    # Filled as in a conversation, where there are always slots (the payloads' braces are doubled in
    # domain.yml, so filling gives the JSON back: tests/server/test_rating_buttons.py).
    rating = nlg.generate_from_slots("utter_ask_rating", {"handoff_id": "3"}, "rest")
    assert rating["text"].startswith("One last thing")
    assert rating["buttons"][0] == {"title": "1", "payload": '/give_feedback{"rating": "1"}'}


def test_what_an_action_sends_is_whole_after_rasa_fills_it(nlg) -> None:
    """The action server's message, as Rasa turns it into what the customer reads."""
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(response="utter_confirm_refund", reference="", item="order")
    dispatcher.utter_message(response="utter_reference_not_found", reference="LK-99999", reference_kind="order")
    tracker = DialogueStateTracker("maya", [AnySlot("order_id", mappings=[])])
    uttered = asyncio.run(RemoteAction._utter_responses(dispatcher.messages, CollectingOutputChannel(), nlg, tracker))
    texts: List[str] = [event.text for event in uttered]
    assert texts == [
        "Done: your refund is under way. A prepaid return label is on its way to your email, "
        "and the money reaches your original payment method 5 to 7 business days after the return arrives.",
        "I couldn't find LK-99999 in our records. Could you check the number for me? "
        "It's on your confirmation email or at the top of your bill.",
    ]


def test_the_warning_names_the_line_of_the_response_in_the_file_served(nlg, caplog, tmp_path) -> None:
    from gracious import responses

    domain = tmp_path / "domain.yml"
    domain.write_text(
        'version: "3.1"\nresponses:\n  utter_greet:\n    - text: "Hi."\n'
        '  utter_where:\n    - text: "Your order {reference} is on its way."\n',
        encoding="utf-8",
    )
    reader = responses.LiveResponses(domain)
    reader.bind_model({"utter_where": [{"text": "Your order {reference} is on its way."}]})
    responses.serve(reader)
    try:
        nlg.responses = {"utter_where": [{"text": "Your order {reference} is on its way."}]}
        with caplog.at_level(logging.WARNING, logger="server.dialogue.whole_words"):
            assert nlg.generate_from_slots("utter_where", {}, "rest", reference="") is None
    finally:
        responses.serve(None)
        reader.settle()
    assert [r.getMessage() for r in caplog.records if r.name == "server.dialogue.whole_words"] == [
        f"Response 'utter_where' ({responses.shown_path(domain)}:5) not sent: every variation has an empty "
        "placeholder (reference); add a variation with no placeholders to fall back on."
    ]
