"""An agent checks who the customer is at the desk (server/desk/verify.py), on a real server on loopback
with a real Rasa agent's tracker and lock stores: the chat's own comparison, its limit of three misses,
nothing of the account revealed, and the case's card and grant panel treating a match as verified."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator

import pytest
from rasa.core.agent import Agent as RasaAgent
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import gracious.stores
from actions import verification
from gracious.settings import ROOT
from server.desk import verify as desk_verify
from tests.helpers.desk_app import Client, DeskApp

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
SENDER = "daniel-chat"
ASKED = "my bill BL-30018 is missing the discount. I asked for a person, not a quiz. daniel.reyes@example.com"
# The card action_handoff wrote: a guest, the bill named, nothing of the account.
GUEST_CARD = {"case_type": "dispute_charge", "what_happened": ASKED, "reference": "BL-30018", "verified": False}
DANIEL = ("daniel.reyes@example.com", "+1 555 0178")


class Desk(DeskApp):
    """The desk with the Rasa agent's stores the server gives it (no model: nothing is predicted here)."""

    def __init__(self) -> None:
        super().__init__()
        self.app.ctx.agent = RasaAgent(
            domain=DOMAIN, tracker_store=InMemoryTrackerStore(DOMAIN), lock_store=InMemoryLockStore()
        )
        self.app.ctx.input_channels = []  # no widget: the customer's words stay in the tracker

    def on_server(self, work: Any, wait: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(wait)

    def tracker(self, sender: str = SENDER) -> DialogueStateTracker:
        return self.on_server(self.app.ctx.agent.tracker_store.get_or_create_tracker(sender))

    def save(self, *events: Any, sender: str = SENDER) -> None:
        tracker = self.tracker(sender)
        for event in events:
            tracker.update(event)
        self.on_server(self.app.ctx.agent.tracker_store.save(tracker))


@pytest.fixture
def desk() -> Iterator[Desk]:
    app = Desk().start()
    app.add_agent("sam", "Sam Lee")
    app.add_agent("ana", "Ana Ruiz")
    app.add_agent("kim", "Kim Ito", lead=True)
    yield app
    app.stop()


def handoff(desk: Desk, card: Dict[str, Any] = GUEST_CARD, sender: str = SENDER, **metadata: Any) -> int:
    said = (
        UserUttered(ASKED, metadata=metadata or None),
        SlotSet("case_type", card["case_type"]),
        SlotSet("order_id", card.get("reference")),
    )
    desk.save(*said, sender=sender)
    return asyncio.run(gracious.stores.records().create_handoff(sender, "customer_asked", "customer_care", card))


def claimed(desk: Desk, name: str, case: int) -> Client:
    agent = desk.client(name)
    status, body = agent.call(f"/desk/api/handoffs/{case}/claim", {})
    assert status == 200, body
    return agent


def verify(agent: Client, case: int, contact: str, **more: Any) -> Any:
    return agent.call(f"/desk/api/handoffs/{case}/verify", {"contact": contact, **more})


def notes(agent: Client, case: int) -> list:
    return [n["text"] for n in agent.call(f"/desk/api/handoffs/{case}")[1]["notes"]]


def test_a_match_verifies_the_conversation_and_the_grant_panel_offers_the_case(desk):
    case = handoff(desk)
    sam = claimed(desk, "sam", case)
    assert sam.call(f"/desk/api/cases/{case}/grant")[1]["alternatives"] == []
    said_before = [e.text for e in desk.tracker().events if e.type_name == "bot"]

    status, body = verify(sam, case, "daniel.reyes@example.com")

    assert status == 200, body
    assert (body["verified"], body["reference"]) == (True, "BL-30018")
    tracker = desk.tracker()
    assert tracker.get_slot("verified_customers") == ["C002"]
    assert tracker.get_slot("case_facts")["verified"] is True
    assert tracker.get_slot("policy_id") == "volume_discount_domestic"
    listing = sam.call(f"/desk/api/cases/{case}/grant")[1]
    assert listing["verified"] is True
    assert ("missing_discount_credit", 7.6) in [(a["id"], a["amount"]) for a in listing["alternatives"]]
    assert notes(sam, case) == ["Identity checked by Sam Lee: matches the account of BL-30018"]
    # What the chat's customer reads is unchanged: the desk says nothing to them.
    assert [e.text for e in tracker.events if e.type_name == "bot"] == said_before


def test_a_phone_matches_too_and_nothing_of_the_account_is_revealed(desk):
    case = handoff(desk)
    sam = claimed(desk, "sam", case)

    status, body = verify(sam, case, "0178 no wait, it's +1 555 0178")
    other = handoff(desk, sender="other")
    _, missed = verify(claimed(desk, "ana", other), other, "someone@example.com")

    assert (status, body["verified"]) == (200, True)
    for said in (body, missed):
        assert not any(detail in json.dumps(said) for detail in DANIEL)
    assert not any(detail in text for text in notes(sam, case) for detail in DANIEL)


def test_a_miss_says_so_and_counts_with_the_chats_misses_up_to_three(desk):
    case = handoff(desk)
    desk.save(SlotSet("account_check_failures", 1.0))  # one miss in the chat already
    sam = claimed(desk, "sam", case)

    status, body = verify(sam, case, "dan@example.com")
    assert (status, body["verified"], body["checks_left"]) == (200, False, 1)
    assert (
        body["message"] == "That doesn't match the account of BL-30018. 1 more check can be made in this conversation."
    )
    status, body = verify(sam, case, "+1 555 0100")
    assert (body["checks_left"], body["message"].split(". ")[-1]) == (
        0,
        "No more checks can be made in this conversation.",
    )

    status, body = verify(sam, case, "daniel.reyes@example.com")  # right, but too late

    assert status == 409
    assert body["error"] == "Too many checks haven't matched in this conversation, so no more can be made."
    assert desk.tracker().get_slot("account_check_failures") == 3.0
    assert desk.tracker().get_slot("verified_customers") is None
    assert notes(sam, case) == ["Identity checked by Sam Lee: doesn't match the account of BL-30018"] * 2


def test_only_the_agent_holding_the_case_or_a_lead_may_check(desk):
    case = handoff(desk)
    assert verify(desk.client("sam"), case, "daniel.reyes@example.com")[0] == 409  # nobody holds it yet
    claimed(desk, "sam", case)

    status, body = verify(desk.client("ana"), case, "daniel.reyes@example.com")
    assert (status, body["error"]) == (
        409,
        "Only the agent holding this conversation, or a lead, can check who the customer is.",
    )
    assert desk.tracker().get_slot("verified_customers") is None
    assert verify(desk.client(), case, "daniel.reyes@example.com")[0] == 401

    status, body = verify(desk.client("kim"), case, "daniel.reyes@example.com")
    assert (status, body["verified"]) == (200, True)
    assert notes(desk.client("kim"), case) == ["Identity checked by Kim Ito: matches the account of BL-30018"]


def test_a_cross_site_check_is_refused(desk):
    case = handoff(desk)
    sam = claimed(desk, "sam", case)
    request = {"contact": "daniel.reyes@example.com"}
    sent = urllib.request.Request(
        f"{desk.base}/desk/api/handoffs/{case}/verify",
        data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    try:
        sam.opener.open(sent, timeout=10)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 403
    assert desk.tracker().get_slot("verified_customers") is None


@pytest.mark.parametrize(
    "body, error",
    [
        ({"contact": "daniel"}, "Type the email address or phone number the customer gave in the chat."),
        ({}, "Type the email address or phone number the customer gave in the chat."),
        ({"contact": 42}, "Type what the customer gave, up to 254 characters."),
        ({"contact": "a" * 250 + "@example.com"}, "Type what the customer gave, up to 254 characters."),
    ],
)
def test_bad_input_is_a_polite_400(desk, body, error):
    case = handoff(desk)
    sam = claimed(desk, "sam", case)

    status, said = sam.call(f"/desk/api/handoffs/{case}/verify", body)

    assert (status, said["error"]) == (400, error)
    assert desk.tracker().get_slot("account_check_failures") is None


def test_a_case_with_no_reference_takes_the_number_the_customer_gave(desk):
    card = {"case_type": "wrong_item", "what_happened": "my jacket is the wrong size", "verified": False}
    case = handoff(desk, card)
    sam = claimed(desk, "sam", case)

    status, body = verify(sam, case, "daniel.reyes@example.com")
    assert (status, body["error"]) == (
        400,
        "This case has no bill or order yet: type the number the customer gave as well.",
    )
    status, body = verify(sam, case, "daniel.reyes@example.com", reference="LK-99999")
    assert (status, body["error"]) == (400, "There's no bill or order LK-99999. Check the number the customer gave.")

    status, body = verify(sam, case, "daniel.reyes@example.com", reference="lk 10422")

    assert (status, body["verified"], body["reference"]) == (200, True, "LK-10422")
    assert desk.tracker().get_slot("order_id") == "LK-10422"
    assert sam.call(f"/desk/api/cases/{case}/grant")[1]["reference"] == "LK-10422"


def test_a_customer_the_chat_verified_already_is_put_on_the_card_without_a_new_check(desk):
    # "daniel.reyes@example.com. but I asked for a person": checked by the chat, handed over before the card knew.
    case = handoff(desk)
    desk.save(SlotSet("verified_customers", ["C002"]), SlotSet("account_check", "passed"))
    sam = claimed(desk, "sam", case)

    status, body = verify(sam, case, "anything@example.com")

    assert (status, body["verified"]) == (200, True)
    assert body["message"] == "The customer is already verified for BL-30018 in this chat: the card shows it now."
    assert desk.tracker().get_slot("account_check_failures") is None  # nothing compared, nothing missed
    assert sam.call(f"/desk/api/cases/{case}/grant")[1]["verified"] is True
    assert notes(sam, case) == ["Identity seen by Sam Lee: verified in the chat for BL-30018"]


def test_a_bill_handed_over_before_its_kind_was_read_is_a_charge_disputed(desk):
    # "my bill BL-30018 is missing the discount. can I just talk to someone?": a person asked for first.
    case = handoff(desk, {"case_type": None, "reference": "BL-30018", "verified": False})
    sam = claimed(desk, "sam", case)

    assert verify(sam, case, "daniel.reyes@example.com")[1]["verified"] is True

    assert desk.tracker().get_slot("case_type") == "dispute_charge"
    listing = sam.call(f"/desk/api/cases/{case}/grant")[1]
    assert "missing_discount_credit" in [a["id"] for a in listing["alternatives"]]


def failed_checks_from(address: str) -> int:
    return asyncio.run(gracious.stores.company().failed_checks_from(address, verification.ADDRESS_WINDOW))


def test_parallel_checks_with_a_wrong_contact_never_make_more_than_three_guesses(desk):
    # Five checks sent at once (a double click, two tabs): each used to read "no misses yet" before any was counted.
    case = handoff(desk)
    claimed(desk, "sam", case)
    store = desk.site.store
    sam = next(agent for agent in desk.on_server(store.agents()) if agent.name == "sam")
    card = desk.on_server(store.handoff_for(case, sam))

    async def one() -> Any:
        try:
            return (await desk_verify.check(desk.app, store, card, sam, {"contact": "dan@example.com"}))["checks_left"]
        except desk_verify.Refused as refused:
            return refused.status

    async def at_once() -> list:
        return list(await asyncio.gather(*(one() for _ in range(5))))

    said = desk.on_server(at_once(), wait=60)

    assert sorted(said) == [0, 1, 2, 409, 409]
    assert desk.tracker().get_slot("account_check_failures") == 3.0
    assert failed_checks_from("desk:sam") == 3
    assert notes(desk.client("sam"), case) == ["Identity checked by Sam Lee: doesn't match the account of BL-30018"] * 3


def chat_turn_meanwhile(desk: Desk, monkeypatch: Any, *events: Any) -> None:
    """The customer's chat turn lands (under the conversation's lock, as Rasa takes it) while the desk's check
    is under way: after the desk read the conversation for the case's record, before it wrote the outcome."""
    looked_up = verification.owner_of
    pending = list(events)

    async def owner_of(reference: Any) -> Any:
        rasa_agent = desk.app.ctx.agent
        if pending:
            async with rasa_agent.lock_store.lock(SENDER):
                tracker = await rasa_agent.tracker_store.get_or_create_tracker(SENDER)
                for event in pending:
                    tracker.update(event)
                await rasa_agent.tracker_store.save(tracker)
            pending.clear()
        return await looked_up(reference)

    monkeypatch.setattr(verification, "owner_of", owner_of)


def test_a_verification_the_chat_made_meanwhile_survives_the_desks_match(desk, monkeypatch):
    # "maya.okafor@example.com, that's for my other bill": the chat verifies BL-30017's account as the agent checks.
    case = handoff(desk)
    sam = claimed(desk, "sam", case)
    chat_turn_meanwhile(desk, monkeypatch, SlotSet("verified_customers", ["C001"]))

    status, body = verify(sam, case, "daniel.reyes@example.com")

    assert (status, body["verified"]) == (200, True)
    assert desk.tracker().get_slot("verified_customers") == ["C001", "C002"]


def test_a_miss_the_chat_counted_meanwhile_is_not_undone_by_the_desks_miss(desk, monkeypatch):
    case = handoff(desk)
    desk.save(SlotSet("account_check_failures", 1.0))
    sam = claimed(desk, "sam", case)
    chat_turn_meanwhile(desk, monkeypatch, SlotSet("account_check_failures", 2.0))

    status, body = verify(sam, case, "dan@example.com")

    assert (status, body["checks_left"]) == (200, 0)
    assert desk.tracker().get_slot("account_check_failures") == 3.0


def test_the_agents_typos_count_for_the_agent_not_against_the_customers_address(desk):
    # The customer's own checks in the chat are held to a limit per address; an agent's typo isn't theirs.
    client = {"address": "203.0.113.9", "channel": "rest", "integration": ""}
    case = handoff(desk, gracious_client=client)
    sam = claimed(desk, "sam", case)

    assert verify(sam, case, "daniel.reyes@exmaple.com")[1]["verified"] is False
    assert verify(sam, case, "+1 555 0187")[1]["verified"] is False

    assert failed_checks_from("203.0.113.9") == 0
    assert failed_checks_from("desk:sam") == 2
    assert verify(sam, case, "daniel.reyes@example.com")[1]["verified"] is True
