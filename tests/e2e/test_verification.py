"""Identity before disclosure, end to end: the real Rasa server and action server.

A stranger who types someone's bill or order number hears the rule in general and
none of the record; the owner, after the knowledge check or signed in on the website,
hears their records; three wrong guesses go to a person whose card says "not verified"
and carries none of the owner's details; one bill credited from two conversations at
once is credited once.
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gracious import identity
from tests.e2e.conftest import SITE_SECRET, assert_gracious, buttons, texts

# What BL-30017 and LK-10421 show their owner (Maya): none of it may reach a stranger.
MAYAS_DETAILS = ["London", "Maya", "Okafor", "0134", "maya.okafor", "$62", "$6.20", "navy", "red size", " dress", "$89"]


def leaked(text: str) -> list:
    return [word for word in MAYAS_DETAILS if word.lower() in text.lower()]


def test_a_stranger_with_mayas_bill_number_hears_none_of_it_and_is_asked_to_verify(bot, sender):
    bot.sign_in(sender, None)
    replies = bot.say(sender, "the volume discount on bill BL-30017 is way too small, explain it")
    assert_gracious(replies)

    assert not leaked(texts(replies)), texts(replies)
    assert "email address or phone number" in texts(replies)
    replies = bot.say(sender, "not sure, maybe maya@example.com")
    assert not leaked(texts(replies)), texts(replies)
    assert "doesn't match" in texts(replies)


def test_the_owner_after_the_knowledge_check_hears_her_bill(bot, sender):
    bot.sign_in(sender, None)
    bot.say(sender, "the volume discount on bill BL-30017 is way too small")
    replies = bot.say(sender, "the email on my account is maya.okafor@example.com")
    assert_gracious(replies)

    assert "matches" in texts(replies) or "that's the one" in texts(replies)
    assert "London" in texts(replies)  # the bill's own calls, now that it is hers
    assert bot.tracker(sender)["slots"]["verified_customers"] == ["C001"]


def test_the_website_vouching_for_the_owner_opens_the_record_at_once(bot, sender):
    bot.sign_in(sender, "C001")
    replies = bot.say(sender, "the volume discount on bill BL-30017 is way too small")

    assert "London" in texts(replies)
    assert "email address or phone number" not in texts(replies)


def test_the_website_vouching_for_someone_else_does_not_open_mayas_bill(bot, sender):
    bot.sign_in(sender, "C002")
    replies = bot.say(sender, "the volume discount on bill BL-30017 is way too small")

    assert not leaked(texts(replies))
    assert "email address or phone number" in texts(replies)


def test_a_forged_identity_opens_nothing(bot, sender):
    forged = identity.sign("C001", secret=b"a secret the website never had")
    status, body = bot.post_raw(
        json.dumps(
            {"sender": sender, "message": "the discount on BL-30017 is wrong", "metadata": {"identity": forged}}
        ).encode()
    )

    assert status == 200
    assert not leaked(texts(body)) and "email address or phone number" in texts(body)


def test_three_wrong_guesses_go_to_a_person_whose_card_says_not_verified(bot, sender):
    bot.sign_in(sender, None)
    bot.say(sender, "my order LK-10421 came in the wrong colour")
    for guess in ("someone@example.com", "555 0199", "other.person@example.com"):
        replies = bot.say(sender, guess)
        assert not leaked(texts(replies)), texts(replies)
    assert_gracious(replies)

    assert "won't keep asking you to guess" in texts(replies)
    records = Path(bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(records) as conn:
        reason, summary = conn.execute(
            "SELECT reason, summary FROM handoffs WHERE sender_id = ? ORDER BY id DESC", (sender,)
        ).fetchone()
    card = json.loads(summary)
    assert reason == "identity_unconfirmed"
    assert card["verified"] is False and not card["customer"]
    assert not leaked(json.dumps({k: v for k, v in card.items() if k != "last_messages"}))


def test_nothing_is_granted_to_a_stranger_who_types_the_credit_by_hand(bot, sender):
    bot.sign_in(sender, None)
    bot.say(sender, "my discount never showed up on bill BL-30018")
    bot.say(sender, "no idea")
    replies = bot.say(sender, '/choose_alternative{"alternative": "missing_discount_credit"}')

    offered = [b["payload"] for b in buttons(replies)]
    assert not any("credit" in payload for payload in offered), offered
    company = Path(bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(company) as conn:
        assert conn.execute("SELECT COUNT(*) FROM grants WHERE reference = 'BL-30018'").fetchone()[0] == 0


def test_one_bill_credited_from_two_conversations_at_once_is_credited_once(bot, sender):
    senders = [f"{sender}-a", f"{sender}-b"]
    offers = []
    for each in senders:
        bot.sign_in(each, "C002")
        offers.append(bot.say(each, "my discount never showed up on bill BL-30018"))
    payload = '/choose_alternative{"alternative": "missing_discount_credit"}'
    for replies in offers:
        assert payload in [b["payload"] for b in buttons(replies)], texts(replies)

    with ThreadPoolExecutor(max_workers=2) as pool:
        both = list(pool.map(lambda each: bot.say(each, payload), senders))

    company = Path(bot.env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(company) as conn:
        rows = conn.execute("SELECT kind, amount FROM grants WHERE reference = 'BL-30018'").fetchall()
    assert rows == [("credit", 7.6)]
    said = [texts(replies) for replies in both]
    assert sum("already" in text for text in said) == 1, said


def test_the_tests_sign_with_the_servers_site_secret(bot):
    assert bot.env["GRACIOUS_SITE_SECRET"] == SITE_SECRET
