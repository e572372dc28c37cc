"""Every playbook scenario, held over REST with the real servers and checked in the tracker."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, List, Tuple

from tests.e2e.conftest import Bot, assert_gracious, buttons, choose, texts


def case_moves(bot: Bot, sender: str) -> List[str]:
    return [a for a in bot.actions(sender) if a in CASE_MOVES]


CASE_MOVES = {"action_empathize", "action_explain_policy", "action_offer_alternatives"}
HONOUR_SPRING15 = '/choose_alternative{"alternative": "honour_coupon"}'


def granted(bot: Bot, sender: str) -> List[str]:
    return bot.tracker(sender)["slots"].get("granted_alternatives") or []


def company_records(bot: Bot, query: str, *args: Any) -> List[Tuple[Any, ...]]:
    """Rows of the company's records (grants, coupons), which every conversation shares."""
    company_db = Path(bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///"))
    conn = sqlite3.connect(company_db)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def honourings(bot: Bot, code: str) -> int:
    """How many times ``code`` was honoured as a goodwill gesture, in any conversation."""
    [(count,)] = company_records(
        bot, "SELECT COUNT(*) FROM grants WHERE kind = 'honour_coupon' AND reference = ?", code
    )
    return count


def test_phone_bill_dispute_explains_domestic_only_discount_and_grants_goodwill(bot: Bot, sender: str) -> None:
    greeting = bot.say(sender, "hi")
    assert_gracious(greeting)
    replies = bot.say(sender, "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected")
    assert_gracious(replies)
    said = texts(replies)
    assert "domestic calls only" in said and "London" in said and "$62.00" in said
    assert case_moves(bot, sender) == ["action_empathize", "action_explain_policy", "action_offer_alternatives"]
    replies = choose(bot, sender, replies, "goodwill_credit")
    assert_gracious(replies)
    assert "$10.00 goodwill credit" in texts(replies)
    closing = bot.say(sender, "no that's all, thanks")
    assert_gracious(closing)
    assert bot.actions(sender)[-1] == "action_close_conversation"


def test_form_asks_only_for_the_missing_bill_number(bot: Bot, sender: str) -> None:
    bot.sign_in(sender, None)  # a guest: a signed-in customer's only bill is looked at without asking
    replies = bot.say(sender, "there's a charge on my bill that's wrong, my discount is missing")
    assert_gracious(replies)
    assert "BL-" in texts(replies)  # asked for the bill number
    replies = bot.say(sender, "BL-30018, the email on it is daniel.reyes@example.com")
    assert_gracious(replies)
    assert "You're right" in texts(replies)
    tracker = bot.tracker(sender)
    assert tracker["slots"]["order_id"] == "BL-30018"
    assert tracker["slots"]["entitled"] is True
    asks = [
        e for e in tracker["events"] if e["event"] == "bot" and "BL-" in (e.get("text") or "") and "number" in e["text"]
    ]
    assert len(asks) == 1


def test_ceo_demand_gets_gracious_no_then_ceo_office_handoff_and_callback(bot: Bot, sender: str) -> None:
    bot.sign_in(sender, None)  # a guest: the number for the call is asked for
    replies = bot.say(sender, "I want to speak to your CEO immediately")
    assert_gracious(replies)
    assert "CEO's office team" in texts(replies)
    assert any(b["payload"].endswith('"ceo_office"}') for r in replies for b in r.get("buttons", []))
    replies = choose(bot, sender, replies, "ceo_office")
    assert_gracious(replies)
    assert "call" in texts(replies).lower()
    replies = bot.say(sender, "tomorrow at 10am")
    replies = bot.say(sender, "555-0162")
    assert_gracious(replies)
    assert "ending 0162" in texts(replies)
    tracker = bot.tracker(sender)
    assert "action_handoff" in bot.actions(sender) and "action_schedule_callback" in bot.actions(sender)
    assert tracker["slots"]["handoff_id"] and tracker["slots"]["callback_id"]


def test_wrong_dress_is_replaced_overnight_free(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "you sent me the wrong dress, it's red and I ordered navy. order LK-10421")
    assert_gracious(replies)
    assert "ours" in texts(replies) or "on us" in texts(replies)
    replies = choose(bot, sender, replies, "replacement_overnight")
    assert_gracious(replies)
    assert "overnight" in texts(replies) and "free" in texts(replies)
    assert granted(bot, sender) == ["replacement_overnight"]


def test_old_coupon_is_honoured_once(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "my coupon SPRING15 got refused at the till")
    assert_gracious(replies)
    assert "SPRING15 reached its end date" in texts(replies)
    replies = choose(bot, sender, replies, "honour_coupon")
    assert_gracious(replies)
    assert "SPRING15 is honoured this time" in texts(replies) and "15%" in texts(replies)
    assert honourings(bot, "SPRING15") == 1

    # The same button again, in the same conversation: already done, nothing granted twice.
    again = bot.say(sender, HONOUR_SPRING15)
    assert_gracious(again)
    assert "already done" in texts(again) and "is honoured" not in texts(again)
    assert granted(bot, sender) == ["honour_coupon"]

    # The same customer in another conversation: still honoured for them, nothing granted again.
    mine = f"{sender}-mine"
    replies = bot.say(mine, "my coupon SPRING15 got refused at the till")
    assert_gracious(replies)
    assert "still honoured for you" in texts(replies) and "reached its end date" not in texts(replies)
    assert HONOUR_SPRING15 not in [b["payload"] for b in buttons(replies)]
    assert honourings(bot, "SPRING15") == 1

    # Another customer with the same coupon: the goodwill gesture is spent, so it is
    # not offered again (today's offer is), and its button's payload typed by hand is refused.
    later = f"{sender}-later"
    bot.sign_in(later, "C002")
    replies = bot.say(later, "my coupon SPRING15 got refused at the till")
    assert_gracious(replies)
    assert "SPRING15 reached its end date" in texts(replies)
    offered = [b["payload"] for b in buttons(replies)]
    assert HONOUR_SPRING15 not in offered and '/choose_alternative{"alternative": "current_offer"}' in offered
    forced = bot.say(later, HONOUR_SPRING15)
    assert_gracious(forced)
    assert "can't offer that one" in texts(forced) and "is honoured" not in texts(forced)
    assert granted(bot, later) == []
    assert honourings(bot, "SPRING15") == 1
    assert company_records(bot, "SELECT goodwill_honoured FROM coupons WHERE code = 'SPRING15'") == [(1,)]


def test_wrong_size_bought_gets_free_exchange(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "I ordered the wrong size shoes, LK-10422, they don't fit")
    assert_gracious(replies)
    assert "exchange" in texts(replies) and "we'll cover the return postage" in texts(replies)
    assert "An exchange, with return postage on us" in [b["title"] for b in buttons(replies)]
    replies = choose(bot, sender, replies, "exchange")
    assert_gracious(replies)
    said = texts(replies)
    assert "I've started an exchange for LK-10422" in said and "prepaid return label" in said
    assert granted(bot, sender) == ["exchange"]


def test_wrong_coffee_is_remade_without_an_order_number(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "I picked up the wrong latte at your cafe")
    assert_gracious(replies)
    assert "LK-" not in texts(replies) and "number" not in texts(replies)  # nothing asked for
    assert bot.tracker(sender)["slots"]["order_id"] is None
    replies = choose(bot, sender, replies, "remake")
    assert_gracious(replies)
    assert "make your latte again, on us" in texts(replies)
    assert granted(bot, sender) == ["remake"]
    asked = [e for e in bot.tracker(sender)["events"] if e["event"] == "slot" and e["name"] == "requested_slot"]
    assert all(e["value"] is None for e in asked), asked  # the case form never asked for a thing


def test_no_reply_complaint_books_same_day_callback(bot: Bot, sender: str) -> None:
    bot.sign_in(sender, None)  # a guest: the number for the call is asked for
    replies = bot.say(sender, "nobody ever called me back like you promised")
    assert_gracious(replies)
    assert "same business day" in texts(replies)
    replies = choose(bot, sender, replies, "callback")
    replies = bot.say(sender, "asap")
    replies = bot.say(sender, "+1 555 0101")
    assert_gracious(replies)
    assert "ending 0101" in texts(replies)


def test_late_order_gets_status_apology_and_updates(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "where is my order LK-10423? no update at all")
    assert_gracious(replies)
    said = texts(replies)
    assert "coffee grinder" in said and "in transit" in said  # the status
    assert "We missed the date we gave you" in said and "I'm sorry" in said  # the apology
    replies = choose(bot, sender, replies, "delivery_updates")
    assert_gracious(replies)
    assert "email at every step until LK-10423 arrives" in texts(replies)
    assert granted(bot, sender) == ["delivery_updates"]


def test_staff_who_claimed_expertise_leads_to_an_expert(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "the sales assistant claimed to be an expert but clearly knew nothing")
    assert_gracious(replies)
    replies = choose(bot, sender, replies, "human")
    assert_gracious(replies)
    assert "action_handoff" in bot.actions(sender)


def test_knotty_bill_offers_to_call_back(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "bill BL-30019 has roaming charges from months ago that make no sense")
    assert_gracious(replies)
    assert "billing specialist" in texts(replies)
    assert bot.tracker(sender)["slots"]["policy_id"] == "billing_review"
    offered = [b["payload"] for b in buttons(replies)]
    assert offered[0] == '/choose_alternative{"alternative": "callback"}', offered  # the call, offered first
    replies = choose(bot, sender, replies, "callback")
    assert_gracious(replies)
    assert bot.tracker(sender)["active_loop"].get("name") == "callback_form"  # asked when to call


def test_impossible_demand_stays_poised_when_pressed(bot: Bot, sender: str) -> None:
    first = bot.say(sender, "I demand that you make it stop raining")
    assert_gracious(first)
    second = bot.say(sender, "that's not enough, I want $5000 in compensation")
    assert_gracious(second)
    # The rain got an honest "nobody can do that" (policy beyond_anyone); the money
    # claim that follows gets the credit limit and a person for anything more.
    assert "beyond what anyone" in texts(first) and "$25.00" not in texts(first)
    assert "up to $25.00" in texts(second) and "colleague" in texts(second)
    offered = [b["payload"] for r in second for b in r.get("buttons", [])]
    assert any('"human"' in p for p in offered)
    assert not any('"store_credit"' in p for p in offered)  # over the empowerment limit


def test_feedback_is_recorded_and_customer_told_what_happens(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "some feedback: your delivery drivers are always really friendly")
    assert_gracious(replies)
    assert "weekly review" in texts(replies)
    assert "action_record_feedback" in bot.actions(sender)


def test_bot_challenge_and_out_of_scope(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "am I talking to a real person?")
    assert "assistant" in texts(replies)
    replies = bot.say(sender, "what's the capital of peru")
    assert_gracious(replies)
    assert "action_redirect_out_of_scope" in bot.actions(sender)
    assert "outside what I can help with" in texts(replies) or "not something I can do" in texts(replies)


def test_forged_alternative_is_refused(bot: Bot, sender: str) -> None:
    bot.say(sender, "my bill BL-30017 looks wrong")
    replies = bot.say(sender, '/choose_alternative{"alternative": "refund"}')
    assert "can't offer that one" in texts(replies)
    assert bot.tracker(sender)["slots"]["granted_alternatives"] in (None, [])


def test_declining_every_option_leaves_the_door_open_and_moves_on(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "I bought the wrong size shoes, order LK-10422")
    assert "exchange" in " ".join(b["title"] for r in replies for b in r.get("buttons", []))
    replies = bot.say(sender, "/deny")  # none of the policy's options
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert any('"human"' in p for p in payloads) and any('"callback"' in p for p in payloads)
    replies = bot.say(sender, "no, none of those either")
    assert_gracious(replies)
    assert "change your mind" in texts(replies)
    assert not any(r.get("buttons") for r in replies)
    assert bot.actions(sender)[-1] == "utter_anything_else"
    replies = bot.say(sender, "no")
    assert bot.actions(sender)[-1] == "action_close_conversation"


def test_two_misunderstandings_in_a_row_hand_over_to_a_person(bot: Bot, sender: str) -> None:
    replies = bot.say(sender, "/nlu_fallback")  # what NLU says when it is not confident
    assert_gracious(replies)
    assert "another way" in texts(replies) or "differently" in texts(replies)
    replies = bot.say(sender, "/nlu_fallback")
    assert_gracious(replies)
    assert "shortcoming" in texts(replies)
    assert bot.actions(sender)[-2:] == ["action_handoff", "callback_form"]  # nobody on duty: a callback
    assert bot.tracker(sender)["slots"]["handoff_id"]


def test_repeated_strong_frustration_hands_over_to_a_person(bot: Bot, sender: str) -> None:
    first = bot.say(sender, "WHERE THE HELL IS MY ORDER LK-10423!!! THIS IS RIDICULOUS")
    assert_gracious(first)
    assert "action_handoff" not in bot.actions(sender)
    # (Naming an offered remedy, "I want my damn refund now", would take it: see
    # tests/e2e/test_typed_choices.py. Here the anger names none.)
    second = bot.say(sender, "this is a joke!!! I've had it with you damn people")
    assert_gracious(second)
    assert "action_handoff" in bot.actions(sender)
    # One sympathy sentence, then the handoff's own words (which depend on who is in).
    assert "you deserve a person" in texts(second)
    assert "can hear how angry" not in texts(second)


def test_a_credit_is_granted_once_per_bill_across_conversations(bot: Bot) -> None:
    first, second = "e2e-grant-once-1", "e2e-grant-once-2"
    replies = bot.say(first, "bl 30018 discount is missing")
    replies = choose(bot, first, replies, "missing_discount_credit")
    assert "$7.60" in texts(replies)
    replies = bot.say(second, "my bill BL-30018 never got its discount")
    # Done for this bill already: not offered again, and asked for anyway, said done and since when.
    assert "missing_discount_credit" not in " ".join(b["payload"] for b in buttons(replies))
    replies = bot.say(second, '/choose_alternative{"alternative": "missing_discount_credit"}')
    assert_gracious(replies)
    said = texts(replies)
    assert "already arranged for BL-30018" in said and "earlier today" in said
    assert "credited the missing" not in said
