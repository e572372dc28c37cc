"""Against the real servers and model (issue #17 panel): what the customer reads once Sam, at the
desk, hands the case back or closes it. The hand-back is a short line of its own, never "Thanks for
your patience with my colleague", and the close thanks the customer for their time with Sam, never
"Thanks for talking it through with me". Over REST and the desk's API, no browser."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Dict, Iterator, List

import pytest

from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, running_servers
from tests.helpers.domain import variations


@pytest.fixture(scope="module")
def desk_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """Servers of their own: the care team in around the clock, Sam on duty."""
    with running_servers(tmp_path_factory.mktemp("after-person-var"), GRACIOUS_CARE_HOURS="mon-sun 0-24") as running:
        asyncio.run(DeskStore(running.env["GRACIOUS_RECORDS_DB_URL"]).add_agent("sam", "Sam Lee", PASSWORD))
        yield running


def said(bot: Bot, sender: str) -> List[Dict[str, Any]]:
    """What the assistant said in the conversation, with the response each line came from."""
    return [
        {"text": e.get("text") or "", "response": (e.get("metadata") or {}).get("utter_action")}
        for e in bot.tracker(sender)["events"]
        if e["event"] == "bot"
    ]


def helped_by_sam(bot: Bot, then: str) -> str:
    """A customer asks for a person; Sam claims, replies and finishes with ``then``; the customer's sender."""
    sender = f"after-person-{uuid.uuid4().hex[:8]}"
    sam = DeskClient(bot.base)
    sam.sign_in("sam")
    bot.say(sender, "I want to speak to a person please")
    _, items = sam.call("/desk/api/queue")
    handoff = next(item for item in items if item["sender_id"] == sender)["id"]
    assert sam.call(f"/desk/api/handoffs/{handoff}/claim", {})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff}/reply", {"text": "Sam here, it's sorted."})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff}/finish", {"outcome": "resolved", "then": then})[0] == 200
    deadline = time.monotonic() + 20  # the desk's words follow its answer
    while time.monotonic() < deadline and not any(
        line["response"] in ("utter_anything_else", "utter_ask_rating") for line in said(bot, sender)
    ):
        time.sleep(0.2)
    return sender


def test_the_hand_back_is_a_short_line_and_the_close_thanks_them_for_their_time_with_sam(desk_bot: Bot) -> None:
    sender = helped_by_sam(desk_bot, "handback")
    back = [line["text"] for line in said(desk_bot, sender) if line["response"] == "utter_handback"]
    assert len(back) == 1 and back[0] in variations("utter_handback"), said(desk_bot, sender)
    assert not any("patience with my colleague" in line["text"] for line in said(desk_bot, sender))

    closing = " ".join(r.get("text") or "" for r in desk_bot.say(sender, "no that's all, thanks"))
    assert "with me" not in closing and "time today" in closing, closing


def test_a_close_from_the_desk_thanks_them_for_their_time_with_sam(desk_bot: Bot) -> None:
    sender = helped_by_sam(desk_bot, "close")
    closes = [line["text"] for line in said(desk_bot, sender) if line["response"] == "utter_close_after_person"]
    assert len(closes) == 1 and "Sam" in closes[0], said(desk_bot, sender)
    assert not any("talking it through with me" in line["text"] for line in said(desk_bot, sender))


def queued(bot: Bot, sender: str) -> bool:
    return bool((bot.tracker(sender).get("slots") or {}).get("in_queue"))


def ratings_of(bot: Bot, sender: str) -> List[Any]:
    import sqlalchemy as sa

    engine = sa.create_engine(bot.env["GRACIOUS_RECORDS_DB_URL"])
    try:
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT rating FROM ratings WHERE sender_id = :s"), {"s": sender})
            return [r[0] for r in found]
    finally:
        engine.dispose()


def test_a_rating_and_a_goodbye_after_the_hand_back_never_queue_her_again(desk_bot: Bot) -> None:
    """P3 c05: after Sam's hand-back, "no, I've just had a person! it's fine. that's all, thanks. 4 out of
    5, Sam was kind" put her back in the queue at number 4, and "I'm done, bye" got the call/email offer."""
    sender = helped_by_sam(desk_bot, "handback")
    words = "no, I've just had a person! it's fine. that's all, thanks. 4 out of 5, Sam was kind"
    said = " ".join(r.get("text") or "" for r in desk_bot.say(sender, words))

    assert "queue" not in said and not queued(desk_bot, sender), said
    assert "time today" in said, said  # the goodbye after a person
    assert ratings_of(desk_bot, sender) == [4]

    other = helped_by_sam(desk_bot, "handback")
    said = " ".join(r.get("text") or "" for r in desk_bot.say(other, "I'm done, bye"))
    assert "queue" not in said and "call" not in said.lower() and not queued(desk_bot, other), said


def test_a_safety_parents_closing_remark_is_heard_not_a_new_emergency(desk_bot: Bot) -> None:
    """P3 c14: "The rest felt like filling in forms while my son was swelling up." after Sam had the case
    was the safety handoff again, number 1 in the queue."""
    sender = f"after-person-{uuid.uuid4().hex[:8]}"
    sam = DeskClient(desk_bot.base)
    sam.sign_in("sam")
    desk_bot.say(sender, "my son has a rash and his lips are swelling after your cafe's muffin")
    _, items = sam.call("/desk/api/queue")
    handoff = next(item for item in items if item["sender_id"] == sender)["id"]
    assert sam.call(f"/desk/api/handoffs/{handoff}/claim", {})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff}/reply", {"text": "Sam here, I've filed the report."})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff}/finish", {"outcome": "resolved", "then": "handback"})[0] == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(line["response"] for line in said(desk_bot, sender)[-1:]):
        time.sleep(0.2)
    time.sleep(1)

    remark = "No. Sam was kind. The rest felt like filling in forms while my son was swelling up."
    reply = " ".join(r.get("text") or "" for r in desk_bot.say(sender, remark))

    assert "911" not in reply and "queue" not in reply and not queued(desk_bot, sender), reply
    assert variations("utter_feedback_safety")[0] in reply


def test_an_email_asked_for_after_the_hand_back_is_the_teams_email_not_the_queue(desk_bot: Bot) -> None:
    """P3 w1: "a person just sent me back to you! can someone just email me about the trace" queued again."""
    sender = helped_by_sam(desk_bot, "handback")
    words = "a person just sent me back to you! can someone just email me about the trace"
    reply = " ".join(r.get("text") or "" for r in desk_bot.say(sender, words))
    assert "queue" not in reply and not queued(desk_bot, sender), reply
    assert "email" in reply.lower(), reply


def test_an_order_named_after_the_hand_back_switches_the_case_from_the_bill(desk_bot: Bot) -> None:
    """P3 c07: after Sam handed back, "it's an order, not a bill. where is order LK-10422?" was answered
    as the bill twice ("Without the bill in front of me I can't check the lines myself")."""
    sender = helped_by_sam(desk_bot, "handback")
    desk_bot.say(sender, "my bill BL-30018 is missing the discount")
    desk_bot.say(sender, "daniel.reyes@example.com")
    assert (desk_bot.tracker(sender).get("slots") or {}).get("order_id") == "BL-30018"

    reply = " ".join(
        r.get("text") or "" for r in desk_bot.say(sender, "it's an order, not a bill. where is order LK-10422?")
    )

    assert "Without the bill" not in reply and "LK-10422" in reply, reply
    assert not queued(desk_bot, sender)
