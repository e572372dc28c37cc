"""Bad input gets a clear, polite answer and never a 5xx; the API needs its token."""

from __future__ import annotations

import json

from tests.e2e.conftest import TOKEN, Bot, assert_gracious, texts
from tests.helpers.domain import variations


def test_empty_and_blank_messages_get_a_polite_prompt(bot: Bot, sender: str) -> None:
    for message in ("", "   \n\t  ", None):
        replies = bot.say(sender, message)
        assert len(replies) == 1 and "empty" in replies[0]["text"]


def test_huge_message_is_trimmed_and_the_customer_is_told(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "my bill is wrong " * 2000)
    assert_gracious(replies)
    assert "first 2000 characters" in replies[0]["text"]
    user_texts = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert len(user_texts[-1]) <= 2000


def test_html_is_kept_as_text_and_answered(bot: Bot, sender: str) -> None:
    html = "<img src=x onerror=alert(1)><script>alert('hi')</script>"
    replies = bot.say(sender, html)
    assert_gracious(replies)
    user_texts = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert user_texts[-1] == html


def test_control_characters_are_removed(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "hel\x00lo\x07 there\x1b[31m")
    assert_gracious(replies)
    user_texts = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert user_texts[-1] == "hello there[31m"


def test_emoji_only_gets_a_reply(bot: Bot, sender: str) -> None:
    emoji = "\U0001f621\U0001f621\U0001f621"
    replies = bot.say(sender, emoji)
    assert_gracious(replies)  # at least one reply, in words
    said = texts(replies)
    # Emoji are not an empty message: no prompt to type something; they are kept as sent.
    assert not any(v in said for v in variations("utter_empty_message")), said
    user_texts = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert user_texts == [emoji]
    # Whatever the assistant made of them, it asks the customer to go on in words.
    asks = [v for key in ("utter_ask_what_happened", "utter_please_rephrase", "utter_clarify") for v in variations(key)]
    assert any(v in said for v in asks), said


def test_malformed_requests_get_400_with_an_explanation(bot: Bot) -> None:
    cases = [
        b"{not json",
        b"[1, 2]",
        json.dumps({"message": "hi"}).encode(),
        json.dumps({"sender": "", "message": "hi"}).encode(),
        json.dumps({"sender": "x" * 500, "message": "hi"}).encode(),
        json.dumps({"sender": "a", "message": 42}).encode(),
        json.dumps({"sender": "a", "message": "hi", "metadata": "nope"}).encode(),
    ]
    for body in cases:
        status, reply = bot.post_raw(body)
        assert status == 400, (body, status)
        assert reply["error"] == "bad_request" and reply["message"]


def test_http_api_requires_the_token(bot: Bot, sender: str) -> None:
    bot.say(sender, "hi")
    for path in ("/status", f"/conversations/{sender}/tracker"):
        status, _ = bot.get(path, token=None)
        assert status == 401
        status, _ = bot.get(path, token="wrong")
        assert status == 401
        status, _ = bot.get(path, token=TOKEN)
        assert status == 200
