"""Nobody enters another's REST conversation (issue #15, finding 2), against the real servers.

Without tokens a sender id belongs to the address that used it first (a second
address on this machine: 127.0.0.2); with GRACIOUS_REST_TOKENS it belongs to the
integration whose token used it first. A replayed message_id answers only its own
caller; a widget's session id is refused; /model/parse reads no more than a message.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import secrets
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import socketio

from server.channels.sessions import BROWSER_COOKIE
from tests.e2e.conftest import TOKEN, Bot, assert_gracious, running_servers, texts
from tests.e2e.test_abuse import user_texts

COMPLAINT = "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected"
OTHER_MACHINE = "127.0.0.2"
SHOP, CRM = "shop-" + secrets.token_hex(12), "crm-" + secrets.token_hex(12)


def post(
    bot: Bot,
    payload: Any,
    source: str = "127.0.0.1",
    token: Optional[str] = None,
    path: str = "/webhooks/rest/webhook",
) -> Tuple[int, Dict[str, str], Any]:
    """One POST from the address ``source``: (status, headers, JSON body)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(bot.env["BOT_PORT"]), timeout=60, source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, json.dumps(payload).encode(), headers)
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, json.loads(reply.read() or b"null")
    finally:
        conn.close()


def new_sender() -> str:
    return f"callers-{uuid.uuid4().hex[:12]}"


def assert_refused(reply: Tuple[int, Dict[str, str], Any], status: int, error: str, *secret_texts: str) -> None:
    """A JSON refusal in plain words, holding nothing of ``secret_texts``."""
    code, headers, body = reply
    assert code == status, reply
    assert headers["content-type"].startswith("application/json") and body["error"] == error, reply
    assert body["message"][0].isupper() and body["message"].endswith("."), body
    assert_gracious([{"text": body["message"]}])
    for text in secret_texts:
        assert text not in json.dumps(body), (text, body)


def reply_words(replies: List[Dict[str, Any]]) -> List[str]:
    return [r["text"] for r in replies if r.get("text")]


# -- open mode (no tokens): the shared servers ------------------------------------------


def test_the_server_says_who_sent_each_message(bot: Bot) -> None:
    sender = new_sender()
    forged = {"address": "203.0.113.9", "channel": "socketio", "integration": "crm"}
    status, _, _ = post(
        bot, {"sender": sender, "message": "hi", "metadata": {"gracious_client": forged, "page": "help"}}
    )
    assert status == 200
    [event] = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert event["metadata"]["gracious_client"] == {"address": "127.0.0.1", "channel": "rest", "integration": ""}
    assert event["metadata"]["page"] == "help"  # the client's own metadata passes through


def test_another_address_can_neither_post_into_a_conversation_nor_read_it(bot: Bot) -> None:
    sender = new_sender()
    status, _, first = post(bot, {"sender": sender, "message": COMPLAINT})
    assert status == 200 and reply_words(first)
    intruder = post(bot, {"sender": sender, "message": "yes the credit please"}, source=OTHER_MACHINE)
    assert_refused(intruder, 403, "conversation_of_another_caller", *reply_words(first))
    assert user_texts(bot, sender) == [COMPLAINT]
    # the other address is welcome in a conversation of its own, and the owner carries on
    assert post(bot, {"sender": new_sender(), "message": "hello"}, source=OTHER_MACHINE)[0] == 200
    assert post(bot, {"sender": sender, "message": "thanks"})[0] == 200


def test_a_replayed_message_id_answers_only_its_own_caller_and_only_for_the_same_words(bot: Bot) -> None:
    sender = new_sender()
    body = {"sender": sender, "message": COMPLAINT, "message_id": "1"}
    status, _, first = post(bot, body)
    assert status == 200 and reply_words(first)
    assert_refused(post(bot, body, source=OTHER_MACHINE), 403, "conversation_of_another_caller", *reply_words(first))
    other_words = {**body, "message": "what did you tell me before?"}
    assert_refused(post(bot, other_words), 409, "message_id_reused", *reply_words(first))
    # the caller's own retry, same words, still gets the replies, and the message counts once
    status, _, again = post(bot, body)
    assert status == 200 and texts(again) == texts(first)
    assert user_texts(bot, sender) == [COMPLAINT]


async def _widget_conversation(base: str) -> str:
    """A widget session that has said hello: its session id."""
    confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
    answered = asyncio.Event()
    client = socketio.AsyncClient(reconnection=False)
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda data: answered.set())
    headers = {"Cookie": f"{BROWSER_COOKIE}={secrets.token_hex(16)}"}
    await client.connect(base, socketio_path="/socket.io", transports=["websocket"], headers=headers)
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed, 30)
        await client.emit("user_uttered", {"message": "hello", "session_id": session_id})
        await asyncio.wait_for(answered.wait(), 60)
    finally:
        await client.disconnect()
    return session_id


def test_a_widget_session_id_is_refused_on_rest(bot: Bot) -> None:
    session_id = asyncio.run(_widget_conversation(bot.base))
    refused = post(bot, {"sender": session_id, "message": "yes the credit please"})
    assert_refused(refused, 403, "widget_conversation")
    assert user_texts(bot, session_id) == ["hello"]


def test_model_parse_reads_no_longer_a_text_than_a_message(bot: Bot) -> None:
    path = f"/model/parse?token={TOKEN}"
    status, _, parsed = post(bot, {"text": "my bill is wrong " + "x" * 1900}, path=path)
    assert status == 200 and parsed["intent"]["name"]
    refused = post(bot, {"text": "my bill is wrong " + "x" * 200_000}, path=path)
    assert refused[0] == 413 and refused[2]["error"] == "text_too_long", refused[:2]
    assert "2000" in refused[2]["message"], refused[2]


# -- with tokens: an integration per token ------------------------------------------------


@pytest.fixture(scope="module")
def tokened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    var: Path = tmp_path_factory.mktemp("tokens-var")
    with running_servers(var, GRACIOUS_REST_TOKENS=f"shop:{SHOP}, crm:{CRM}") as running:
        yield running


def test_with_tokens_configured_rest_asks_every_call_for_one(tokened: Bot) -> None:
    body = {"sender": new_sender(), "message": "hello"}
    for token in (None, "not-a-token-of-ours-at-all", SHOP[:-1]):
        reply = post(tokened, body, token=token)
        assert_refused(reply, 401, "token_required")
        assert reply[1]["www-authenticate"].startswith("Bearer")
    assert user_texts(tokened, body["sender"]) == []
    status, _, replies = post(tokened, body, token=SHOP)
    assert status == 200 and replies


def test_another_integration_gets_nothing_of_a_conversation(tokened: Bot) -> None:
    sender = new_sender()
    body = {"sender": sender, "message": COMPLAINT, "message_id": "m-1"}
    status, _, first = post(tokened, body, token=SHOP)
    assert status == 200 and reply_words(first)
    for attempt in (body, {**body, "message_id": "m-2", "message": "yes the credit please"}):
        refused = post(tokened, attempt, token=CRM)
        assert_refused(refused, 403, "conversation_of_another_caller", *reply_words(first))
    assert user_texts(tokened, sender) == [COMPLAINT]
    # the conversation belongs to the integration, whichever of its machines calls
    status, _, again = post(tokened, body, token=SHOP, source=OTHER_MACHINE)
    assert status == 200 and texts(again) == texts(first)
