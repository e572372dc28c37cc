"""What an order has from an earlier chat, heard in the next, held over REST with the real servers (blind panel
p50 22: "any news on my coffee grinder?" heard only of the credit given before, and the tracking emails already
switched on were offered again)."""

from __future__ import annotations

from tests.e2e.conftest import Bot, assert_gracious, buttons, texts


def test_news_of_a_late_order_is_where_it_is_first_then_what_it_has(bot: Bot, sender: str) -> None:
    first, second = bot.chats(sender, "C003")
    assert_gracious(bot.say(first, "my grinder LK-10423 is late"))
    taken = bot.say(first, "the credit and email me the tracking please")
    assert "goodwill credit is on your account" in texts(taken), texts(taken)

    news = bot.say(second, "any news on my coffee grinder?")
    assert_gracious(news)
    said = texts(news)
    assert said.index("still in transit") < said.index("already went on your account"), said
    offered = " ".join(b["payload"] for b in buttons(news))
    assert "delivery_updates" not in offered and "goodwill_credit" not in offered, offered


def test_an_exchange_asked_for_in_place_of_a_refund_under_way_gets_a_plain_no_and_who_can(
    bot: Bot, sender: str
) -> None:
    """Blind panel p52 19: "i'm asking to CHANGE it to an exchange. can you do that?" with the refund from an earlier
    chat under way heard "I'd rather not guess"."""
    first, second = bot.chats(sender, "C003")
    assert_gracious(bot.say(first, "i want to return my headphones LK-10426 for a refund, they just dont sound good"))
    taken = bot.say(first, '/choose_alternative{"alternative": "refund"}')
    assert "refund for LK-10426 is under way" in texts(taken), texts(taken)

    swap = bot.say(second, "hi again, about my headphones refund, could i swap them for a different model instead?")
    assert_gracious(swap)
    assert "can't switch a refund" in texts(swap), texts(swap)
    again = bot.say(second, "i'm asking to CHANGE it to an exchange. can you do that?")
    assert_gracious(again)
    assert "Not from here" in texts(again) and "rather not guess" not in texts(again), texts(again)
    assert "request_human" in " ".join(b["payload"] for b in buttons(again))
