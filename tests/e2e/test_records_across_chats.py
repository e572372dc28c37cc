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


def test_an_exchange_asked_for_in_place_of_a_refund_under_way_is_switched_to(bot: Bot, sender: str) -> None:
    """Blind panel p52 19: "i'm asking to CHANGE it to an exchange. can you do that?" with the refund from an earlier
    chat under way heard "I'd rather not guess"; p62 K05 and p60 G01: then "can't start a second one". Nothing of the
    refund has moved until the parcel is back, so it gives way: one remedy stands, and the customer is told."""
    first, second = bot.chats(sender, "C003")
    assert_gracious(bot.say(first, "i want to return my headphones LK-10426 for a refund, they just dont sound good"))
    taken = bot.say(first, '/choose_alternative{"alternative": "refund"}')
    assert "refund for LK-10426 is under way" in texts(taken), texts(taken)

    swap = bot.say(second, "hi again, about my headphones refund, could i swap them for a different model instead?")
    assert_gracious(swap)
    assert "can still become an exchange" in texts(swap), texts(swap)
    assert "exchange" in " ".join(b["payload"] for b in buttons(swap))
    again = bot.say(second, "i'm asking to CHANGE it to an exchange. can you do that?")
    assert_gracious(again)
    said = texts(again)
    assert "the refund arranged earlier today is cancelled" in said and "started an exchange" in said, said
    assert "can't start a second one" not in said and "rather not guess" not in said, said


def test_a_credit_from_another_chat_not_seen_on_the_account_is_where_it_is(bot: Bot, sender: str) -> None:
    """Blind panel p58 D7: "i checked my account and i dont see it. just put it on again please" about the discount
    credit given in an earlier chat heard "Which order is it?", then "why cant i see it" why it was missing."""
    first, second = bot.chats(sender, "C002")
    assert_gracious(bot.say(first, "my bill BL-30018 is missing the 10% discount, can you credit it?"))
    taken = bot.say(first, '/choose_alternative{"alternative": "missing_discount_credit"}')
    assert "credited" in texts(taken), texts(taken)

    assert "already went on your account" in texts(
        bot.say(second, "hey, my bill BL-30018 is missing the 10% discount, can you credit it?")
    )
    unseen = bot.say(second, "i checked my account and i dont see it. just put it on again please")
    assert_gracious(unseen)
    assert "next bill" in texts(unseen) and "Which order" not in texts(unseen), texts(unseen)
    where = bot.say(second, "so where is it then? why cant i see it")
    assert_gracious(where)
    assert "isn't on the bill you have now" in texts(where) and "slip on our side" not in texts(where), texts(where)


def test_a_code_honoured_in_an_earlier_chat_is_still_honoured_for_that_customer(bot: Bot, sender: str) -> None:
    """A conversation of our own, 7 December: SPRING15 honoured for Daniel in one chat, then in the next "SPRING15
    reached its end date" again, with no way left to use it."""
    first, second = bot.chats(sender, "C002")
    bot.say(first, "my code SPRING15 wont work at checkout")
    taken = bot.say(first, "the first one")
    assert "SPRING15 is honoured this time" in texts(taken), texts(taken)

    again = bot.say(second, "hi, my code SPRING15 still wont work at checkout")
    assert_gracious(again)
    said = texts(again)
    assert "still honoured for you" in said and "reached its end date" not in said, said


def test_a_label_that_never_came_is_sent_again_from_a_new_chat(bot: Bot, sender: str) -> None:
    """Blind panel p66 S-01b: "hi again ... the return label never showed up in my email?" in a new chat was told the
    label "went to your email", and nothing was sent until the customer said it twice."""
    first, second = bot.chats(sender, "C001")
    bot.say(first, "the dress from LK-10421 came in red, i ordered navy")
    sent = bot.say(first, "send it overnight please")
    assert "overnight" in texts(sent), texts(sent)

    again = bot.say(
        second, "hi again, i chatted earlier about the red dress. the return label never showed up in my email?"
    )
    assert_gracious(again)
    said = texts(again)
    assert "again to maya.okafor@example.com" in said and "went to your email" not in said, said
