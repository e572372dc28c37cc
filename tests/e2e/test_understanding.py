"""Understanding customers in their own words, against the real servers and the trained model."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict

import pytest

from tests.e2e.conftest import TOKEN, Bot, assert_gracious, texts


def parse(bot: Bot, text: str) -> Dict[str, Any]:
    request = urllib.request.Request(
        f"{bot.base}/model/parse?token={TOKEN}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("order #LK10421 came in the wrong colour", "order_id", "LK-10421"),
        ("lk 10421 is wrong", "order_id", "LK-10421"),
        ("LK-10421", "order_id", "LK-10421"),
        ("lk10421", "order_id", "LK-10421"),
        ("where is order 10426", "order_id", "10426"),
        ("10421", "order_id", "10421"),
        ("bl 30018 looks too high", "order_id", "BL-30018"),
        ("BL30018", "order_id", "BL-30018"),
        ("welcome10 didn't work", "coupon_code", "WELCOME10"),
        ("the spring15 code was refused", "coupon_code", "SPRING15"),
        ("you charged me $49.99", "amount", "49.99"),
        ("they took 49.99 dollars", "amount", "49.99"),
        ("it cost me fifty bucks", "amount", "50.00"),
        ("my email is Maya.Okafor@Example.com", "email", "maya.okafor@example.com"),
        ("call me on 555-0134", "phone", "555-0134"),
    ],
)
def test_the_trained_model_reads_every_reference_format(bot: Bot, text: str, entity: str, value: str) -> None:
    found = [(e["entity"], e["value"]) for e in parse(bot, text)["entities"] if e["entity"] == entity]
    assert found == [(entity, value)]


def test_a_reference_in_the_first_message_is_never_asked_for_again(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "hi, order #LK10421 came in the wrong colour")
    assert_gracious(replies)
    assert "LK-10421" in texts(replies)
    assert "Could you share the order number" not in texts(replies)


def test_a_number_that_matches_no_record_is_named_and_checked_not_asked_again(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "my order LK-99999 arrived with the wrong thing in it")
    assert_gracious(replies)
    said = texts(replies)
    assert "I couldn't find LK-99999" in said and "check the number" in said
    assert "Could you share the order number" not in said  # the same question, not a different one


def test_an_unsure_message_gets_a_question_with_buttons_and_the_choice_carries_on(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "money")  # unsure between a refund, compensation and something else
    assert_gracious(replies)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    payloads = [b["payload"] for b in buttons]
    assert 2 <= len(buttons) <= 3 and "/request_refund" in payloads, payloads
    assert "Which of these is closest" in texts(replies) or "is it one of these" in texts(replies)

    after = bot.say(sender, "/request_refund")
    assert_gracious(after)
    assert bot.actions(sender)[:2] == ["action_handle_misunderstanding", "action_empathize"]


def test_a_request_we_do_not_handle_is_sent_where_it_is_done(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "I need to reset my damn PIN code")
    assert_gracious(replies)
    assert "My account page" in texts(replies)
    assert [b["payload"] for r in replies for b in r.get("buttons", [])] == ["/request_human"]
    assert bot.actions(sender) == ["action_redirect_out_of_scope"]


def test_health_or_danger_gets_urgent_help_and_a_person_never_a_policy(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "i'm allergic to oat milk and the latte had it, my throat feels a bit itchy honestly")
    assert_gracious(replies)
    said = texts(replies)
    assert said.startswith("Your safety comes first") and "911" in said
    assert bot.actions(sender)[0] == "action_handoff"
    assert "action_explain_policy" not in bot.actions(sender)
