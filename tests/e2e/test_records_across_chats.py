"""What an order has from an earlier chat, heard in the next, held over REST with the real servers (blind panel
p50 22: "any news on my coffee grinder?" heard only of the credit given before, and the tracking emails already
switched on were offered again)."""

from __future__ import annotations

from tests.e2e.conftest import Bot, assert_gracious, buttons, texts


def test_news_of_a_late_order_is_where_it_is_first_then_what_it_has(bot: Bot, sender: str) -> None:
    first, second = f"{sender}-a", f"{sender}-b"
    for chat in (first, second):
        bot.sign_in(chat, "C003")
    assert_gracious(bot.say(first, "my grinder LK-10423 is late"))
    taken = bot.say(first, "the credit and email me the tracking please")
    assert "goodwill credit is on your account" in texts(taken), texts(taken)

    news = bot.say(second, "any news on my coffee grinder?")
    assert_gracious(news)
    said = texts(news)
    assert said.index("still in transit") < said.index("already went on your account"), said
    offered = " ".join(b["payload"] for b in buttons(news))
    assert "delivery_updates" not in offered and "goodwill_credit" not in offered, offered
