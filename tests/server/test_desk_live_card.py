"""The open case's card at the desk is the conversation as it stands now (server/desk/live_card.py), and every
agent can find and read a case that left the queue: the desk's routes on loopback, Rasa's SQL tracker store
over a real SQLite file, the records' clock injected. What the customer wrote after the handoff is on the
card as text; offers are granted, declined or still open, each in one place; frustration counts the shouting
nobody read for feelings; a finished case keeps the card it was finished with; the card is made once per
conversation length and TTL, however often the desk asks."""

# ruff: noqa: F811 (``desk``: the fixture imported from the last words' tests, taken by name)
from __future__ import annotations

import asyncio
from datetime import timedelta, timezone
from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from server.desk import last_words, live_card
from tests.server.test_desk_queue_last_words import desk  # noqa: F401 (the fixture: the desk and a tracker store)
from tests.server.test_desk_shift_history import NOW as ENDED
from tests.server.test_desk_shift_history import case as write_case

# The handoff (naive UTC, as stored): shift_history's ``case`` opens each case 30 minutes before it ends.
NOW = ENDED - timedelta(minutes=30)
AT = NOW.replace(tzinfo=timezone.utc).timestamp()
# What the handoff wrote when the customer asked for a person: a person accepted and a refund granted
# meanwhile are not on it yet, and the customer had not shouted.
KEPT = {
    "verified": False,
    "reference": "LK-10423",
    "case_type": "check_order_status",
    "what_happened": "my grinder LK-10423 is late",
    "offered": ["refund", "human", "callback"],
    "declined": ["callback"],
    "accepted": None,
    "frustration": 0,
    "last_messages": ["my grinder LK-10423 is late", "a person please"],
}
LATER = ["WHERE IS EVERYONE", "THIS IS TAKING FOREVER", "can you cancel LK-10424 for me?"]


@pytest.fixture(autouse=True)
def cards_clock(desk: Any) -> None:
    """The cards' cache on the same hand-moved clock as the last words' (time.monotonic in the server)."""
    last_words._cards_per_tracker_store[desk.trackers] = last_words.Kept(clock=lambda: desk.seconds["now"])


def said(text: str, seconds: float, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, timestamp=AT + seconds)


def conversation(desk: Any, sender: str, later: List[str], handoff_id: int = 1, then: Any = ()) -> None:
    """A customer offered a refund, a person and a call: the call declined, a person asked for (within the
    second after the handoff's stored time: the desk keeps it to the second), the handoff ``handoff_id`` at
    ``NOW``; meanwhile the refund granted (the agent, on the record); then ``later``, while waiting."""
    events: List[Any] = [
        said("my grinder LK-10423 is late", -300, "check_order_status"),
        ActionExecuted("action_empathize"),
        SlotSet("case_type", "check_order_status"),
        SlotSet("case_details", "my grinder LK-10423 is late"),
        SlotSet("order_id", "LK-10423"),
        SlotSet("offered_alternatives", ["refund", "human", "callback"]),
        said("not a call", -200, "deny"),
        SlotSet("declined_alternatives", ["callback"]),
        said('/choose_alternative{"alternative": "human"}', 0.5),
        SlotSet("accepted_alternative", "human"),
        SlotSet("handoff_id", str(handoff_id)),
        SlotSet("granted_alternatives", ["refund"]),
    ]
    events += [said(text, 60 * (n + 1)) for n, text in enumerate(later)] + list(then)
    tracker = DialogueStateTracker.from_events(sender, events, slots=desk.domain.slots)
    asyncio.run(desk.trackers.save(tracker))


def handoff(desk: Any, sender: str, status: str = "waiting", agent: Optional[str] = None, **more: Any) -> int:
    """The conversation's handoff at ``NOW`` with the ``KEPT`` card; ended (left, finished) at ``ENDED``."""
    ended = None if status in ("waiting", "claimed") else ENDED
    return write_case(desk.app, agent, KEPT, ended=ended, status=status, sender=sender, **{"outcome": None, **more})


def opened(desk: Any, handoff_id: int, agent: str = "sam") -> Dict[str, Any]:
    status, case = desk.app.client(agent).call(f"/desk/api/handoffs/{handoff_id}")
    assert status == 200, case
    return dict(case)


def test_the_open_cases_card_is_the_conversation_now_with_what_was_said_since_the_handoff(desk):
    conversation(desk, "web-1", LATER)
    case = opened(desk, handoff(desk, "web-1"))

    card = case["summary"]
    assert [(s["text"], s["at_iso"]) for s in card["said_since"]] == [
        ("WHERE IS EVERYONE", "2024-05-14T13:31:00+00:00"),
        ("THIS IS TAKING FOREVER", "2024-05-14T13:32:00+00:00"),
        ("can you cancel LK-10424 for me?", "2024-05-14T13:33:00+00:00"),
    ]
    assert card["last_messages"][-1] == "can you cancel LK-10424 for me?"
    # Shouting twice, nobody reading it for feelings: more than once is more than a little.
    assert card["frustration"] == 2
    # Each offer in one place: the refund granted, the person accepted, the call declined; nothing still open.
    assert (card["offered"], card["granted"], card["declined"], card["accepted"]) == (
        [],
        ["refund"],
        ["callback"],
        "human",
    )
    assert case["offered_open"] == [] and case["granted_titles"] == ["A full refund"]
    assert case["declined_titles"] == ["Call me back at a time that suits me"]
    assert case["accepted_title"] == "Talk to a person"
    # The case told stays what happened, not their latest words.
    assert card["what_happened"] == "my grinder LK-10423 is late" and card["verified"] is False


def test_a_click_since_the_handoff_is_its_title_and_nothing_said_since_is_an_empty_list(desk):
    case_id = handoff(desk, "web-2")
    conversation(desk, "web-2", ['/choose_alternative{"alternative": "email_followup"}'], case_id)
    assert [s["text"] for s in opened(desk, case_id)["summary"]["said_since"]] == ["Follow up with me by email"]
    case_id = handoff(desk, "web-3")
    conversation(desk, "web-3", [], case_id)
    card = opened(desk, case_id)["summary"]
    assert card["said_since"] == [] and card["frustration"] == 0


def test_a_second_problem_raised_while_waiting_leaves_the_card_on_the_case_handed_over(desk):
    second = [SlotSet("case_type", "report_wrong_item"), SlotSet("case_details", "the charger is missing")]
    conversation(desk, "web-9", ["the charger is missing too"], then=second)
    card = opened(desk, handoff(desk, "web-9"))["summary"]
    assert (card["case_type"], card["what_happened"]) == ("check_order_status", "my grinder LK-10423 is late")
    assert [s["text"] for s in card["said_since"]] == ["the charger is missing too"]


def test_a_finished_case_keeps_the_card_it_was_finished_with(desk):
    conversation(desk, "web-4", LATER)
    case = opened(desk, handoff(desk, "web-4", status="finished", agent="sam", outcome="resolved"))
    assert case["summary"] == KEPT and case["offered_open"] == ["A full refund", "Talk to a person"]


def test_the_card_is_made_once_per_conversation_length_and_ttl_however_often_it_is_asked(desk, monkeypatch):
    made: List[str] = []
    real = live_card.summary_now

    async def counted(tracker: Any, kept: Any) -> Any:
        made.append(tracker.sender_id)
        return await real(tracker, kept)

    monkeypatch.setattr(live_card, "summary_now", counted)
    conversation(desk, "web-5", LATER[:1])
    case_id = handoff(desk, "web-5")
    for agent in ("sam", "ana", "lee", "sam"):
        assert len(opened(desk, case_id, agent)["summary"]["said_since"]) == 1
    assert made == ["web-5"]

    conversation(desk, "web-5", LATER[:2])  # they wrote again: the next look has it at once
    assert len(opened(desk, case_id)["summary"]["said_since"]) == 2 and made == ["web-5"] * 2
    desk.seconds["now"] += last_words.TTL  # and past the TTL, made again (a call booked meanwhile, say)
    opened(desk, case_id)
    assert made == ["web-5"] * 3


def test_every_agent_sees_the_cases_that_left_the_queue_and_reads_one_without_taking_it(desk):
    conversation(desk, "web-6", ["actually just email me"])
    left = handoff(desk, "web-6", status="left", left_reason="email_instead")
    finished = handoff(desk, "web-7", status="finished", agent="ana", outcome="resolved")
    held = handoff(desk, "web-8", status="claimed", agent="ana")
    sam = desk.app.client("sam")
    desk.app.client("ana")  # Ana is at her desk: her case is hers

    status, listing = sam.call("/desk/api/queue/left")
    assert status == 200 and [c["id"] for c in listing["cases"]] == [left]
    [entry] = listing["cases"]
    assert entry["left_words"] == "chose an email instead" and entry["label"] == "Guest · LK-10423"
    assert entry["topic"] == "where is my order" and entry["left_at"] == "2024-05-14T14:00:00+00:00"
    assert sam.call(f"/desk/api/queue/left?ids={left},{held}")[1]["cases"][0]["id"] == left  # the events' form

    # Opened read-only, as it stands now: nobody claims, replies to or finishes a case out of the queue.
    case = opened(desk, left)
    assert case["status"] == "left" and case["left_words"] == "chose an email instead"
    assert [s["text"] for s in case["summary"]["said_since"]] == ["actually just email me"]
    assert sam.call(f"/desk/api/handoffs/{left}/claim", {})[0] == 409
    assert sam.call(f"/desk/api/handoffs/{left}/reply", {"text": "hello"})[0] == 409
    assert sam.call(f"/desk/api/handoffs/{left}/finish", {"outcome": "resolved", "then": "close"})[0] == 409
    assert sam.call(f"/desk/api/handoffs/{left}/notes", {"text": "emailed her at 3pm"})[0] == 200
    # Found in History too; another agent's finished case is still none of Sam's, her held case still hers.
    status, found = sam.call("/desk/api/history")
    assert [row["id"] for row in found["results"]] == [left]
    assert sam.call(f"/desk/api/handoffs/{finished}")[0] == 404
    assert sam.call(f"/desk/api/handoffs/{held}/claim", {})[0] == 409


def test_an_email_follow_ups_card_has_what_the_customer_added_after_the_promise(desk):
    from tests.server.test_desk_followups import PRIYA, PROMISED, promise_followup

    promised = PROMISED.replace(tzinfo=timezone.utc).timestamp()
    events = [
        UserUttered("my grinder LK-10423 is late", {"name": "check_order_status"}, timestamp=promised - 120),
        SlotSet("case_details", "my grinder LK-10423 is late"),
        UserUttered("just email me please", {"name": "inform"}, timestamp=promised - 30),
        SlotSet("granted_alternatives", ["email_followup"]),
        SlotSet("accepted_alternative", "email_followup"),
        UserUttered("also the lid was cracked", {"name": "inform"}, timestamp=promised + 600),
    ]
    tracker = DialogueStateTracker.from_events("priya-chat", events, slots=desk.domain.slots)
    asyncio.run(desk.trackers.save(tracker))
    promise_followup("priya-chat", PRIYA)

    status, page = desk.app.client("sam").call("/desk/api/callbacks")
    assert status == 200, page
    [followup] = page["followups"]
    card = followup["case"]["summary"]
    assert [s["text"] for s in card["said_since"]] == ["also the lid was cracked"]
    assert card["last_messages"][-1] == "also the lid was cracked"
    assert card["granted"] == ["email_followup"] and card["offered"] == []


def test_the_desk_page_has_the_left_list_and_serves_its_script(desk):
    sam = desk.app.client("sam")
    status, _, page = sam.raw("/desk/")
    assert status == 200 and b'id="left-list"' in page and b"/desk/static/left.js" in page
    status, _, script = sam.raw("/desk/static/left.js")
    assert status == 200 and b'api("queue/left")' in script and b"innerHTML" not in script
