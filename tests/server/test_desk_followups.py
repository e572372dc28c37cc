"""Follow-ups by email at the desk, over real SQLite files and the desk's routes on loopback, the clock
injected: a follow-up the chat promised (the company's ``followup`` grant with its commitment and its
confirmation email, written as the chat writes it) is a task on the Callbacks page, due by the end
of the next business day in the business's timezone, overdue after; claimed, and done with a note,
which tells the company's systems once (``followup_done``)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest

import gracious.stores
from gracious.outbox import grant_emails
from gracious.outbox.table import rows as outbox_rows
from gracious.stores import grants as grant_rules
from gracious.stores.base import add_row
from gracious.stores.records import handoffs, outbox
from server.desk import followups
from tests.helpers.desk_app import DeskApp

NEW_YORK = ZoneInfo("America/New_York")
# Promised at 10:00 in New York (EDT, UTC-4) on Tuesday 14 May 2024.
PROMISED = datetime(2024, 5, 14, 14, 0)
# The end of the next business day: Wednesday's closing time (GRACIOUS_CARE_HOURS' default, mon-fri 8-20).
DUE = datetime(2024, 5, 16, 0, 0)
PRIYA = "priya.n@example.com"
START = PROMISED + timedelta(minutes=5)


def promise_followup(sender: str, to: str, reference: Any = "LK-10423", case_sender: Any = None) -> int:
    """The follow-up as the chat writes it (actions/promised.py grant): its grant, commitment and email."""

    class Then(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> "Then":  # type: ignore[override]
            return cls.fromtimestamp(PROMISED.replace(tzinfo=timezone.utc).timestamp(), tz)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grant_rules, "datetime", Then)
        result = asyncio.run(
            gracious.stores.company().grant(
                "followup",
                reference,
                "C003",
                None,
                note=f"email instead of a call: {to}",
                sender_id=sender,
                mails=grant_emails.mails_for("email_followup", to=to, name="Priya Nair"),
                extra={"alternative": "email_followup", "email": to}
                | ({"case_sender_id": case_sender} if case_sender else {}),
            )
        )
    return result.grant.id


def listing(desk: DeskApp, agent: str = "sam") -> Dict[str, Any]:
    status, body = desk.client(agent).call("/desk/api/callbacks")
    assert status == 200, body
    return body


def commitments(desk: DeskApp) -> List[Dict[str, Any]]:
    with desk.site.store.engine.begin() as conn:
        return outbox_rows(conn, outbox, topic="followup_done")


def test_a_promised_follow_up_is_on_the_team_list_with_its_address_its_case_and_when_it_is_due(desk, now, monkeypatch):
    verified = {"verified": True, "reference": "LK-10423", "what_happened": "Grinder late"}
    verified["customer"] = {"name": "Priya Nair", "email": PRIYA, "phone": "+1 555 0199"}
    verified["last_messages"] = ["just email me please"]
    with desk.site.store.engine.begin() as conn:
        add_row(
            conn,
            handoffs,
            sender_id="priya-chat",
            reason="customer_asked",
            team="customer_care",
            status="finished",
            summary=json.dumps(verified),
        )
    grant_id = promise_followup("priya-chat", PRIYA)
    typed = promise_followup("someone-chat", "someone@example.net", reference=None)

    page = listing(desk)

    first, second = page["followups"]
    assert (first["id"], first["email"], first["reference"]) == (grant_id, PRIYA, "LK-10423")
    assert first["due_by"] == DUE.replace(tzinfo=timezone.utc).isoformat() and first["due"] == "Tomorrow, 8:00 PM"
    assert first["promised"] == "Today, 10:00 AM" and first["overdue"] is False and first["claimed_by"] is None
    assert first["case"]["summary"]["last_messages"] == ["just email me please"]
    assert first["case"]["summary"]["customer"]["name"] == "Priya Nair"
    assert (second["id"], second["email"], second["case"]) == (typed, "someone@example.net", None)
    assert page["followup_counts"] == {"open": 2, "overdue": 0}
    assert desk.client("ana").call("/desk/api/callbacks/overdue")[1] == {"overdue": 0, "followups_overdue": 0}

    now["now"] = DUE + timedelta(minutes=1)
    assert desk.client("ana").call("/desk/api/callbacks/overdue")[1] == {"overdue": 0, "followups_overdue": 2}
    assert [item["overdue"] for item in listing(desk)["followups"]] == [True, True]


def test_claimed_then_done_with_a_note_it_leaves_the_list_and_the_company_hears_once(desk, now, monkeypatch):
    grant_id = promise_followup("priya-chat", PRIYA)
    sam, ana = desk.client("sam"), desk.client("ana")
    path = f"/desk/api/followups/{grant_id}"

    assert ana.call(f"{path}/done", {"note": "wrote"})[0] == 409  # claim it first
    assert sam.call(f"{path}/claim", {}) == (200, {"claimed": listing(desk)["followups"][0]["key"]})
    status, body = ana.call(f"{path}/claim", {})
    assert status == 409 and "sam is writing this one" in body["error"]
    assert listing(desk)["followups"][0]["claimed_by"] == "sam"
    assert sam.call(f"{path}/done", {"note": "   "})[0] == 400
    assert commitments(desk) == []

    now["now"] = datetime(2024, 5, 15, 13, 0)  # Wednesday, 9:00 in New York: in time
    sam = desk.client("sam")  # signed in again: a night is longer than a session
    status, body = sam.call(f"{path}/done", {"note": "Wrote to Priya: the grinder ships Friday."})
    assert (status, body["on_time"]) == (200, True)

    assert listing(desk)["followups"] == []
    [done] = commitments(desk)
    key = done["payload"]["id"]
    assert key.startswith(f"grant:{grant_id}:") and key.endswith(":followup_done")
    assert done["payload"]["event"] == "followup_done" and done["sender_id"] == "priya-chat"
    data = done["payload"]["data"]
    assert (data["grant_id"], data["email"], data["agent"], data["reference"]) == (grant_id, PRIYA, "sam", "LK-10423")
    assert data["note"] == "Wrote to Priya: the grinder ships Friday." and data["on_time"] is True
    assert data["due_by"] == DUE.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")
    # Done is done: nothing twice.
    assert sam.call(f"{path}/done", {"note": "again"})[0] == 409
    assert sam.call(f"{path}/claim", {})[0] == 409
    assert len(commitments(desk)) == 1


def test_no_such_follow_up_is_refused_and_a_stranger_gets_nothing(desk, monkeypatch):
    grant_id = promise_followup("priya-chat", PRIYA)
    credit = asyncio.run(gracious.stores.company().grant("credit", "BL-30017", "C001", 5.0)).grant.id
    sam, stranger = desk.client("sam"), desk.client()
    for missing in (grant_id + 1000, credit):
        status, body = sam.call(f"/desk/api/followups/{missing}/claim", {})
        assert status == 400 and "no such follow-up" in body["error"]
    for action in ("claim", "release", "done"):
        assert stranger.call(f"/desk/api/followups/{grant_id}/{action}", {"note": "x"})[0] == 401
    assert stranger.call("/desk/api/callbacks")[0] == 401


@pytest.mark.parametrize(
    "promised_local, due_local",
    [
        (datetime(2024, 5, 14, 10, 0), datetime(2024, 5, 15, 20, 0)),  # Tuesday: Wednesday's close
        (datetime(2024, 5, 14, 23, 30), datetime(2024, 5, 15, 20, 0)),  # late Tuesday evening, still Tuesday there
        (datetime(2024, 5, 17, 16, 0), datetime(2024, 5, 18, 17, 0)),  # Friday: Saturday's close (sat 9-17)
        (datetime(2024, 5, 18, 12, 0), datetime(2024, 5, 20, 20, 0)),  # Saturday: Monday's (no Sunday hours)
    ],
)
def test_due_by_the_end_of_the_next_business_day_in_the_business_timezone(promised_local, due_local):
    hours = {day: (8, 20) for day in range(5)} | {5: (9, 17)}
    stored = promised_local.replace(tzinfo=NEW_YORK).astimezone(timezone.utc).replace(tzinfo=None)
    due = followups.due_by(stored, NEW_YORK, hours)
    assert due.replace(tzinfo=timezone.utc).astimezone(NEW_YORK).replace(tzinfo=None) == due_local
    # Without care hours set: Monday to Friday, to 5 pm.
    weekday = followups.due_by(stored, NEW_YORK, {})
    assert weekday.replace(tzinfo=timezone.utc).astimezone(NEW_YORK).weekday() < 5


def test_the_store_reads_each_promise_with_its_address_from_its_commitment(monkeypatch):
    grant_id = promise_followup("priya-chat", PRIYA)
    [found] = asyncio.run(gracious.stores.company().run(followups.promised))
    assert (found["grant_id"], found["email"], found["sender_id"], found["promised_at"]) == (
        grant_id,
        PRIYA,
        "priya-chat",
        PROMISED,
    )
    assert found["key"] == f"grant:{grant_id}:20240514T140000000000Z"


def test_a_follow_up_in_place_of_a_call_from_another_chat_carries_that_chats_case(desk, now, monkeypatch):
    # Blind panel p51 14: "can they just email me instead" in a new chat; the reply says the team has "everything from
    # the chat where you booked the call in front of them", so the card is that chat's case, not the new chat's.
    earlier = {"verified": True, "reference": "BL-30019", "what_happened": "Roaming charges on BL-30019"}
    with desk.site.store.engine.begin() as conn:
        add_row(
            conn,
            handoffs,
            sender_id="priya-booked-the-call",
            reason="customer_asked",
            team="customer_care",
            status="finished",
            summary=json.dumps(earlier),
        )
    promise_followup("priya-new-chat", PRIYA, reference=None, case_sender="priya-booked-the-call")

    [item] = listing(desk)["followups"]
    assert item["sender_id"] == "priya-new-chat"
    assert item["case"]["summary"]["what_happened"] == "Roaming charges on BL-30019"
