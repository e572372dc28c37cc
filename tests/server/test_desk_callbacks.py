"""The desk's Callbacks API on a real server on loopback, over a real SQLite file, with the clock
injected: the groups in the business's timezone, claim, how the call went (each outcome one
commitment in the outbox), notes, the overdue count, and nothing for a caller not signed in."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa

from gracious.outbox import table as outbox_table
from gracious.stores import callback_changes
from gracious.stores.base import add_row
from gracious.stores.records import callbacks, ensure_schema, handoffs, metadata, outbox
from tests.helpers.desk_app import DeskApp

# 10:00 in New York (the default business timezone, EDT: UTC-4) on Tuesday 14 May 2024.
NOW = datetime(2024, 5, 14, 14, 0)
START = NOW
DESK_AGENTS = [("sam", "Sam Lee", False), ("ana", "Ana Ruiz", False), ("lee", "Lee Park", True)]
BOOKED = "20240514T140000000000Z"  # when the tests' calls are booked (NOW), as their promises' keys have it


def write(desk: DeskApp, table: sa.Table, **values: Any) -> int:
    with desk.site.store.engine.begin() as conn:
        return add_row(conn, table, **values)


def book(desk: DeskApp, when: datetime, sender: str = "maya", handoff_id: Any = None, **values: Any) -> int:
    row = {"phone": "+1 555 0100", "reason": "Bill BL-30017 charged twice", "status": "booked"}
    return write(desk, callbacks, sender_id=sender, scheduled_for=when, handoff_id=handoff_id, **{**row, **values})


def stored(callback_id: int, desk: DeskApp) -> Dict[str, Any]:
    with desk.site.store.engine.begin() as conn:
        return dict(conn.execute(sa.select(callbacks).where(callbacks.c.id == callback_id)).one()._mapping)


def commitments(desk: DeskApp) -> List[Dict[str, Any]]:
    with desk.site.store.engine.begin() as conn:
        return outbox_table.rows(conn, outbox, topic="callback_outcome")


def ids(listing: Dict[str, Any], group: str) -> List[int]:
    return [item["id"] for item in listing["groups"][group]]


def test_every_booked_call_is_in_its_group_by_the_business_timezone(desk):
    overdue = book(desk, NOW - timedelta(minutes=20))
    just_late = book(desk, NOW - timedelta(minutes=10))
    due_soon = book(desk, NOW + timedelta(minutes=5))
    afternoon = book(desk, datetime(2024, 5, 14, 19, 0))  # 3:00 PM in New York
    late_evening = book(desk, datetime(2024, 5, 15, 3, 30))  # 11:30 PM on the 14th in New York, the 15th in UTC
    tomorrow_nine = book(desk, datetime(2024, 5, 15, 13, 0))  # 9:00 AM tomorrow in New York
    book(desk, NOW - timedelta(hours=2), status="done")
    book(desk, NOW - timedelta(hours=3), status="cancelled")

    status, listing = desk.client("sam").call("/desk/api/callbacks")

    assert status == 200
    assert listing["timezone"] == "America/New_York"
    assert ids(listing, "overdue") == [overdue]
    assert ids(listing, "due_now") == [just_late, due_soon]
    assert ids(listing, "later_today") == [afternoon, late_evening]
    assert ids(listing, "upcoming") == [tomorrow_nine]
    assert listing["counts"] == {"overdue": 1, "due_now": 2, "later_today": 2, "upcoming": 1}
    first_late = listing["groups"]["overdue"][0]
    assert first_late["minutes_late"] == 20 and first_late["time"] == "Today, 9:40 AM"
    assert first_late["phone"] == "+1 555 0100" and first_late["reason"] == "Bill BL-30017 charged twice"
    assert first_late["attempts"] == 0 and first_late["claimed_by"] is None and first_late["status"] == "booked"
    assert listing["groups"]["later_today"][1]["time"] == "Today, 11:30 PM"
    assert listing["groups"]["upcoming"][0]["time"] == "Tomorrow, 9:00 AM"
    assert listing["groups"]["upcoming"][0]["local_time"] == "2024-05-15T09:00"
    # A plain agent and a lead see the same list: the calls are the team's.
    assert desk.client("lee").call("/desk/api/callbacks")[1]["groups"] == listing["groups"]
    assert desk.client("sam").call("/desk/api/callbacks/overdue") == (200, {"overdue": 1, "followups_overdue": 0})


def test_as_time_passes_a_call_moves_from_upcoming_to_due_to_overdue(desk, now):
    call = book(desk, datetime(2024, 5, 15, 13, 0))
    for moment, group in [
        (NOW, "upcoming"),
        (datetime(2024, 5, 15, 4, 5), "later_today"),  # 00:05 on the 15th in New York
        (datetime(2024, 5, 15, 12, 50), "due_now"),
        (datetime(2024, 5, 15, 13, 16), "overdue"),
    ]:
        now["now"] = moment
        assert ids(desk.client("sam").call("/desk/api/callbacks")[1], group) == [call], group


def test_the_case_card_comes_with_the_call_and_hides_an_unverified_customer(desk):
    customer = {"name": "Priya Nair", "email": "priya.n@example.com", "phone": "+1 555 0199"}
    summary = {"case_type": "billing", "what_happened": "Charged twice", "customer": customer}
    case = dict(reason="customer_asked", team="customer_care", status="waiting")
    verified = write(desk, handoffs, sender_id="priya", summary=json.dumps({**summary, "verified": True}), **case)
    stranger = write(desk, handoffs, sender_id="stranger", summary=json.dumps(summary), **case)
    book(desk, NOW + timedelta(hours=1), sender="priya", handoff_id=verified)
    book(desk, NOW + timedelta(hours=2), sender="stranger")  # no handoff of its own: the conversation's

    later = desk.client("ana").call("/desk/api/callbacks")[1]["groups"]["later_today"]

    assert later[0]["case"]["handoff_id"] == verified
    assert later[0]["case"]["summary"]["customer"]["name"] == "Priya Nair"
    assert later[1]["case"]["handoff_id"] == stranger
    assert later[1]["case"]["summary"]["what_happened"] == "Charged twice"
    assert later[1]["case"]["summary"]["customer"] == {} and "0199" not in json.dumps(later[1])


def test_nothing_answers_a_caller_who_is_not_signed_in(desk):
    call = book(desk, NOW - timedelta(hours=1))
    stranger = desk.client()
    for path, body in [
        ("/desk/api/callbacks", None),
        ("/desk/api/callbacks/overdue", None),
        (f"/desk/api/callbacks/{call}/claim", {}),
        (f"/desk/api/callbacks/{call}/release", {}),
        (f"/desk/api/callbacks/{call}/outcome", {"outcome": "reached"}),
        (f"/desk/api/callbacks/{call}/notes", {"text": "hello"}),
    ]:
        status, body = stranger.call(path, body)
        assert status == 401 and "Sign in" in body["error"], path
    assert stored(call, desk)["claimed_by"] is None and stored(call, desk)["status"] == "booked"
    assert commitments(desk) == []


def test_the_callbacks_page_is_served_to_agents_and_sends_strangers_to_sign_in(desk):
    status, _, page = desk.client("sam").raw("/desk/callbacks")
    assert status == 200 and b"Callbacks" in page and b'role="alert"' in page
    for script in ("callbacks.js", "nav.js", "outbox.js"):
        assert desk.client("sam").raw(f"/desk/static/{script}")[0] == 200, script
    desk_page = desk.client("sam").raw("/desk/")[2]
    assert (
        b'id="overdue"' in desk_page and b"/desk/static/nav.js" in desk_page and b'href="/desk/callbacks"' in desk_page
    )
    assert b"Sign in" in desk.client().raw("/desk/callbacks")[2]  # redirected to the sign-in page


def test_one_agent_claims_a_call_and_another_is_refused(desk):
    call = book(desk, NOW)
    sam, ana = desk.client("sam"), desk.client("ana")

    assert sam.call(f"/desk/api/callbacks/{call}/claim", {}) == (200, {"claimed": call})
    assert sam.call(f"/desk/api/callbacks/{call}/claim", {}) == (200, {"claimed": call})
    status, body = ana.call(f"/desk/api/callbacks/{call}/claim", {})
    assert status == 409 and "sam" in body["error"]
    assert ana.call(f"/desk/api/callbacks/{call}/release", {})[0] == 409
    assert stored(call, desk)["claimed_by"] == "sam"
    assert ana.call(f"/desk/api/callbacks/{call}/outcome", {"outcome": "reached"})[0] == 409
    assert stored(call, desk)["status"] == "booked" and commitments(desk) == []

    assert sam.call(f"/desk/api/callbacks/{call}/release", {}) == (200, {"released": call})
    assert ana.call(f"/desk/api/callbacks/{call}/claim", {}) == (200, {"claimed": call})
    # A lead gives back a call whose holder has gone home; nobody gives back a call nobody holds.
    lee = desk.client("lee")
    assert lee.call(f"/desk/api/callbacks/{call}/release", {}) == (200, {"released": call})
    assert stored(call, desk)["claimed_by"] is None
    assert lee.call(f"/desk/api/callbacks/{call}/release", {})[0] == 409


def test_reached_marks_the_call_done_with_one_commitment_and_it_leaves_the_list(desk):
    call = book(desk, NOW - timedelta(minutes=30))
    sam = desk.client("sam")
    sam.call(f"/desk/api/callbacks/{call}/claim", {})

    status, body = sam.call(f"/desk/api/callbacks/{call}/outcome", {"outcome": "reached"})

    assert status == 200 and body == {"id": call, "status": "done", "outcome": "reached", "attempts": 1}
    assert stored(call, desk)["status"] == "done"
    assert call not in [i["id"] for items in sam.call("/desk/api/callbacks")[1]["groups"].values() for i in items]
    assert sam.call("/desk/api/callbacks/overdue")[1] == {"overdue": 0, "followups_overdue": 0}
    [row] = commitments(desk)
    assert (
        row["key"] == f"callback:{call}:{BOOKED}:outcome:1" and row["kind"] == "webhook" and row["sender_id"] == "maya"
    )
    message = row["payload"]
    assert message["id"] == row["key"] and message["event"] == "callback_outcome"
    assert message["data"]["outcome"] == "reached" and message["data"]["agent"] == "sam"
    assert message["data"]["callback_id"] == call and message["data"]["next_call_at"] is None
    # Reached twice is refused and promises nothing more.
    assert sam.call(f"/desk/api/callbacks/{call}/outcome", {"outcome": "reached"})[0] == 409
    assert len(commitments(desk)) == 1


def test_no_answer_books_the_next_try_and_each_outcome_is_its_own_commitment(desk):
    call = book(desk, NOW - timedelta(minutes=5))
    sam, ana = desk.client("sam"), desk.client("ana")
    sam.call(f"/desk/api/callbacks/{call}/claim", {})

    status, body = sam.call(
        f"/desk/api/callbacks/{call}/outcome", {"outcome": "no_answer", "next_call_at": "2024-05-14T14:30"}
    )

    assert status == 200 and body["status"] == "booked" and body["attempts"] == 1
    row = stored(call, desk)
    assert row["scheduled_for"] == datetime(2024, 5, 14, 18, 30)  # 2:30 PM in New York
    assert row["attempts"] == 1 and row["claimed_by"] is None  # back on the team's list for the next try
    assert ids(sam.call("/desk/api/callbacks")[1], "later_today") == [call]

    ana.call(f"/desk/api/callbacks/{call}/claim", {})
    status, _ = ana.call(
        f"/desk/api/callbacks/{call}/outcome", {"outcome": "rescheduled", "next_call_at": "2024-05-16T11:00:00-04:00"}
    )
    assert status == 200 and stored(call, desk)["scheduled_for"] == datetime(2024, 5, 16, 15, 0)
    assert stored(call, desk)["attempts"] == 1  # a new time agreed is no call tried
    ana.call(f"/desk/api/callbacks/{call}/claim", {})
    assert ana.call(f"/desk/api/callbacks/{call}/outcome", {"outcome": "cancelled"})[1]["status"] == "cancelled"

    rows = commitments(desk)
    assert [r["key"] for r in rows] == [f"callback:{call}:{BOOKED}:outcome:{n}" for n in (1, 2, 3)]
    assert [r["payload"]["data"]["outcome"] for r in rows] == ["no_answer", "rescheduled", "cancelled"]
    assert rows[0]["payload"]["data"]["next_call_at"] == "2024-05-14T18:30:00+00:00"
    assert rows[1]["payload"]["data"]["agent"] == "ana"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"outcome": "hung_up"}, "Unknown outcome"),
        ({}, "Unknown outcome"),
        ({"outcome": "no_answer"}, "Give the time"),
        ({"outcome": "no_answer", "next_call_at": "after lunch"}, "can't be read"),
        ({"outcome": "rescheduled", "next_call_at": "2024-05-14T09:59"}, "already passed"),
        ({"outcome": "rescheduled", "next_call_at": ["2024-05-15T10:00"]}, "Give the time"),
    ],
)
def test_a_bad_outcome_is_refused_in_plain_words_and_changes_nothing(desk, body, words):
    call = book(desk, NOW)
    sam = desk.client("sam")
    sam.call(f"/desk/api/callbacks/{call}/claim", {})
    before = stored(call, desk)

    status, answer = sam.call(f"/desk/api/callbacks/{call}/outcome", body)

    assert status == 400 and words in answer["error"]
    assert stored(call, desk) == before and commitments(desk) == []


def test_a_call_that_does_not_exist_is_a_400(desk):
    sam = desk.client("sam")
    for action, body in [("claim", {}), ("outcome", {"outcome": "reached"}), ("notes", {"text": "hello"})]:
        status, answer = sam.call(f"/desk/api/callbacks/999/{action}", body)
        assert status == 400 and "no callback 999" in answer["error"], action
    assert commitments(desk) == []


def test_notes_are_cleaned_like_replies_and_any_agent_may_add_one(desk):
    call = book(desk, NOW + timedelta(days=2))
    sam, ana = desk.client("sam"), desk.client("ana")
    sam.call(f"/desk/api/callbacks/{call}/claim", {})

    assert (
        sam.call(f"/desk/api/callbacks/{call}/notes", {"text": "<b>Prefers</b> [mornings](javascript:alert(1))"})[0]
        == 200
    )
    assert ana.call(f"/desk/api/callbacks/{call}/notes", {"text": "She rang back, all good"})[0] == 200
    for empty in ("", "   ", "<i></i>", None, "x" * 2001):
        assert ana.call(f"/desk/api/callbacks/{call}/notes", {"text": empty})[0] == 400, empty

    notes = sam.call("/desk/api/callbacks")[1]["groups"]["upcoming"][0]["notes"]
    assert [(n["agent"], n["text"]) for n in notes] == [("sam", "Prefers mornings"), ("ana", "She rang back, all good")]


MAYA = "maya.okafor@example.com"


def book_told(desk: DeskApp, when: datetime, email: Any = MAYA) -> int:
    """A call booked in the chat, its confirmation emailed to ``email`` (None: no address given)."""
    notice = callback_changes.Notice(email=email, name="Maya Okafor" if email else None)
    with desk.site.store.engine.begin() as conn:
        return callback_changes.book(conn, "maya", when, "+1 555 0100", "Bill BL-30017 charged twice", None, notice)


def emails(desk: DeskApp) -> List[Dict[str, Any]]:
    with desk.site.store.engine.begin() as conn:
        return [r for r in outbox_table.rows(conn, outbox) if r["kind"] == "email"]


def test_a_call_the_desk_books_again_is_emailed_to_the_address_the_booking_used(desk):
    call = book_told(desk, NOW - timedelta(minutes=5))
    key = f"callback:{call}:{BOOKED}"
    sam = desk.client("sam")
    sam.call(f"/desk/api/callbacks/{call}/claim", {})
    assert (
        sam.call(f"/desk/api/callbacks/{call}/outcome", {"outcome": "no_answer", "next_call_at": "2024-05-14T14:30"})[0]
        == 200
    )
    sam.call(f"/desk/api/callbacks/{call}/claim", {})
    assert (
        sam.call(f"/desk/api/callbacks/{call}/outcome", {"outcome": "rescheduled", "next_call_at": "2024-05-15T09:00"})[
            0
        ]
        == 200
    )

    booked, tried_again, rescheduled = emails(desk)
    assert booked["key"] == f"{key}:booked:email"
    assert [(r["key"], r["topic"], r["recipient"], r["payload"]["subject"]) for r in (tried_again, rescheduled)] == [
        (
            f"{key}:outcome:1:email",
            "callback_retry",
            MAYA,
            "We missed you: we'll call again on Tuesday 14 May at 2:30 pm, New York time",
        ),
        (
            f"{key}:outcome:2:email",
            "callback_moved",
            MAYA,
            "Your call has moved to Wednesday 15 May at 9:00 am, New York time",
        ),
    ]
    # No answer: we say we tried and couldn't reach them, never "as you asked".
    retry = tried_again["payload"]["text"]
    assert "We tried to call you on Tuesday 14 May at 9:55 am, New York time, on the number ending 0100" in retry
    assert "couldn't reach you. We'll try again on Tuesday 14 May at 2:30 pm, New York time" in retry
    assert "as you asked" not in retry and "moved" not in tried_again["payload"]["subject"]
    assert "We've moved your call as you asked" in rescheduled["payload"]["text"]
    assert "It was Tuesday 14 May at 2:30 pm, New York time" in rescheduled["payload"]["text"]
    assert "ending 0100" in rescheduled["payload"]["text"] and "Hello Maya," in rescheduled["payload"]["text"]
    # Each in the same transaction as its outcome: one commitment per email.
    assert [r["key"] for r in commitments(desk)] == [f"{key}:outcome:1", f"{key}:outcome:2"]


def test_a_call_booked_with_no_address_is_booked_again_without_an_email(desk):
    call = book_told(desk, NOW - timedelta(minutes=5), email=None)
    sam = desk.client("sam")
    sam.call(f"/desk/api/callbacks/{call}/claim", {})
    status, _ = sam.call(
        f"/desk/api/callbacks/{call}/outcome", {"outcome": "no_answer", "next_call_at": "2024-05-14T14:30"}
    )
    assert status == 200 and emails(desk) == [] and len(commitments(desk)) == 1


def test_a_records_database_made_again_never_repeats_a_promises_key(desk, now):
    first = book_told(desk, NOW - timedelta(minutes=5))
    sam = desk.client("sam")
    sam.call(f"/desk/api/callbacks/{first}/claim", {})
    assert sam.call(f"/desk/api/callbacks/{first}/outcome", {"outcome": "reached"})[0] == 200
    with desk.site.store.engine.begin() as conn:
        before = {r["key"] for r in outbox_table.rows(conn, outbox)}

    # The records made again a day later (the agents' accounts kept): ids start from 1 once more.
    metadata.drop_all(desk.site.store.engine, tables=[callbacks, outbox])
    ensure_schema(desk.site.store.engine)
    now["now"] = NOW + timedelta(days=1)
    second = book_told(desk, now["now"] + timedelta(minutes=5))
    sam = desk.client("sam")  # signed in again: a day is longer than a session
    sam.call(f"/desk/api/callbacks/{second}/claim", {})
    assert sam.call(f"/desk/api/callbacks/{second}/outcome", {"outcome": "reached"})[0] == 200
    with desk.site.store.engine.begin() as conn:
        after = {r["key"] for r in outbox_table.rows(conn, outbox)}

    assert second == first and len(before) == len(after) == 3  # booked, its email, the outcome
    assert before.isdisjoint(after)  # the company never takes a new promise for an old one "already applied"


# -- the case card of a call booked without a handoff ---------------------------------------------

PRIYA_FACTS = {
    "reference": "LK-10423",
    "customer_id": "C003",
    "customer_name": "Priya",
    "customer_email": "priya.n@example.com",
    "customer_phone": "+1 555 0199",
    "verified": True,
}


def conversation(sender: str, facts: Dict[str, Any], booked: datetime) -> List[Any]:
    """A chat in which a call is offered and booked at ``booked`` (naive UTC), then one more turn."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    def at(moment: datetime) -> float:
        return moment.replace(tzinfo=timezone.utc).timestamp()

    before, after = at(booked - timedelta(minutes=2)), at(booked + timedelta(minutes=3))
    return [
        ActionExecuted("action_listen", timestamp=before - 60),
        UserUttered("my grinder LK-10423 was due last week and still isn't here", timestamp=before - 50),
        SlotSet("case_type", "check_order_status", timestamp=before - 49),
        SlotSet("case_details", "Grinder three days late", timestamp=before - 49),
        SlotSet("case_facts", facts, timestamp=before - 49),
        SlotSet("offered_alternatives", ["callback", "human"], timestamp=before - 48),
        BotUttered("I'm sorry it's late. Shall we call you?", timestamp=before - 47),
        UserUttered("call me back at 3pm please", timestamp=before),
        SlotSet("accepted_alternative", "callback", timestamp=at(booked) + 1),
        BotUttered("You're booked for today at 3:00 pm.", timestamp=at(booked) + 1),
        UserUttered("actually forget the grinder, my bill is wrong", timestamp=after),
        SlotSet("case_type", "billing_dispute", timestamp=after + 1),
    ]


@pytest.fixture
def chats(desk: DeskApp) -> Any:
    """The Rasa agent the desk runs beside: its tracker store (in memory) and the domain."""
    from types import SimpleNamespace

    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load("domain.yml")
    trackers = InMemoryTrackerStore(domain)
    desk.app.ctx.agent = SimpleNamespace(tracker_store=trackers, domain=domain)

    def add(sender: str, facts: Dict[str, Any]) -> None:
        tracker = DialogueStateTracker.from_events(sender, conversation(sender, facts, NOW), slots=domain.slots)
        asyncio.run(trackers.save(tracker))

    return SimpleNamespace(add=add, trackers=trackers)


def booked_in_chat(desk: DeskApp, sender: str, summary: Any = None) -> int:
    with desk.site.store.engine.begin() as conn:
        return callback_changes.book(
            conn, sender, NOW + timedelta(hours=1), "+1 555 0199", "check_order_status", None, summary=summary
        )


def test_a_call_booked_without_a_handoff_carries_the_case_the_conversation_had(desk, chats):
    chats.add("priya-chat", PRIYA_FACTS)
    chats.add("stranger-chat", {**PRIYA_FACTS, "verified": False, "verification_needed": True})
    priya = booked_in_chat(desk, "priya-chat")
    stranger = booked_in_chat(desk, "stranger-chat")

    later = {c["id"]: c for c in desk.client("ana").call("/desk/api/callbacks")[1]["groups"]["later_today"]}

    card = later[priya]["case"]
    assert card is not None and card["handoff_id"] is None
    summary = card["summary"]
    assert summary["reference"] == "LK-10423" and summary["case_type"] == "check_order_status"
    assert summary["what_happened"] == "Grinder three days late"
    assert summary["last_messages"] == [
        "my grinder LK-10423 was due last week and still isn't here",
        "call me back at 3pm please",
    ]  # the customer's words up to the booking, not what came after it
    # The call accepted is not still open (panel, 1 December: accepted offers listed as open).
    assert summary["offered"] == ["human"] and summary["accepted"] == "callback"
    assert summary["verified"] is True and summary["customer"]["name"] == "Priya"
    # Someone who typed Priya's order number is not labelled with her details.
    unverified = later[stranger]["case"]["summary"]
    assert unverified["verified"] is False and unverified["customer"] == {}
    assert "0199" not in json.dumps(later[stranger]["case"]) and "priya.n@" not in json.dumps(later[stranger])

    # Kept with the call: the card stays as it was at the booking, with the conversation gone.
    assert json.loads(stored(priya, desk)["summary"])["reference"] == "LK-10423"
    chats.trackers.store.clear()
    again = desk.client("sam").call("/desk/api/callbacks")[1]["groups"]["later_today"]
    assert [c["case"]["summary"]["last_messages"] for c in again if c["id"] == priya] == [summary["last_messages"]]


def test_a_call_booked_with_its_case_shows_that_case_and_hides_an_unverified_owner(desk):
    kept = {
        "case_type": "billing_dispute",
        "what_happened": "Charged twice",
        "reference": "BL-30017",
        "verified": False,
        "customer": {"name": "Maya Okafor", "phone": "+1 555 0100"},
        "offered": ["callback"],
        "accepted": "callback",
        "last_messages": ["i was charged twice"],
    }
    call = booked_in_chat(desk, "maya-chat", kept)

    [item] = desk.client("sam").call("/desk/api/callbacks")[1]["groups"]["later_today"]

    assert item["id"] == call and item["case"]["handoff_id"] is None
    assert item["case"]["summary"]["last_messages"] == ["i was charged twice"]
    assert item["case"]["summary"]["accepted"] == "callback" and item["case"]["summary"]["customer"] == {}
    assert "Maya" not in json.dumps(item)
