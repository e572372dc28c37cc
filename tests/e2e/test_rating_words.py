"""Against the real servers and model (issue #17, fixes P): a rating typed in words after an agent's
close is kept with its words and a low one apologised for; the opening hours are the configured care
hours; a question no policy covers ("do you ship to canada") gets the honest answer."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa

from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, running_servers, texts
from tests.helpers.domain import variations


@pytest.fixture(scope="module")
def closing_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """Servers of their own: the care team in around the clock, one agent on duty."""
    var = tmp_path_factory.mktemp("rating-var")
    with running_servers(var, GRACIOUS_CARE_HOURS="mon-sun 0-24") as running:
        asyncio.run(DeskStore(running.env["GRACIOUS_RECORDS_DB_URL"]).add_agent("sam", "Sam Lee", PASSWORD))
        yield running


def rows(bot: Bot, table: str) -> List[Dict[str, Any]]:
    engine = sa.create_engine(bot.env["GRACIOUS_RECORDS_DB_URL"])
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))]  # noqa: S608
    finally:
        engine.dispose()


def closed_by_an_agent(bot: Bot, sender: str) -> int:
    """The customer asks for a person; Sam claims, replies and closes; the rating question is asked."""
    sam = DeskClient(bot.base)
    sam.sign_in("sam")
    bot.say(sender, "I want to speak to a person")
    _, items = sam.call("/desk/api/queue")
    handoff = next(item for item in items if item["sender_id"] == sender)["id"]
    assert sam.call(f"/desk/api/handoffs/{handoff}/claim", {})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff}/reply", {"text": "Sam here, it's sorted."})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff}/finish", {"outcome": "resolved", "then": "close"})[0] == 200
    deadline = time.monotonic() + 20  # the close runs after the desk answers
    while "utter_ask_rating" not in bot.actions(sender) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "utter_ask_rating" in bot.actions(sender)
    return int(handoff)


def test_a_low_rating_in_words_is_kept_and_apologised_for(closing_bot: Bot) -> None:
    sender = f"rate-low-{uuid.uuid4().hex[:8]}"
    handoff = closed_by_an_agent(closing_bot, sender)

    said = texts(closing_bot.say(sender, "1. two weeks is not ok"))

    apology = variations("utter_rating_low_said")[0].replace("{feedback_words}", "two weeks is not ok")
    assert apology in said
    assert not any(v in said for v in variations("utter_anything_else"))  # the close said goodbye already
    assert [(r["rating"], r["handoff_id"]) for r in rows(closing_bot, "ratings") if r["sender_id"] == sender] == [
        (1, handoff)
    ]
    assert [r["text"] for r in rows(closing_bot, "feedback") if r["sender_id"] == sender] == ["1. two weeks is not ok"]


def test_a_rating_in_words_alone_is_counted(closing_bot: Bot) -> None:
    sender = f"rate-four-{uuid.uuid4().hex[:8]}"
    handoff = closed_by_an_agent(closing_bot, sender)

    said = texts(closing_bot.say(sender, "i'd say 4"))

    assert variations("utter_rating_recorded")[0] in said
    assert [(r["rating"], r["handoff_id"]) for r in rows(closing_bot, "ratings") if r["sender_id"] == sender] == [
        (4, handoff)
    ]


def test_hours_and_shipping_questions_are_answered_truly(closing_bot: Bot) -> None:
    sender = f"hours-{uuid.uuid4().hex[:8]}"
    assert variations("utter_policy_hours_always")[0] in texts(closing_bot.say(sender, "what are your opening hours"))
    said = texts(closing_bot.say(f"ship-{uuid.uuid4().hex[:8]}", "do you ship to canada"))
    assert variations("utter_answer_shipping_destinations")[0] in said
    assert "Orders arrive by the date shown at checkout" not in said


def queued(bot: Bot, sender: str) -> bool:
    return bool((bot.tracker(sender).get("slots") or {}).get("in_queue"))


def test_rating_two_in_words_after_anas_close_is_the_rating_not_a_question(closing_bot: Bot) -> None:
    """P3 c03: "Rating? Two. Ana was lovely, the process is a maze." was "I'd rather not guess" and then
    "2" queued him again; the rating stayed null."""
    sender = f"rate-two-{uuid.uuid4().hex[:8]}"
    handoff = closed_by_an_agent(closing_bot, sender)

    said = " ".join(texts(closing_bot.say(sender, "Rating? Two. Ana was lovely, the process is a maze.")))

    assert "rather not guess" not in said and "queue" not in said, said
    assert not queued(closing_bot, sender)
    assert [(r["rating"], r["handoff_id"]) for r in rows(closing_bot, "ratings") if r["sender_id"] == sender] == [
        (2, handoff)
    ]
    assert "queue" not in " ".join(texts(closing_bot.say(sender, "2")))  # said again: thanked, never queued
    assert not queued(closing_bot, sender)


def test_a_rating_with_a_goodbye_unasked_is_no_demand_for_goodwill(closing_bot: Bot) -> None:
    """P3 c09, c12: "no. bye. 1 star for making me come back three times" and "That will be all. Rather
    laborious, I must say. Three out of five." were answered with the goodwill credit 'up to $25.00'."""
    for words in (
        "no. bye. 1 star for making me come back three times",
        "That will be all. Rather laborious, I must say. Three out of five.",
    ):
        sender = f"rate-bye-{uuid.uuid4().hex[:8]}"
        closing_bot.say(sender, "my order LK-10423 is late")
        said = " ".join(texts(closing_bot.say(sender, words)))
        assert "goodwill" not in said and "beyond what I can grant" not in said, said
        assert "queue" not in said and not queued(closing_bot, sender)
        assert [r["text"] for r in rows(closing_bot, "feedback") if r["sender_id"] == sender] == [words]


def test_a_remark_answering_the_rating_question_is_feedback_thanked_once(closing_bot: Bot) -> None:
    """P3 c03: a remark to the rating question was "I'd rather not guess" with [Talk to a person]."""
    sender = f"rate-remark-{uuid.uuid4().hex[:8]}"
    closed_by_an_agent(closing_bot, sender)

    said = texts(closing_bot.say(sender, "Ana was lovely, the process is a maze."))

    # Kind words and a remark beside them: thanked for both (a conversation of our own, 5 December).
    assert variations("utter_feedback_praise_and_more")[0] in said, said
    assert not any(v in said for v in variations("utter_anything_else")) and not queued(closing_bot, sender)
    assert [r["text"] for r in rows(closing_bot, "feedback") if r["sender_id"] == sender] == [
        "Ana was lovely, the process is a maze."
    ]
