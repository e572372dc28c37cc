"""The honest queue: only live cases count, leaving with a reason, availability that expires,
presence marked only while the session exists, and held cases returned when their agent goes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa

from gracious.stores import handoff_queue
from gracious.stores.records import Records, agent_presence, ensure_schema, handoffs
from server.desk import presence
from server.desk.queue import NotOnDuty
from server.desk.store import DeskStore
from tests.helpers.hand_clock import START
from tests.server.test_desk_store import PASSWORD, open_handoff, rows


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def store(tmp_path):
    desk = DeskStore(f"sqlite:///{tmp_path / 'desk.db'}")
    ensure_schema(desk.engine)
    yield desk
    desk.engine.dispose()


@pytest.fixture
def records(store):
    made = Records(str(store.engine.url))
    yield made
    made.engine.dispose()


def handoff_rows(store: DeskStore) -> List[Dict[str, Any]]:
    wanted = ("id", "sender_id", "status", "agent", "left_reason", "finished_at")
    return [{k: row[k] for k in wanted} for row in rows(store, handoffs)]


def signed_in(store: DeskStore, name: str) -> tuple:
    agent = run(store.add_agent(name, name.title() + " Lee", PASSWORD))
    return agent, run(store.create_session(agent))


# Positions and the wait


def test_positions_and_the_wait_count_only_live_cases(store, records, clock):
    first = open_handoff(store, "ann", created_at=START - timedelta(minutes=9))
    booked = open_handoff(store, "bob", created_at=START - timedelta(minutes=8))
    claimed = open_handoff(store, "cat", created_at=START - timedelta(minutes=7), status="claimed", agent="sam")
    mine = open_handoff(store, "dan", created_at=START - timedelta(minutes=1))
    assert run(records.waiting_ahead(mine)) == 2  # ann and bob wait; cat is with sam

    assert run(store.run(handoff_queue.leave, booked, handoff_queue.CALLBACK_BOOKED)) is True
    assert run(records.waiting_ahead(mine)) == 1
    signed_in(store, "sam")
    place = run(store.run(handoff_queue.standing, mine))
    assert (place.status, place.position, place.agents, place.wait_minutes) == ("waiting", 2, 1, 12)
    assert [e["id"] for e in run(store.queue())] == [first, claimed, mine]  # the desk's queue: no bob
    booked_place = run(store.run(handoff_queue.standing, booked))
    assert (booked_place.status, booked_place.left_reason, booked_place.position) == ("left", "callback_booked", 0)


def test_the_wait_is_shared_by_the_agents_available_now(store, clock):
    assert [handoff_queue.wait_minutes(p, a) for p, a in ((1, 1), (3, 1), (3, 2), (1, 5), (4, 0))] == [6, 18, 9, 2, 24]


@pytest.mark.parametrize("reason", handoff_queue.LEFT_REASONS)
def test_leaving_keeps_the_case_findable_with_its_reason(store, clock, reason):
    handoff_id = open_handoff(store, "maya")
    clock.advance(minutes=3)

    assert run(store.run(handoff_queue.leave_for_sender, "maya", reason)) == handoff_id
    assert handoff_rows(store) == [
        {
            "id": handoff_id,
            "sender_id": "maya",
            "status": "left",
            "agent": None,
            "left_reason": reason,
            "finished_at": START + timedelta(minutes=3),
        }
    ]
    assert run(store.queue()) == []
    assert run(store.handoff(handoff_id))["left_reason"] == reason
    # Once left, not again, and nothing else leaves.
    assert run(store.run(handoff_queue.leave_for_sender, "maya", reason)) is None


def test_a_case_an_agent_holds_does_not_leave_the_queue(store, clock):
    held = open_handoff(store, "maya", status="claimed", agent="sam")
    assert run(store.run(handoff_queue.leave, held, handoff_queue.CANCELLED)) is False
    assert handoff_rows(store)[0]["status"] == "claimed"
    with pytest.raises(ValueError):
        run(store.run(handoff_queue.leave, held, "bored"))


def test_a_new_handoff_after_leaving_is_a_new_case(store, records, clock):
    first = run(store.run(handoff_queue.open_handoff, "maya", "customer_asked", "customer_care", {}, None, 5))
    run(store.run(handoff_queue.leave, first.id, handoff_queue.CANCELLED))
    again = run(store.run(handoff_queue.open_handoff, "maya", "customer_asked", "customer_care", {}, None, 5))
    assert (again.joined, again.id != first.id) == (False, True)


# Availability


def test_availability_is_the_agents_choice_and_expires_with_their_polls(store, records, clock):
    sam, token = signed_in(store, "sam")
    assert (run(store.availability(sam)), run(records.agents_on_duty())) == ("available", 1)

    run(store.set_availability(sam, "away"))
    assert (run(store.availability(sam)), run(records.agents_on_duty())) == ("away", 0)
    clock.advance(seconds=10)
    run(store.agent_for_session(token))  # a poll keeps the choice
    assert rows(store, agent_presence) == [
        {"agent": "sam", "last_seen": START + timedelta(seconds=10), "status": "away"}
    ]
    run(store.set_availability(sam, "available"))
    assert run(records.agents_on_duty()) == 1

    clock.advance(seconds=31)  # no poll for 31 s: off duty
    assert (run(store.availability(sam)), run(records.agents_on_duty())) == ("offline", 0)
    with pytest.raises(ValueError):
        run(store.set_availability(sam, "busy"))


def test_a_poll_in_flight_when_the_agent_signs_out_marks_nobody_present(store, records, clock):
    sam, token = signed_in(store, "sam")
    token_hash = hashlib.sha256(token.encode("ascii")).hexdigest()
    run(store.end_session(token))
    # The poll had found the session before the sign-out; its write comes after it.
    with store.engine.begin() as conn:
        presence.mark_present(conn, "sam", token_hash)
    assert rows(store, agent_presence) == []
    assert run(records.agents_on_duty()) == 0


def test_signing_out_returns_held_cases_to_the_queue(store, clock):
    sam, token = signed_in(store, "sam")
    held = open_handoff(store, "maya")
    other = open_handoff(store, "bob")
    assert run(store.claim(held, sam)) is True
    clock.advance(minutes=2)

    assert run(store.end_session(token)) == [(held, "maya")]
    assert handoff_rows(store) == [
        {"id": held, "sender_id": "maya", "status": "waiting", "agent": None, "left_reason": None, "finished_at": None},
        {"id": other, "sender_id": "bob", "status": "waiting", "agent": None, "left_reason": None, "finished_at": None},
    ]


def test_a_case_held_by_an_agent_whose_desk_stopped_asking_is_returned_or_taken_over(store, clock):
    sam, _ = signed_in(store, "sam")
    ana, ana_token = signed_in(store, "ana")
    held = open_handoff(store, "maya")
    run(store.claim(held, sam))
    assert run(store.claim(held, ana)) is False  # sam is on duty: his
    assert run(store.return_expired()) == []

    clock.advance(seconds=31)
    run(store.agent_for_session(ana_token))  # ana's desk still asks; sam's stopped
    assert run(store.take(held, ana)) is None  # a reload or a blip: still his, for two minutes
    clock.advance(seconds=90)
    run(store.agent_for_session(ana_token))
    taken = run(store.take(held, ana))  # nobody is stuck with "Someone else has this one"
    assert (taken.taken_from, taken.taken_from_name) == ("sam", "Sam Lee")
    case = run(store.handoff(held))
    assert case["agent"] == "ana"
    # Sam's desk shows the case moved, and why.
    assert [(n["agent"], n["text"]) for n in case["notes"]] == [
        ("ana", "Taken over from Sam Lee: their desk had been silent for over 2 minutes.")
    ]

    second = open_handoff(store, "bob")
    with store.engine.begin() as conn:
        conn.execute(handoffs.update().where(handoffs.c.id == second).values(status="claimed", agent="sam"))
    assert run(store.return_expired()) == [(second, "bob")]
    assert handoff_rows(store)[1]["status"] == "waiting"


def test_a_case_is_passed_only_to_an_agent_on_duty_and_one_held_by_a_signed_out_agent_returns(store, clock):
    sam, _ = signed_in(store, "sam")
    ana, ana_token = signed_in(store, "ana")
    run(store.add_agent("lee", "Lee Park", PASSWORD))  # never signed in
    held = open_handoff(store, "maya")
    run(store.claim(held, sam))
    run(store.end_session(ana_token))  # Ana signs out

    for absent in ("ana", "lee"):
        with pytest.raises(NotOnDuty, match="not on duty"):
            run(store.transfer(held, sam, absent))
    run(store.set_availability(sam, "available"))
    _, token = signed_in_again(store, ana)
    run(store.set_availability(ana, "away"))
    with pytest.raises(NotOnDuty):
        run(store.transfer(held, sam, "ana"))  # away: not taking cases
    assert handoff_rows(store)[0]["agent"] == "sam"

    # A case left with an agent who has no presence at all (passed to them under older code) is not stuck.
    with store.engine.begin() as conn:
        conn.execute(handoffs.update().where(handoffs.c.id == held).values(agent="lee"))
    assert run(store.return_expired()) == [(held, "maya")]
    assert handoff_rows(store)[0]["status"] == "waiting"


def signed_in_again(store: DeskStore, agent: Any) -> tuple:
    return agent, run(store.create_session(agent))


def test_availability_set_after_signing_out_marks_nobody_present(store, records, clock):
    sam, token = signed_in(store, "sam")
    run(store.end_session(token))
    # A request that found the session before the sign-out writes after it.
    run(store.set_availability(sam, "available", token))
    assert rows(store, agent_presence) == []
    assert run(records.agents_on_duty()) == 0


def test_positions_follow_the_desks_order(store, records, clock):
    calm = open_handoff(store, "ann", created_at=START - timedelta(minutes=9))
    angry = open_handoff(store, "bob", created_at=START - timedelta(minutes=2), summary={"frustration": 3})
    offered = open_handoff(store, "cat", created_at=START - timedelta(minutes=20), queued=False)
    desk_order = [entry["id"] for entry in run(store.queue())]
    assert desk_order == [angry, offered, calm]  # the desk still lists the one offered a call
    places = [run(store.run(handoff_queue.standing, h)) for h in (angry, calm, offered)]
    assert [(p.status, p.position) for p in places] == [("waiting", 1), ("waiting", 2), ("offered", 0)]
    assert run(records.waiting_ahead(calm)) == 1


def test_an_update_is_told_by_one_server_only(store, clock):
    handoff_id = open_handoff(store, "maya")
    assert run(store.run(handoff_queue.tell, handoff_id, None)) is True
    assert run(store.run(handoff_queue.tell, handoff_id, None)) is False  # the other server read it unset too
    clock.advance(minutes=2)
    assert run(store.run(handoff_queue.tell, handoff_id, START)) is True


def test_the_wait_limit_offer_is_made_once(store, clock):
    handoff_id = open_handoff(store, "maya")
    assert run(store.run(handoff_queue.offer_once, handoff_id)) is True
    assert run(store.run(handoff_queue.offer_once, handoff_id)) is False
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(handoffs.c.offered_at)).scalar() == START


# The API (the desk's routes on loopback)


def test_availability_over_the_api_needs_a_signed_in_agent_from_the_desk_itself(desk, now):
    sam = desk.client("sam")
    assert sam.call("/desk/api/me") == (
        200,
        {"name": "sam", "display_name": "Sam Lee", "lead": False, "availability": "available"},
    )
    assert sam.call("/desk/api/availability", {"status": "away"}) == (200, {"availability": "away"})
    assert sam.call("/desk/api/me")[1]["availability"] == "away"
    assert sam.call("/desk/api/availability", {"status": "asleep"})[0] == 400
    assert desk.client().call("/desk/api/availability", {"status": "available"})[0] == 401

    request = urllib.request.Request(
        desk.base + "/desk/api/availability",
        data=json.dumps({"status": "available"}).encode(),
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    try:
        sam.opener.open(request, timeout=10)
        refused = 200
    except urllib.error.HTTPError as error:
        refused = error.code
    assert refused == 403
    assert sam.call("/desk/api/me")[1]["availability"] == "away"


def test_signing_out_from_another_site_is_refused(desk, now):
    sam = desk.client("sam")
    request = urllib.request.Request(
        desk.base + "/desk/logout",
        data=b"{}",
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    try:
        sam.opener.open(request, timeout=10)
        refused = 200
    except urllib.error.HTTPError as error:
        refused = error.code
    assert refused == 403
    assert sam.call("/desk/api/me")[0] == 200  # still signed in


def test_a_transfer_to_a_signed_out_agent_is_refused_with_a_clear_message(desk, now):
    handoff_id = open_handoff(desk.site.store, "maya")
    sam, ana = desk.client("sam"), desk.client("ana")
    assert sam.call(f"/desk/api/handoffs/{handoff_id}/claim", {})[0] == 200
    assert ana.call("/desk/logout", {})[0] == 200
    assert sam.call(f"/desk/api/handoffs/{handoff_id}/transfer", {"to": "ana"}) == (
        409,
        {"error": "Ana Ruiz is not on duty (signed out, away or not at the desk); the case stays with you."},
    )
    ana = desk.client("ana")
    assert sam.call(f"/desk/api/handoffs/{handoff_id}/transfer", {"to": "ana"}) == (200, {"transferred_to": "ana"})


def test_signing_out_over_the_api_returns_the_held_case(desk, now):
    handoff_id = open_handoff(desk.site.store, "maya")
    sam = desk.client("sam")
    assert sam.call(f"/desk/api/handoffs/{handoff_id}/claim", {})[0] == 200
    assert sam.call("/desk/logout", {}) == (200, {"signed_out": True, "returned": [handoff_id]})
    ana = desk.client("ana")
    assert ana.call(f"/desk/api/handoffs/{handoff_id}/claim", {}) == (200, {"claimed": handoff_id})
