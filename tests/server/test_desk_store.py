"""The agent desk's store: accounts, sign-in throttling, sessions and the work on handoffs."""

import asyncio
import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any, Dict, Iterator, List, Optional

import pytest
import sqlalchemy as sa

import server.desk.passwords
from gracious.stores import clock as store_clock
from gracious.stores.records import Records, agent_presence, ensure_schema, handoffs
from server.desk.agents import AccountError, Agent
from server.desk.passwords import check_password
from server.desk.queue import OUTCOMES
from server.desk.store import DeskStore
from server.desk.tables import agents, desk_sessions, login_failures
from server.desk.throttle import Throttled
from tests.helpers.hand_clock import START

PASSWORD = "plum-orchard-42"
SAM = Agent(id=1, name="sam", display_name="Sam Lee")
LEE = Agent(id=2, name="lee", display_name="Lee Park")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.db"


@pytest.fixture
def store(db_path) -> Iterator[DeskStore]:
    desk = DeskStore(f"sqlite:///{db_path}")
    ensure_schema(desk.engine)
    yield desk
    desk.engine.dispose()


def run(coroutine):
    return asyncio.run(coroutine)


def rows(store: DeskStore, table: sa.Table) -> List[Dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(table))]


def open_handoff(
    store: DeskStore,
    sender_id: str = "maya",
    reason: str = "customer_asked",
    summary: Optional[Dict[str, Any]] = None,
    created_at: Optional[datetime] = None,
    **values: Any,
) -> int:
    """A handoff as the assistant writes it, opened at a chosen time."""
    with store.engine.begin() as conn:
        result = conn.execute(
            handoffs.insert().values(
                sender_id=sender_id,
                reason=reason,
                team="customer_care",
                status=values.pop("status", "waiting"),
                summary=json.dumps(summary or {}),
                created_at=created_at or START,
                **values,
            )
        )
        return int(result.inserted_primary_key[0])


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "+00:00"


# Accounts and passwords


def test_add_agent_lowercases_the_login_and_returns_the_agent(store):
    assert run(store.add_agent("  Sam ", " Sam Lee ", PASSWORD)) == Agent(id=1, name="sam", display_name="Sam Lee")
    assert run(store.agents()) == [SAM]


def test_password_is_stored_as_salted_scrypt_and_never_in_plain_text(store, db_path):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    run(store.add_agent("lee", "Lee Park", PASSWORD))
    assert run(store.verify_login("sam", "wrong-password-typed", "10.0.0.1")) is None

    sam_hash, lee_hash = (row["password_hash"] for row in rows(store, agents))
    assert re.fullmatch(r"scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}", sam_hash)
    assert sam_hash.split("$")[4] != lee_hash.split("$")[4]  # same password, different salt
    assert check_password(PASSWORD, sam_hash) is True
    assert check_password(PASSWORD + "x", sam_hash) is False
    store.engine.dispose()
    stored = db_path.read_bytes()
    assert PASSWORD.encode() not in stored
    assert b"wrong-password-typed" not in stored


@pytest.mark.parametrize("name", ["s", "a" * 41, "sam lee", "sam@example.com", "", "sàm"])
def test_add_agent_refuses_names_outside_2_to_40_plain_characters(store, name):
    with pytest.raises(AccountError, match="2-40 characters"):
        run(store.add_agent(name, "Someone", PASSWORD))
    assert run(store.agents()) == []


def test_add_agent_refuses_passwords_under_10_characters_and_blank_display_names(store):
    with pytest.raises(AccountError, match="at least 10 characters"):
        run(store.add_agent("sam", "Sam Lee", "123456789"))
    with pytest.raises(AccountError, match="display name"):
        run(store.add_agent("sam", "   ", PASSWORD))
    assert run(store.agents()) == []


def test_add_agent_refuses_a_taken_name_whatever_its_case(store):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    with pytest.raises(AccountError) as refused:
        run(store.add_agent("SAM", "Another Sam", "another-password"))
    assert str(refused.value) == "An agent named 'sam' already exists."
    assert isinstance(refused.value, ValueError)
    assert run(store.agents()) == [SAM]


def test_set_password_replaces_the_old_one(store):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    run(store.set_password("Sam", "a-brand-new-secret"))
    assert run(store.verify_login("sam", PASSWORD, "10.0.0.1")) is None
    assert run(store.verify_login("sam", "a-brand-new-secret", "10.0.0.1")) == SAM


def test_set_password_for_an_unknown_agent_or_too_short_is_refused(store):
    with pytest.raises(AccountError, match="^There is no agent named 'nobody'.$"):
        run(store.set_password("nobody", "long-enough-secret"))
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    with pytest.raises(AccountError, match="at least 10 characters"):
        run(store.set_password("sam", "short"))
    assert run(store.verify_login("sam", PASSWORD, "10.0.0.1")) == SAM


def test_agents_are_listed_by_display_name(store):
    run(store.add_agent("zed", "Ana Zed", PASSWORD))
    run(store.add_agent("amy", "Zoe Amy", PASSWORD))
    assert run(store.agents()) == [Agent(1, "zed", "Ana Zed"), Agent(2, "amy", "Zoe Amy")]


# Signing in


def test_right_password_signs_in_whatever_the_case_of_the_name(store):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    assert run(store.verify_login(" SAM", PASSWORD, "10.0.0.1")) == SAM
    assert rows(store, login_failures) == []


def test_wrong_password_and_unknown_name_fail_and_are_recorded(store, clock):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    assert run(store.verify_login("sam", "not-the-password", "10.0.0.1")) is None
    assert run(store.verify_login("Nobody", PASSWORD, "10.0.0.2")) is None
    assert [(r["name"], r["client"], r["at"]) for r in rows(store, login_failures)] == [
        ("sam", "10.0.0.1", START),
        ("nobody", "10.0.0.2", START),
    ]


def test_an_unknown_name_costs_one_hash_like_a_known_one(store, monkeypatch):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    hashed = []
    real_scrypt = server.desk.passwords._scrypt
    monkeypatch.setattr(server.desk.passwords, "_scrypt", lambda *args: hashed.append(args[2:]) or real_scrypt(*args))

    run(store.verify_login("nobody", PASSWORD, "10.0.0.1"))
    run(store.verify_login("sam", "not-the-password", "10.0.0.1"))
    assert hashed == [(16384, 8, 1, 32), (16384, 8, 1, 32)]


def test_five_failures_for_a_name_from_one_address_lock_it_there_until_the_first_is_15_minutes_old(store, clock):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    for attempt in range(5):
        assert run(store.verify_login("sam", "guess-number-%d" % attempt, "10.0.0.66")) is None
        clock.advance(minutes=1)

    # Five minutes after the first failure: that address's tries at "sam" wait the ten minutes
    # the first stays in the window, even with the right password.
    with pytest.raises(Throttled) as throttled:
        run(store.verify_login("SAM", PASSWORD, "10.0.0.66"))
    assert throttled.value.retry_after == 600
    assert len(rows(store, login_failures)) == 5  # a refused attempt is not a failure
    # Other names from that address are not affected.
    assert run(store.verify_login("lee", PASSWORD, "10.0.0.66")) is None
    clock.advance(minutes=10)
    assert run(store.verify_login("sam", PASSWORD, "10.0.0.66")) == SAM


def test_five_wrong_passwords_for_an_agent_from_anywhere_never_lock_the_agent_out_of_their_own_address(store, clock):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    for attempt in range(5):
        assert run(store.verify_login("sam", "guess-number-%d" % attempt, "203.0.113.9")) is None
    # From another address each: spread over addresses, failures never add up to a lock either.
    for attempt in range(10):
        assert run(store.verify_login("sam", "guess-number-%d" % attempt, f"198.51.100.{attempt}")) is None

    assert run(store.verify_login("sam", PASSWORD, "192.0.2.10")) == SAM  # Sam, at their own desk
    with pytest.raises(Throttled):
        run(store.verify_login("sam", PASSWORD, "203.0.113.9"))


def test_twenty_failures_from_one_address_lock_every_name_from_it(store, clock):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    clock.advance(microseconds=500_000)
    for number in range(20):
        run(store.verify_login(f"name-{number}", PASSWORD, "203.0.113.9"))
        clock.advance(seconds=30)

    with pytest.raises(Throttled) as throttled:
        run(store.verify_login("sam", PASSWORD, "203.0.113.9"))
    assert throttled.value.retry_after == 5 * 60  # 10 minutes after the first failure
    clock.now = START + timedelta(minutes=15)
    with pytest.raises(Throttled) as throttled:
        run(store.verify_login("sam", PASSWORD, "203.0.113.9"))
    assert throttled.value.retry_after == 1  # half a second, rounded up

    assert run(store.verify_login("sam", PASSWORD, "198.51.100.7")) == SAM  # another address
    clock.advance(seconds=1)
    assert run(store.verify_login("sam", PASSWORD, "203.0.113.9")) == SAM


def test_a_successful_sign_in_does_not_wipe_earlier_failures(store, clock):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    for _ in range(4):
        run(store.verify_login("sam", "not-the-password", "10.0.0.1"))
    assert run(store.verify_login("sam", PASSWORD, "10.0.0.1")) == SAM
    run(store.verify_login("sam", "not-the-password", "10.0.0.1"))
    with pytest.raises(Throttled) as throttled:
        run(store.verify_login("sam", PASSWORD, "10.0.0.1"))
    assert throttled.value.retry_after == 900


# Sessions and presence


def test_a_session_token_finds_its_agent_and_only_its_hash_is_kept(store, clock):
    agent = run(store.add_agent("sam", "Sam Lee", PASSWORD))
    token = run(store.create_session(agent))

    assert len(token) == 43
    assert run(store.agent_for_session(token)) == SAM
    [session] = rows(store, desk_sessions)
    assert session == {
        "token_hash": hashlib.sha256(token.encode()).hexdigest(),
        "agent_id": 1,
        "created_at": START,
        "expires_at": START + timedelta(hours=12),
    }


@pytest.mark.parametrize("token", [None, "", "not-a-token", "ünïcode"])
def test_a_missing_or_unknown_token_finds_nobody(store, token):
    assert run(store.agent_for_session(token)) is None


def test_a_session_expires_after_12_hours(store, clock):
    agent = run(store.add_agent("sam", "Sam Lee", PASSWORD))
    token = run(store.create_session(agent))
    clock.advance(hours=11, minutes=59, seconds=59)
    assert run(store.agent_for_session(token)) == SAM
    clock.advance(seconds=1)
    assert run(store.agent_for_session(token)) is None


def test_a_session_whose_expiry_is_past_finds_nobody(store):
    token = run(store.create_session(run(store.add_agent("sam", "Sam Lee", PASSWORD))))
    with store.engine.begin() as conn:
        conn.execute(desk_sessions.update().values(expires_at=store_clock.now() - timedelta(seconds=1)))
    assert run(store.agent_for_session(token)) is None


def test_signing_in_marks_the_agent_on_duty_and_each_request_refreshes_it(store, clock, db_path):
    agent = run(store.add_agent("sam", "Sam Lee", PASSWORD))
    run(store.create_session(agent))
    clock.advance(seconds=20)
    token = run(store.create_session(agent))  # a second browser: still one presence row
    assert rows(store, agent_presence) == [
        {"agent": "sam", "last_seen": START + timedelta(seconds=20), "status": "available"}
    ]

    clock.advance(seconds=30)
    run(store.agent_for_session(token))
    assert rows(store, agent_presence) == [
        {"agent": "sam", "last_seen": START + timedelta(seconds=50), "status": "available"}
    ]
    records = Records(f"sqlite:///{db_path}")
    assert run(records.agents_on_duty()) == 1
    records.engine.dispose()


def test_signing_out_ends_the_session_and_takes_the_agent_off_duty(store, db_path):
    sam = run(store.add_agent("sam", "Sam Lee", PASSWORD))
    lee = run(store.add_agent("lee", "Lee Park", PASSWORD))
    token = run(store.create_session(sam))
    run(store.create_session(lee))

    run(store.end_session(token))
    run(store.end_session(token))  # twice, or with a token nobody has: nothing happens
    run(store.end_session("not-a-token"))

    assert run(store.agent_for_session(token)) is None
    assert [r["agent"] for r in rows(store, agent_presence)] == ["lee"]
    assert len(rows(store, desk_sessions)) == 1
    records = Records(f"sqlite:///{db_path}")
    assert run(records.agents_on_duty()) == 1
    records.engine.dispose()


# The queue


def test_a_safety_case_goes_before_everyone_however_calm(store, clock):
    furious = open_handoff(store, "bob", "strong_frustration", {"frustration": 3}, START - timedelta(minutes=30))
    allergic = open_handoff(store, "ann", "safety", {"frustration": 0}, START - timedelta(minutes=1))

    assert [e["id"] for e in run(store.queue())] == [allergic, furious]


def test_queue_puts_the_highest_priority_first_then_the_longest_waiting(store, clock):
    minutes_ago = lambda n: START - timedelta(minutes=n)  # noqa: E731
    calm = open_handoff(store, "ann", "customer_asked", {"frustration": 0, "amounts": {}}, minutes_ago(10))
    furious = open_handoff(store, "bob", "strong_frustration", {"frustration": 3}, minutes_ago(5))
    big_bill = open_handoff(
        store, "cat", "customer_asked", {"frustration": 1, "amounts": {"order_total": 120.0}}, minutes_ago(8)
    )
    ceo = open_handoff(
        store, "dan", "executive_escalation", {"frustration": 0, "amounts": {"order_total": 99.99}}, minutes_ago(2)
    )
    older_big_bill = open_handoff(
        store, "eve", "misunderstood", {"frustration": 1, "amounts": {"amount_requested": 100}}, minutes_ago(9)
    )
    outage = open_handoff(store, "fay", "service_outage", {"contact": {"email": "f@example.com"}}, minutes_ago(1))
    open_handoff(
        store,
        "gus",
        "strong_frustration",
        {"frustration": 5},
        minutes_ago(30),
        status="finished",
        finished_at=minutes_ago(20),
    )

    queue = run(store.queue())

    assert [(e["id"], e["priority"], e["waiting_seconds"]) for e in queue] == [
        (furious, 8, 300),
        (older_big_bill, 3, 540),
        (big_bill, 3, 480),
        (ceo, 2, 120),
        (calm, 0, 600),
        (outage, 0, 60),
    ]
    assert queue[0] == {
        "id": furious,
        "sender_id": "bob",
        "reason": "strong_frustration",
        "team": "customer_care",
        "status": "waiting",
        "agent": None,
        "created_at": iso(START - timedelta(minutes=5)),
        "waiting_seconds": 300,
        "summary": {"frustration": 3},
        "priority": 8,
    }


def test_a_handoff_the_assistant_opens_is_in_the_queue_as_waiting(store, db_path):
    records = Records(f"sqlite:///{db_path}")
    summary = {"frustration": 2, "amounts": {"order_total": 45.0}, "reference": "LK-10423"}
    handoff_id = run(records.create_handoff("priya", "customer_asked", "customer_care", summary))

    [entry] = run(store.queue())
    assert (entry["id"], entry["sender_id"], entry["status"], entry["agent"]) == (handoff_id, "priya", "waiting", None)
    assert (entry["summary"], entry["priority"]) == (summary, 4)
    assert entry["created_at"].endswith("+00:00")
    assert 0 <= entry["waiting_seconds"] <= 5
    assert run(records.waiting_ahead(handoff_id + 1)) == 1
    records.engine.dispose()


def test_a_database_from_before_the_desk_gains_its_columns_and_keeps_its_handoffs(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = sa.create_engine(url, future=True)
    with old.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE handoffs (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "reason VARCHAR(60) NOT NULL, team VARCHAR(60) NOT NULL, status VARCHAR(30) NOT NULL, "
                "summary TEXT NOT NULL, created_at DATETIME NOT NULL)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO handoffs VALUES (1, 'maya', 'customer_asked', 'customer_care', 'waiting', "
                "'{\"frustration\": 1}', '2025-06-14 18:30:00.000000')"
            )
        )
    old.dispose()

    desk = DeskStore(url)
    assert run(desk.claim(1, SAM)) is True
    assert run(desk.handoff(1))["agent"] == "sam"
    records = Records(url)
    assert run(records.handoff(1))["status"] == "claimed"
    records.engine.dispose()
    desk.engine.dispose()


# Working a handoff


def test_only_the_first_of_two_simultaneous_claims_wins(store, clock):
    handoff_id = open_handoff(store)
    for agent in (SAM, LEE):  # both at their desks (a holder with no presence at all is gone: presence.gone)
        run(store.create_session(agent))

    async def both():
        return await asyncio.gather(store.claim(handoff_id, SAM), store.claim(handoff_id, LEE))

    results = run(both())
    assert sorted(results) == [False, True]
    winner = SAM if results[0] else LEE
    claimed = run(store.handoff(handoff_id))
    assert (claimed["status"], claimed["agent"]) == ("claimed", winner.name)
    [row] = rows(store, handoffs)
    assert row["updated_at"] == START
    assert run(store.claim(handoff_id, winner)) is False  # not even again by the winner


def test_finished_or_missing_handoffs_cannot_be_claimed(store):
    finished = open_handoff(store, status="finished", agent="lee", finished_at=START)
    assert run(store.claim(finished, SAM)) is False
    assert run(store.claim(999, SAM)) is False
    assert run(store.handoff(finished))["agent"] == "lee"


def test_the_holder_can_transfer_to_another_agent_by_name(store, clock):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    run(store.add_agent("lee", "Lee Park", PASSWORD))
    handoff_id = open_handoff(store)
    run(store.claim(handoff_id, SAM))
    clock.advance(minutes=3)
    run(store.create_session(LEE))  # Lee is at the desk: only an agent on duty can be passed a case

    assert run(store.transfer(handoff_id, SAM, " LEE ")) is True
    moved = run(store.handoff(handoff_id))
    assert (moved["status"], moved["agent"]) == ("claimed", "lee")
    assert rows(store, handoffs)[0]["updated_at"] == START + timedelta(minutes=3)


def test_transfer_is_refused_to_non_holders_unknown_agents_and_oneself(store):
    run(store.add_agent("sam", "Sam Lee", PASSWORD))
    run(store.add_agent("lee", "Lee Park", PASSWORD))
    waiting = open_handoff(store, "ann")
    held = open_handoff(store, "bob")
    done = open_handoff(store, "cat", status="finished", agent="sam", finished_at=START)
    run(store.claim(held, SAM))

    assert run(store.transfer(held, LEE, "lee")) is False  # lee doesn't hold it
    assert run(store.transfer(held, SAM, "nobody")) is False
    assert run(store.transfer(held, SAM, "sam")) is False
    assert run(store.transfer(waiting, SAM, "lee")) is False  # nobody holds it yet
    assert run(store.transfer(done, SAM, "lee")) is False
    assert run(store.transfer(999, SAM, "lee")) is False
    assert [(r["id"], r["agent"]) for r in rows(store, handoffs)] == [(waiting, None), (held, "sam"), (done, "sam")]


def test_notes_are_kept_oldest_first_with_their_author_and_trimmed(store, clock):
    handoff_id = open_handoff(store)
    first = run(store.add_note(handoff_id, SAM, "  Customer prefers email.\n"))
    clock.advance(minutes=1)
    second = run(store.add_note(handoff_id, LEE, "Refund approved by finance."))

    assert (first, second) == (1, 2)
    assert run(store.handoff(handoff_id))["notes"] == [
        {"agent": "sam", "text": "Customer prefers email.", "created_at": iso(START)},
        {"agent": "lee", "text": "Refund approved by finance.", "created_at": iso(START + timedelta(minutes=1))},
    ]


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 2001])
def test_empty_or_overlong_notes_are_refused(store, text):
    handoff_id = open_handoff(store)
    with pytest.raises(ValueError, match="^A note is 1-2000 characters.$"):
        run(store.add_note(handoff_id, SAM, text))
    assert run(store.handoff(handoff_id))["notes"] == []


def test_a_note_of_exactly_2000_characters_is_kept_and_one_on_no_handoff_is_refused(store):
    handoff_id = open_handoff(store)
    run(store.add_note(handoff_id, SAM, " " + "x" * 2000 + " "))
    assert run(store.handoff(handoff_id))["notes"][0]["text"] == "x" * 2000
    with pytest.raises(ValueError, match="^There is no handoff 999.$"):
        run(store.add_note(999, SAM, "hello"))


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_holder_finishes_a_handoff_with_its_outcome(store, clock, outcome):
    handoff_id = open_handoff(store, "maya", "strong_frustration", {"frustration": 3})
    run(store.claim(handoff_id, SAM))
    clock.advance(minutes=7)

    assert run(store.finish(handoff_id, SAM, outcome)) is True
    finished = run(store.handoff(handoff_id))
    assert {k: finished[k] for k in ("status", "agent", "outcome", "finished_at", "notes")} == {
        "status": "finished",
        "agent": "sam",
        "outcome": outcome,
        "finished_at": iso(START + timedelta(minutes=7)),
        "notes": [],
    }
    assert run(store.queue()) == []
    assert run(store.handoff_for_sender("maya")) is None


def test_finish_is_refused_for_unknown_outcomes_non_holders_unclaimed_and_finished_handoffs(store):
    waiting = open_handoff(store, "ann")
    held = open_handoff(store, "bob")
    run(store.claim(held, SAM))

    with pytest.raises(ValueError, match="Unknown outcome 'escalated'"):
        run(store.finish(held, SAM, "escalated"))
    assert run(store.finish(held, LEE, "resolved")) is False
    assert run(store.finish(waiting, SAM, "resolved")) is False
    assert run(store.finish(held, SAM, "refund")) is True
    assert run(store.finish(held, SAM, "credit")) is False
    assert run(store.handoff(held))["outcome"] == "refund"
    assert run(store.handoff(waiting))["status"] == "waiting"


def test_handoff_for_sender_is_the_conversations_newest_unfinished_handoff(store, clock):
    earlier = open_handoff(store, "maya", created_at=START - timedelta(minutes=10))
    later = open_handoff(store, "maya", created_at=START - timedelta(minutes=5))
    open_handoff(store, "ann", created_at=START)

    entry = run(store.handoff_for_sender("maya"))
    assert (entry["id"], entry["sender_id"], entry["waiting_seconds"]) == (later, "maya", 300)
    run(store.claim(later, SAM))
    run(store.finish(later, SAM, "resolved"))
    assert run(store.handoff_for_sender("maya"))["id"] == earlier
    assert run(store.handoff_for_sender("nobody")) is None


def test_an_unknown_handoff_is_none(store):
    assert run(store.handoff(999)) is None
