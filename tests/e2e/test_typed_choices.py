"""Customers answer buttons by typing: the reply is read as the button it means."""

from __future__ import annotations

from typing import List

from tests.e2e.conftest import Bot, assert_gracious, buttons, texts

DRESS_OFFER = [
    '/choose_alternative{"alternative": "replacement_overnight"}',
    '/choose_alternative{"alternative": "refund"}',
    "/deny",
]


def granted(bot: Bot, sender: str) -> List[str]:
    return bot.tracker(sender)["slots"].get("granted_alternatives") or []


def test_the_first_one_picks_the_first_offer(bot: Bot, sender: str) -> None:
    bot.say(sender, "you sent me the wrong dress, it's red and I ordered navy. order LK-10421")
    replies = bot.say(sender, "oh nice, yes the first one")
    assert_gracious(replies)
    assert "overnight" in texts(replies)
    assert granted(bot, sender) == ["replacement_overnight"]
    user = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert user["text"] == "oh nice, yes the first one"  # the customer's own words are kept


def test_words_of_an_option_pick_it(bot: Bot, sender: str) -> None:
    bot.say(sender, "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected")
    replies = bot.say(sender, "yes please credit it")
    assert_gracious(replies)
    assert granted(bot, sender) == ["goodwill_credit"]


def test_a_question_about_an_option_is_not_taken_as_choosing_it(bot: Bot, sender: str) -> None:
    bot.say(sender, "you sent me the wrong dress, it's red and I ordered navy. order LK-10421")
    replies = bot.say(sender, "how long does a refund take?")
    assert_gracious(replies)
    # The question is answered, and the same options are put again, none of them taken.
    assert "5 to 7 business days" in texts(replies)
    assert [b["payload"] for b in buttons(replies)] == DRESS_OFFER
    assert "action_apply_alternative" not in bot.actions(sender)
    assert granted(bot, sender) == []


def test_a_typed_answer_to_the_clarification_question(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "money")  # unsure between a refund, compensation and something else
    assert [b for r in replies for b in r.get("buttons", [])], replies
    bot.say(sender, "the money back one")
    assert bot.actions(sender)[:2] == ["action_handle_misunderstanding", "action_empathize"]
    assert bot.tracker(sender)["slots"]["case_type"] == "request_refund"


def test_an_option_that_was_not_offered_gets_the_options_again_as_buttons(bot: Bot, sender: str) -> None:
    bot.say(sender, "you sent me the wrong dress, it's red and I ordered navy. order LK-10421")
    replies = bot.say(sender, '/choose_alternative{"alternative": "store_credit"}')
    assert "can't offer that one" in texts(replies)
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert '/choose_alternative{"alternative": "replacement_overnight"}' in payloads
    assert granted(bot, sender) == []


def test_an_offer_stays_choosable_after_a_question_in_between(bot: Bot, sender: str) -> None:
    bot.say(sender, "you sent me the wrong dress, it's red and I ordered navy. order LK-10421")
    bot.say(sender, "how long does a refund take?")
    replies = bot.say(sender, "ok the first one then")
    assert_gracious(replies)
    assert granted(bot, sender) == ["replacement_overnight"]


def test_yes_to_several_options_is_asked_which_one(bot: Bot, sender: str) -> None:
    bot.say(sender, "you sent me the wrong dress, it's red and I ordered navy. order LK-10421")
    replies = bot.say(sender, "yes please")
    assert_gracious(replies)
    assert "Which of these would you like?" in texts(replies)
    assert "anything else" not in texts(replies).lower()
    assert [b["payload"] for b in buttons(replies)] == DRESS_OFFER  # the same options, to pick one
    assert granted(bot, sender) == []


def test_an_angry_customer_naming_an_offered_remedy_gets_it(bot: Bot, sender: str) -> None:
    bot.say(sender, "WHERE THE HELL IS MY ORDER LK-10423!!! THIS IS RIDICULOUS")
    replies = bot.say(sender, "this is a joke!!! I want my damn refund now")
    assert_gracious(replies)
    assert granted(bot, sender) == ["refund"]


def test_health_or_danger_after_buttons_is_never_read_as_a_choice(bot: Bot, sender: str) -> None:
    bot.say(sender, "i got the wrong coffee at the counter, it had oat milk in it")
    replies = bot.say(sender, "just give me the store credit, my throat is swelling up, im allergic to oat milk")
    assert texts(replies).startswith("Your safety comes first")
    assert granted(bot, sender) == []
