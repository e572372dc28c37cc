"""The parts that keep callers out of each other's conversations, one by one (issue #15).
The whole servers: tests/e2e/test_rest_callers.py and tests/e2e/test_widget_socket.py."""

from __future__ import annotations

import asyncio
import random

from gracious.settings import settings
from server.channels.callers import caller_key, client, normal_address, with_client
from server.channels.in_order import InOrder
from server.channels.limits import parse_text_length
from server.channels.rest_access import integration_for, is_widget_session
from server.channels.rest_owners import RestOwners
from server.channels.sessions import SessionSigner

TOKENS = {"shop": "s" * 32, "crm": "c" * 32}


def test_a_call_names_its_integration_only_with_a_bearer_token_of_ours():
    assert integration_for("Bearer " + "s" * 32, TOKENS) == "shop"
    assert integration_for("bearer " + "c" * 32, TOKENS) == "crm"
    for header in (None, "", "Bearer", "Bearer " + "s" * 31, "Basic " + "s" * 32, "s" * 32, "Bearer  "):
        assert integration_for(header, TOKENS) is None, header


def test_a_widget_session_id_is_recognised_by_its_shape():
    signer = SessionSigner(b"secret")
    for browser in ("", "a-browser"):
        assert is_widget_session(signer.issue(browser))
    for sender in ("maya", "e2e-0123456789ab", "abc.def", "0" * 32 + "." + "0" * 31):
        assert not is_widget_session(sender)


def test_who_sent_a_message_is_ours_to_say():
    forged = {"gracious_client": {"address": "203.0.113.9", "integration": "shop"}, "identity": "x"}
    merged = with_client(forged, client("::ffff:10.1.2.3", "rest"))
    assert merged == {"gracious_client": {"address": "10.1.2.3", "channel": "rest", "integration": ""}, "identity": "x"}
    assert forged["gracious_client"]["address"] == "203.0.113.9"  # the client's dict is left alone
    assert normal_address("::1") == "127.0.0.1" and normal_address("") == "unknown"
    assert caller_key(client("10.0.0.1", "rest", "shop")) == "integration:shop"
    assert caller_key(client("10.0.0.1", "rest")) == "address:10.0.0.1"
    assert caller_key(None) is None


def test_the_first_caller_keeps_a_sender_even_when_many_claim_it_at_once():
    owners = RestOwners(settings().records_db_url)

    async def claims():
        first = await owners.owner("maya", "address:10.0.0.1")
        later = await owners.owner("maya", "address:10.0.0.2")
        racers = [f"address:10.9.0.{n}" for n in range(12)]
        raced = await asyncio.gather(*(owners.owner("sam", caller) for caller in racers))
        return first, later, raced

    first, later, raced = asyncio.run(claims())
    assert first == later == "address:10.0.0.1"
    assert len(set(raced)) == 1
    fresh = RestOwners(settings().records_db_url)  # another process, nothing remembered
    assert asyncio.run(fresh.owner("sam", "address:10.0.0.1")) == raced[0]


def test_turns_are_taken_in_arrival_order_and_forgotten_after():
    in_order = InOrder()
    done = []

    async def message(n: int) -> None:
        async with in_order.turn("session"):
            await asyncio.sleep(random.random() / 100)
            done.append(n)

    async def burst():
        await asyncio.gather(*(message(n) for n in range(40)))

    asyncio.run(burst())
    assert done == list(range(40)) and len(in_order) == 0


def test_only_the_text_sent_to_model_parse_is_measured():
    assert parse_text_length("POST", "/model/parse", b'{"text": "' + b"x" * 5000 + b'"}') == 5000
    assert parse_text_length("POST", "/model/parse/", b'{"text": "hi"}') == 2
    assert parse_text_length("GET", "/model/parse", b'{"text": "hi"}') == 0
    assert parse_text_length("POST", "/webhooks/rest/webhook", b'{"text": "hi"}') == 0
    assert parse_text_length("POST", "/model/parse", b"not json") == 0
    assert parse_text_length("POST", "/model/parse", b'["text"]') == 0
