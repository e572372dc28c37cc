"""Bad input and abuse against the real servers: a clear 4xx, nothing stored, no customer text logged.

Servers of their own (module scope) with a low per-sender limit (5 messages at
once, then 6 a minute) and the default 64 KiB body limit; every test uses fresh
senders. The last test stops and restarts the action server.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import socketio

from launch.action_server import TOKEN_HEADER
from launch.launcher import Servers
from server.channels.sessions import BROWSER_COOKIE
from tests.e2e.conftest import TOKEN, Bot, assert_gracious, model_path, server_env

BURST = 5
PER_MINUTE = 6
LIMIT = 64 * 1024
EVIL = "https://evil.example"
PARTNER = "https://partner.example"
COOKIES = "gracious_desk=stolen-session; gracious_browser=victim-browser"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    var = tmp_path_factory.mktemp("abuse-var")
    env = server_env(
        var,
        GRACIOUS_SENDER_BURST=str(BURST),
        GRACIOUS_SENDER_PER_MINUTE=str(PER_MINUTE),
        GRACIOUS_ALLOWED_ORIGINS=PARTNER,
        GRACIOUS_ACTIONS="server",  # the action server's own guards are tested here
    )
    env.pop("GRACIOUS_MAX_BODY_BYTES", None)  # the default limit
    servers = Servers(model_path(), env, log_dir=var / "logs")
    try:
        servers.start()
    except Exception:
        servers.stop()  # the action server may be up already
        for log in (var / "logs").glob("*.log"):
            print(log.name, log.read_text()[-3000:])
        raise
    try:
        yield Bot(servers, env)
    finally:
        servers.stop()


def new_sender() -> str:
    return f"abuse-{uuid.uuid4().hex[:12]}"


# -- plain HTTP, byte by byte -------------------------------------------------


class Reply:
    def __init__(self, status: int, headers: Dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:300]!r})"


def _read_reply(sock: socket.socket) -> Reply:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a full answer: {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Reply(status, headers, body[:length])


def exchange(
    bot: Bot,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Optional[Dict[str, str]] = None,
    length: Optional[int] = None,
    raw_head: Optional[bytes] = None,
    timeout: float = 60,
) -> Reply:
    """One request on a fresh connection; ``length`` declares a Content-Length other than len(body)."""
    port = int(bot.env["BOT_PORT"])
    if raw_head is None:
        fields = {"Host": f"127.0.0.1:{port}", "Connection": "close", **(headers or {})}
        if "Transfer-Encoding" not in fields and (body or length is not None or method in ("POST", "PUT")):
            fields["Content-Length"] = str(len(body) if length is None else length)
        raw_head = (
            f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        ).encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw_head)
        try:
            sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest: that is the point
        return _read_reply(sock)


def post_json(bot: Bot, path: str, payload: Any, headers: Optional[Dict[str, str]] = None) -> Reply:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return exchange(bot, "POST", path, body, {"Content-Type": "application/json", **(headers or {})})


def api(path: str, token: Optional[str] = TOKEN) -> str:
    if token is None:
        return path
    return f"{path}{'&' if '?' in path else '?'}token={urllib.parse.quote(token)}"


# -- what was stored ----------------------------------------------------------


def stored_events(bot: Bot, sender: str) -> List[Tuple[str, Dict[str, Any]]]:
    """Every event the tracker store holds for ``sender``, read from the database itself."""
    path = bot.env["GRACIOUS_TRACKER_DB_URL"].split("sqlite:///", 1)[1]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [(kind, json.loads(data)) for kind, data in rows]


def user_texts(bot: Bot, sender: str) -> List[str]:
    return [data.get("text") for kind, data in stored_events(bot, sender) if kind == "user"]


def assert_nothing_stored(bot: Bot, sender: str) -> None:
    assert stored_events(bot, sender) == [], sender
    # and Rasa's own view agrees (asking creates an empty session, so ask last)
    events = bot.tracker(sender)["events"]
    assert not [e for e in events if e["event"] == "user"], events


def assert_polite_refusal(reply: Reply, status: int, error: Optional[str] = None) -> Dict[str, Any]:
    assert reply.status == status, reply
    assert reply.headers.get("content-type", "").startswith("application/json"), reply.headers
    body = reply.json()
    if error:
        assert body["error"] == error, body
    message = body["message"]
    assert message and (message[0].isupper() or message[0] == "'") and message.rstrip().endswith("."), message
    assert_gracious([{"text": message}])
    return body


# -- 1. body size ---------------------------------------------------------------


def test_a_body_over_64_kib_is_refused_with_413_and_nothing_is_stored(guarded: Bot) -> None:
    sender = new_sender()
    reply = post_json(guarded, "/webhooks/rest/webhook", {"sender": sender, "message": "a" * (LIMIT + 10)})
    body = assert_polite_refusal(reply, 413, "too_large")
    assert "64 KB" in body["message"]
    assert_nothing_stored(guarded, sender)
    # just under the limit is fine (and trimmed as usual)
    reply = post_json(guarded, "/webhooks/rest/webhook", {"sender": sender, "message": "b" * (LIMIT - 100)})
    assert reply.status == 200, reply


def test_a_huge_declared_length_is_refused_before_the_body_arrives(guarded: Bot) -> None:
    """10 GB declared, 1 KB sent: the answer comes at once, no body is awaited or read."""
    start = time.monotonic()
    reply = exchange(
        guarded,
        "POST",
        "/webhooks/rest/webhook",
        b"{" + b" " * 1023,
        {"Content-Type": "application/json"},
        length=10 * 1024**3,
        timeout=15,
    )
    assert_polite_refusal(reply, 413, "too_large")
    assert time.monotonic() - start < 10


def test_a_chunked_body_is_refused_once_it_passes_the_limit(guarded: Bot) -> None:
    sender = new_sender()
    payload = json.dumps({"sender": sender, "message": "c" * (2 * LIMIT)}).encode()
    chunks = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(payload[i : i + 8192]), payload[i : i + 8192]) for i in range(0, len(payload), 8192)
        )
        + b"0\r\n\r\n"
    )
    reply = exchange(
        guarded,
        "POST",
        "/webhooks/rest/webhook",
        chunks,
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    assert_polite_refusal(reply, 413, "too_large")
    assert_nothing_stored(guarded, sender)
    # a small chunked message is accepted
    small = json.dumps({"sender": sender, "message": ""}).encode()
    reply = exchange(
        guarded,
        "POST",
        "/webhooks/rest/webhook",
        b"%x\r\n%s\r\n0\r\n\r\n" % (len(small), small),
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    assert reply.status == 200, reply


def test_desk_socketio_and_unknown_routes_have_the_small_limit_too(guarded: Bot) -> None:
    big = b'{"name": "' + b"x" * (LIMIT + 1) + b'"}'
    for method, path in [
        ("POST", "/desk/login"),
        ("POST", "/desk/api/handoffs/1/reply"),
        ("POST", "/socket.io/?EIO=4&transport=polling"),
        ("POST", api("/model/parse", token="wrong")),  # the API's limit needs its token
        ("PUT", "/model"),
    ]:
        reply = exchange(guarded, method, path, big, {"Content-Type": "application/json"})
        assert_polite_refusal(reply, 413, "too_large")
    # an unknown route answers 404 at once, without reading (or draining) a huge body
    start = time.monotonic()
    reply = exchange(guarded, "POST", "/no/such/route", b"x" * 1024, length=10 * 1024**3, timeout=15)
    assert reply.status == 404 and time.monotonic() - start < 10


def test_the_http_api_with_its_token_keeps_a_large_limit(guarded: Bot) -> None:
    payload = {"text": "my bill is wrong", "padding": "p" * (4 * LIMIT)}
    reply = post_json(guarded, api("/model/parse"), payload)
    assert reply.status == 200, reply
    assert reply.json()["intent"]["name"]


def test_a_length_that_cannot_be_trusted_gets_400(guarded: Bot) -> None:
    port = guarded.env["BOT_PORT"]
    for extra in [
        b"Content-Length: abc\r\n",
        b"Content-Length: -5\r\n",
        b"Content-Length: 2\r\nContent-Length: 200\r\n",
        b"Transfer-Encoding: gzip\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n",
    ]:
        head = (
            (b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n" % port.encode())
            + extra
            + b"\r\n"
        )
        reply = exchange(guarded, "POST", "", b"{}", raw_head=head, timeout=15)
        assert_polite_refusal(reply, 400, "bad_request")


def test_oversized_headers_get_413_too(guarded: Bot) -> None:
    reply = exchange(
        guarded,
        "POST",
        "/webhooks/rest/webhook",
        b"{}",
        {"Content-Type": "application/json", "X-Padding": "p" * 20000},
        timeout=15,
    )
    body = assert_polite_refusal(reply, 413, "too_large")
    assert "headers" in body["message"]


# -- 2. messages per sender -----------------------------------------------------


def test_a_flood_from_one_sender_is_refused_with_429_and_nothing_of_it_is_stored(guarded: Bot) -> None:
    sender, other = new_sender(), new_sender()
    texts = [f"hello number {n}" for n in range(1000)]

    def send(text: str) -> Reply:
        return post_json(guarded, "/webhooks/rest/webhook", {"sender": sender, "message": text})

    start = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(send, texts))
    elapsed = time.monotonic() - start
    accepted = [t for t, r in zip(texts, replies, strict=True) if r.status == 200]
    refused = [r for r in replies if r.status != 200]
    assert BURST <= len(accepted) <= BURST + 1 + elapsed * PER_MINUTE / 60, (len(accepted), elapsed)
    for reply in refused:
        body = assert_polite_refusal(reply, 429, "too_many_messages")
        wait = int(reply.headers["retry-after"])
        assert 1 <= wait <= 60 / PER_MINUTE
        assert f"wait {wait} second" in body["message"]
    # only the accepted messages are in the conversation
    assert sorted(user_texts(guarded, sender)) == sorted(accepted)
    # another conversation is not affected
    assert post_json(guarded, "/webhooks/rest/webhook", {"sender": other, "message": "hello"}).status == 200
    # after the wait, the sender is heard again
    time.sleep(int(refused[-1].headers["retry-after"]) + 0.5)
    reply = send("hello after waiting")
    assert reply.status == 200, reply
    assert "hello after waiting" in user_texts(guarded, sender)


async def _socket_flood(base: str, count: int) -> Tuple[str, List[str]]:
    """A widget session sending ``count`` messages at once: (session id, texts the bot sent)."""
    confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
    said: List[str] = []
    client = socketio.AsyncClient(reconnection=False)
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda data: said.append(data.get("text", "")))
    await client.connect(
        base,
        socketio_path="/socket.io",
        transports=["websocket"],
        headers={"Cookie": f"{BROWSER_COOKIE}={secrets.token_hex(16)}"},
    )
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed, 30)
        for n in range(count):
            await client.emit("user_uttered", {"message": f"hi there {n}", "session_id": session_id})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum("wait a few seconds" in t for t in said) < count - BURST:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
    finally:
        await client.disconnect()
    return session_id, said


def test_a_flood_over_socketio_gets_one_polite_line_each_and_nothing_stored(guarded: Bot) -> None:
    session_id, said = asyncio.run(_socket_flood(guarded.base, BURST + 4))
    notices = [t for t in said if "wait a few seconds" in t]
    assert len(notices) == 4, said
    assert_gracious([{"text": t} for t in notices])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(user_texts(guarded, session_id)) < BURST:
        time.sleep(0.5)
    time.sleep(1)
    assert sorted(user_texts(guarded, session_id)) == [f"hi there {n}" for n in range(BURST)]


# -- 3. malformed JSON, wrong types ----------------------------------------------


def test_every_malformed_body_gets_400_with_a_clear_message_and_nothing_is_stored(guarded: Bot) -> None:
    sender = new_sender()
    cases = [
        b"",
        b"   ",
        b"{not json",
        b'{"sender": "' + sender.encode() + b'", "message": "caf\xe9"}',  # Latin-1, not UTF-8
        b"\xff\xfe\xfa",
        b"[" * 30000 + b"]" * 30000,  # deeper than the parser's recursion limit
        b"[1, 2]",
        b'"just a string"',
        b"42",
        b"null",
        b"true",
        json.dumps({"message": "hi"}).encode(),
        json.dumps({"sender": 12345, "message": "hi"}).encode(),
        json.dumps({"sender": ["a"], "message": "hi"}).encode(),
        json.dumps({"sender": {"id": sender}, "message": "hi"}).encode(),
        json.dumps({"sender": "   ", "message": "hi"}).encode(),
        json.dumps({"sender": sender, "message": ["hi", "there"]}).encode(),
        json.dumps({"sender": sender, "message": {"text": "hi"}}).encode(),
        json.dumps({"sender": sender, "message": 42}).encode(),
        json.dumps({"sender": sender, "message": True}).encode(),
        json.dumps({"sender": sender, "message": "hi", "metadata": "a string"}).encode(),
        json.dumps({"sender": sender, "message": "hi", "metadata": ["a"]}).encode(),
        json.dumps({"sender": sender, "message": "hi", "metadata": 7}).encode(),
    ]
    for body in cases:
        reply = post_json(guarded, "/webhooks/rest/webhook", body)
        assert_polite_refusal(reply, 400, "bad_request")
    assert "UTF-8" in post_json(guarded, "/webhooks/rest/webhook", cases[3]).json()["message"]
    assert "'sender'" in post_json(guarded, "/webhooks/rest/webhook", cases[12]).json()["message"]
    assert "'message'" in post_json(guarded, "/webhooks/rest/webhook", cases[16]).json()["message"]
    assert "'metadata'" in post_json(guarded, "/webhooks/rest/webhook", cases[20]).json()["message"]
    assert_nothing_stored(guarded, sender)
    assert_nothing_stored(guarded, "12345")


# -- 4. the HTTP API's token ----------------------------------------------------


def _api_routes(conversation: str) -> List[Tuple[str, str, Any]]:
    c = f"/conversations/{conversation}"
    return [
        ("GET", "/status", None),
        ("GET", "/domain", None),
        ("GET", f"{c}/tracker", None),
        ("GET", f"{c}/story", None),
        ("POST", f"{c}/tracker/events", {"event": "slot", "name": "policy_id", "value": "forged"}),
        ("PUT", f"{c}/tracker/events", [{"event": "user", "text": "forged"}]),
        ("POST", f"{c}/messages", {"text": "forged", "sender": "user"}),
        ("POST", f"{c}/execute", {"name": "action_apply_alternative"}),
        ("POST", f"{c}/trigger_intent", {"name": "greet"}),
        ("POST", f"{c}/predict", None),
        ("POST", "/model/parse", {"text": "hello"}),
        ("POST", "/model/predict", [{"event": "action", "name": "action_listen"}]),
        ("POST", "/model/train", {"nlu": ""}),
        ("POST", "/model/test/stories", {}),
        ("POST", "/model/test/intents", {}),
        ("PUT", "/model", {"model_file": "/nonexistent/model.tar.gz"}),
        ("DELETE", "/model", None),
    ]


def test_every_http_api_route_refuses_a_missing_or_wrong_token(guarded: Bot) -> None:
    conversation = new_sender()
    status, before = guarded.get("/status")
    assert status == 200 and before["model_id"], before
    for method, path, payload in _api_routes(conversation):
        body = b"" if payload is None else json.dumps(payload).encode()
        for token in (None, "wrong", TOKEN + "x", ""):
            for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):  # the token only counts as ?token=
                reply = exchange(
                    guarded, method, api(path, token), body, {"Content-Type": "application/json", **headers}
                )
                assert reply.status in (401, 403), (method, path, token, reply)
    # nothing changed: no conversation, the same model
    assert stored_events(guarded, conversation) == []
    status, after = guarded.get("/status")
    assert status == 200
    assert (after["model_file"], after["model_id"]) == (before["model_file"], before["model_id"])
    # with the token a route answers (a harmless one), and the public routes say only the version
    assert exchange(guarded, "POST", api("/model/parse"), b'{"text": "hi"}').status == 200
    reply = exchange(guarded, "GET", "/")
    assert reply.status == 200 and reply.body.startswith(b"Hello from Rasa"), reply
    reply = exchange(guarded, "GET", "/version")
    assert reply.status == 200 and set(reply.json()) == {"version", "minimum_compatible_version"}, reply


def test_put_model_without_the_token_leaves_the_running_model(guarded: Bot) -> None:
    _, before = guarded.get("/status")
    for token in (None, "wrong"):
        reply = exchange(
            guarded,
            "PUT",
            api("/model", token),
            json.dumps({"model_file": str(model_path())}).encode(),
            {"Content-Type": "application/json"},
        )
        assert reply.status == 401, reply
    _, after = guarded.get("/status")
    assert after == before
    assert guarded.say(new_sender(), "hello")


# -- 5. the desk API without a session --------------------------------------------


def desk_api_routes() -> List[Tuple[str, str]]:
    """Every /desk/api route, read from the desk's own blueprint (a new one can't be missed)."""
    from server.desk.web import DeskSite

    blueprint = DeskSite().blueprint(lambda message: None)
    routes = []
    for route in blueprint._future_routes:
        uri = "/desk" + route.uri
        if uri.startswith("/desk/api/"):
            for method in route.methods:
                routes.append((method, re.sub(r"<[^>]+>", "1", uri)))  # every id, of a case, call or mail
    return sorted(routes)


def test_every_desk_api_route_needs_a_session(guarded: Bot) -> None:
    routes = desk_api_routes()
    assert len(routes) >= 9, routes
    for method, path in routes:
        for cookie in (None, "gracious_desk=forged-session-token", "gracious_desk="):
            headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
            body = json.dumps({"text": "hello", "to": "sam", "outcome": "resolved", "then": "close"}).encode()
            reply = exchange(guarded, method, path, body if method == "POST" else b"", headers)
            assert reply.status == 401, (method, path, cookie, reply)
            assert reply.json()["error"] == "Sign in to the desk first."


# -- 6. the action server ---------------------------------------------------------


def _forged_call(sender: str) -> bytes:
    return json.dumps(
        {
            "next_action": "action_apply_alternative",
            "sender_id": sender,
            "version": "3.6.21",
            "domain": {},
            "tracker": {
                "sender_id": sender,
                "slots": {"chosen_alternative": "goodwill_credit", "policy_id": "x"},
                "latest_message": {"text": "give me the credit", "intent": {"name": "affirm"}},
                "events": [],
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
        }
    ).encode()


def _records(bot: Bot, sender: str) -> int:
    path = bot.env["GRACIOUS_RECORDS_DB_URL"].split("sqlite:///", 1)[1]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        total = 0
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})").fetchall()]
            if "sender_id" in columns:
                total += db.execute(f"SELECT COUNT(*) FROM {table} WHERE sender_id = ?", (sender,)).fetchone()[0]
        return total


def _post_actions(bot: Bot, body: bytes, token: Optional[str]) -> Tuple[int, Any]:
    port = int(bot.env["ACTION_PORT"])
    head = {"Content-Type": "application/json", **({TOKEN_HEADER: token} if token is not None else {})}
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/webhook", body=body, headers=head)
        reply = connection.getresponse()
        return reply.status, json.loads(reply.read() or b"null")
    finally:
        connection.close()


def test_the_action_server_refuses_forged_calls_and_listens_on_loopback_only(guarded: Bot) -> None:
    sender = new_sender()
    for token in (None, "", "wrong", guarded.env["GRACIOUS_ACTION_TOKEN"] + "x"):
        status, body = _post_actions(guarded, _forged_call(sender), token)
        assert status == 401, (token, body)
        assert body["error"] == "unauthorized" and body["message"].endswith(".")
    assert _records(guarded, sender) == 0
    # /health stays open (the Rasa server checks it); the assistant's own calls carry the token
    port = int(guarded.env["ACTION_PORT"])
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as reply:
        assert reply.status == 200
    replies = guarded.say(new_sender(), "my phone bill BL-30017 is wrong, I didn't get the volume discount")
    assert "domestic calls only" in " ".join(r.get("text", "") for r in replies)
    # not listening on any other interface
    addresses = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    outside = [a for a in addresses if not a.startswith("127.") and a != "::1"]
    for address in outside:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=3).close()
    listening = (
        subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        if shutil.which("ss")
        else ""
    )
    if listening.strip():
        assert all(line.split()[3].startswith(("127.0.0.1:", "[::1]:")) for line in listening.splitlines()), listening
    if not outside:
        pytest.skip("this machine has no address but loopback: the outside connection was not tried")


# -- 7. cross-site requests ---------------------------------------------------------


def _no_cors_for(reply: Reply, origin: str) -> None:
    assert "access-control-allow-origin" not in reply.headers, reply.headers
    assert "access-control-allow-credentials" not in reply.headers, reply.headers


def test_cross_site_requests_with_cookies_change_nothing_and_get_no_cors(guarded: Bot) -> None:
    sender = new_sender()
    evil = {"Origin": EVIL, "Cookie": COOKIES, "Content-Type": "application/json"}
    changes = [
        ("POST", "/webhooks/rest/webhook", {"sender": sender, "message": "hi"}),
        ("POST", "/desk/login", {"name": "sam", "password": "x"}),
        ("POST", "/desk/logout", {}),
        ("POST", "/desk/api/handoffs/1/claim", {}),
        ("POST", api(f"/conversations/{sender}/messages"), {"text": "forged", "sender": "user"}),
        ("POST", api("/model/parse"), {"text": "hi"}),
        ("PUT", api("/model"), {"model_file": "/nonexistent/model.tar.gz"}),
        ("DELETE", api("/model"), None),
        ("POST", "/socket.io/?EIO=4&transport=polling", None),
    ]
    for method, path, payload in changes:
        body = b"" if payload is None else json.dumps(payload).encode()
        reply = exchange(guarded, method, path, body, evil)
        assert_polite_refusal(reply, 403, "cross_site_refused")
        _no_cors_for(reply, EVIL)
        # the preflight a browser would send first is refused too, without CORS headers
        preflight = exchange(
            guarded,
            "OPTIONS",
            path,
            b"",
            {"Origin": EVIL, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type"},
        )
        assert preflight.status == 403, (path, preflight)
        assert not [h for h in preflight.headers if h.startswith("access-control-")], preflight.headers
    assert stored_events(guarded, sender) == []
    # reading: answered (a browser can't read it without CORS), and no CORS for the stranger
    for path in (api("/status"), "/desk/api/queue", "/webhooks/rest/", "/demo/"):
        reply = exchange(guarded, "GET", path, b"", {"Origin": EVIL, "Cookie": COOKIES})
        assert reply.status in (200, 401), (path, reply)
        _no_cors_for(reply, EVIL)
    # socket.io from another site: refused, also as a WebSocket (not covered by CORS)
    assert exchange(guarded, "GET", "/socket.io/?EIO=4&transport=polling", b"", {"Origin": EVIL}).status == 403

    async def connect_from(origin: str) -> None:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(
                guarded.base,
                socketio_path="/socket.io",
                transports=["websocket"],
                headers={"Origin": origin, "Cookie": COOKIES},
            )
        finally:
            await client.disconnect()

    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(connect_from(EVIL))
    asyncio.run(connect_from(guarded.base))  # the widget's own origin connects


def test_same_site_listed_and_server_to_server_requests_still_work(guarded: Bot) -> None:
    for origin in (guarded.base, PARTNER, None):
        sender = new_sender()
        headers = {"Origin": origin} if origin else {}
        reply = post_json(guarded, "/webhooks/rest/webhook", {"sender": sender, "message": "hello"}, headers)
        assert reply.status == 200, (origin, reply)
        assert user_texts(guarded, sender) == ["hello"]
    reply = post_json(guarded, api("/model/parse"), {"text": "hi"}, {"Origin": guarded.base})
    assert reply.status == 200
    # the desk's sign-in from its own page reaches the password check
    reply = post_json(guarded, "/desk/login", {"name": "nobody", "password": "x"}, {"Origin": guarded.base})
    assert reply.status == 401


# -- 8. no customer text in the logs ----------------------------------------------


def _logs(bot: Bot) -> Dict[str, str]:
    folder = Path(bot.env["GRACIOUS_VAR_DIR"]) / "logs"
    return {p.name: p.read_text(errors="replace") for p in folder.glob("*.log")}


def test_no_customer_text_reaches_the_logs_when_things_fail(guarded: Bot) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}x"
    said = f"my email is {marker}@example.com and my bill BL-30017 is wrong {marker}"
    sender = new_sender()
    path = "/webhooks/rest/webhook"
    # oversized, malformed, wrong types
    assert post_json(guarded, path, {"sender": sender, "message": said * 5000}).status == 413
    assert post_json(guarded, path, f'{{"sender": "{sender}", "message": "{said}"'.encode()).status == 400
    assert post_json(guarded, path, {"sender": sender, "message": [said]}).status == 400
    assert post_json(guarded, path, {"sender": sender, "message": said, "metadata": said}).status == 400
    # rate-limited
    flooded = new_sender()
    statuses = [
        post_json(guarded, path, {"sender": flooded, "message": f"{said} {n}"}).status for n in range(BURST + 3)
    ]
    assert statuses.count(429) >= 3
    # the action server refusing the Rasa server's calls (a token that doesn't match)
    servers = guarded.servers
    servers.stop_one("actions")
    real_env = servers.env
    servers.env = dict(real_env, GRACIOUS_ACTION_TOKEN="not-the-shared-secret")
    try:
        servers.start_actions()
        replies = guarded.say(new_sender(), said)
        assert_gracious(replies)
        # a call that breaks an action, with the customer's words in the tracker
        broken = json.dumps(
            {
                "next_action": "action_empathize",
                "version": "3.6.21",
                "tracker": {"sender_id": marker, "latest_message": {"text": said}, "slots": said},
                "domain": said,
            }
        ).encode()
        status, body = _post_actions(guarded, broken, "not-the-shared-secret")
        assert status == 500 and marker not in json.dumps(body), body
    finally:
        servers.stop_one("actions")
        servers.env = real_env
    # the action server down: the message is kept, the customer hears an apology
    down = new_sender()
    replies = guarded.say(down, said)
    assert "contact you today" in replies[0]["text"]  # the email in it was kept for a callback
    assert said in user_texts(guarded, down)
    servers.start_actions()
    assert guarded.say(new_sender(), "hello")

    logs = _logs(guarded)
    assert {"bot.log", "actions.log"} <= set(logs)
    for name, text in logs.items():
        assert marker not in text, f"customer text in {name}"
    # the failures were logged, so the check above looked at something
    assert "Action server unreachable" in logs["bot.log"]
    assert "Handling a message failed" in logs["bot.log"] or "Failed to execute custom action" in logs["bot.log"]
    assert "An action failed" in logs["actions.log"]
