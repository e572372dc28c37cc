"""The real action server and Rasa server, started once for the end-to-end tests."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sqlite3
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import yaml

from gracious import identity
from gracious.blame import blaming_phrases, lecturing
from gracious.references import find
from launch.launcher import ROOT, Servers, isolated_env

TOKEN = "e2e-test-token"
# Every agent account the tests make signs in with this.
PASSWORD = "correct horse battery"


def model_path() -> Path:
    if os.environ.get("GRACIOUS_MODEL"):
        return Path(os.environ["GRACIOUS_MODEL"])
    from scripts.model import ensure_model

    return ensure_model()


# Who a customer is signed in as before the conversation names a demo record of someone's.
DEFAULT_CUSTOMER = "C001"
# The servers' site secret: the tests sign identities as the company's website would.
SITE_SECRET = "e2e-site-secret-for-signed-identities"


@lru_cache(maxsize=1)
def demo_owners() -> Dict[str, str]:
    """Each demo bill and order, and the customer it belongs to (demo/company.yml)."""
    demo = yaml.safe_load((ROOT / "demo" / "company.yml").read_text(encoding="utf-8"))
    return {r["id"]: r["customer"] for r in demo["orders"] + demo["bills"]}


def owner_named_in(message: Any) -> Optional[str]:
    """The customer whose demo bill or order the message names ("LK-10421", "bill 30017")."""
    if not isinstance(message, str):
        return None
    for found in find(message):
        if found.entity == "order_id":
            value = found.value.upper()
            for reference in [value] if "-" in value else [f"BL-{value}", f"LK-{value}"]:
                if reference in demo_owners():
                    return demo_owners()[reference]
    return None


class Bot:
    """A client for the running assistant, as a customer and as the API.

    A customer plays one signed in on the company's website: each message carries the
    signed identity of the owner of the first demo record the conversation names (Maya,
    until one is named), as the demo website's sign-in would. ``sign_in(sender, None)`` plays a stranger
    (tests/e2e/test_verification.py), ``sign_in(sender, "C002")`` someone else.
    """

    def __init__(self, servers: Servers, env: Dict[str, str]) -> None:
        self.servers = servers
        self.env = env
        self.base = f"http://127.0.0.1:{env['BOT_PORT']}"
        self.signed_in: Dict[str, Optional[str]] = {}

    def sign_in(self, sender: str, customer_id: Optional[str]) -> None:
        self.signed_in[sender] = customer_id

    def chats(self, sender: str, customer_id: str, count: int = 2) -> List[str]:
        """``count`` chats of one customer, signed in, one after another ("-a", "-b", ...)."""
        names = [f"{sender}-{chr(ord('a') + i)}" for i in range(count)]
        for name in names:
            self.sign_in(name, customer_id)
        return names

    def metadata(self, sender: str, message: Any) -> Optional[Dict[str, str]]:
        """What the website would send with this message: the signed-in customer's identity."""
        if sender not in self.signed_in and owner_named_in(message):
            self.signed_in[sender] = owner_named_in(message)
        customer = self.signed_in.get(sender, DEFAULT_CUSTOMER)  # until a record is named
        secret = self.env.get("GRACIOUS_SITE_SECRET", SITE_SECRET).encode()
        return {"identity": identity.sign(customer, secret=secret)} if customer else None

    def post_raw(self, body: bytes, content_type: str = "application/json") -> tuple:
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.status, json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def say(self, sender: str, message: Any) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"sender": sender, "message": message}
        metadata = self.metadata(sender, message)
        if metadata:
            body["metadata"] = metadata
        status, body = self.post_raw(json.dumps(body).encode())
        assert status == 200, body
        return body

    def get(self, path: str, token: Optional[str] = TOKEN) -> tuple:
        url = f"{self.base}{path}" + (f"{'&' if '?' in path else '?'}token={token}" if token else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def tracker(self, sender: str) -> Dict[str, Any]:
        status, body = self.get(f"/conversations/{sender}/tracker")
        assert status == 200, body
        return body

    def actions(self, sender: str) -> List[str]:
        skip = {"action_listen", "action_session_start", "action_extract_slots", None}
        return [
            e.get("name")
            for e in self.tracker(sender)["events"]
            if e["event"] == "action" and e.get("name") not in skip
        ]


class DeskClient:
    """The desk's JSON API with a cookie jar, as an agent's browser would use it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def call(self, path: str, body: Optional[Dict[str, Any]] = None, origin: Optional[str] = None) -> Tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": "application/json"})
        if origin:
            request.add_header("Origin", origin)
        try:
            with self.opener.open(request, timeout=30) as reply:
                return reply.status, json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def sign_in(self, name: str = "sam") -> None:
        status, body = self.call("/desk/login", {"name": name, "password": PASSWORD})
        assert status == 200, body


# The tests talk faster than any customer (83 turns of one conversation in seconds):
# a per-sender message limit far above them. tests/e2e/test_abuse.py sets its own.
# Every test writes from 127.0.0.1: handoffs per address far above them too
# (tests/e2e/test_desk_abuse.py sets its own).
FAST_SENDERS = {
    "GRACIOUS_SENDER_BURST": "100000",
    "GRACIOUS_SENDER_PER_MINUTE": "100000",
    "GRACIOUS_HANDOFFS_PER_ADDRESS": "100000",
    "GRACIOUS_ACCOUNT_CHECKS_PER_ADDRESS": "100000",
}


# The scheduled late-order check is off: its tick, at a moment no test chooses, would speak into
# whichever test's widget is signed in as Priya (LK-10423 is late). Its tests call it directly
# (tests/company/test_late_check.py); order news is tested by POSTing events.
QUIET_CHECKS = {"GRACIOUS_LATE_CHECK_SECONDS": "0"}


def server_env(var: Path, **extra: str) -> Dict[str, str]:
    """The servers' environment for a test: free ports, fresh SQLite files in ``var``, the API on."""
    site = {"GRACIOUS_SITE_SECRET": SITE_SECRET, "GRACIOUS_DEMO_SIGN_IN": "1"}  # the demo website, as make run has it
    return isolated_env(var, RASA_AUTH_TOKEN=TOKEN, **{**site, **FAST_SENDERS, **QUIET_CHECKS, **extra})


@contextmanager
def running_servers(var: Path, **extra: str) -> Iterator[Bot]:
    """The Rasa server (and the action server, GRACIOUS_ACTIONS=server) on free ports, files in ``var``, stopped after."""
    env = server_env(var, **extra)
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


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """The servers most end-to-end tests share. No test stops them (tests/e2e/test_restarts.py
    has servers of its own); no agent has signed in to a desk, so handoffs book callbacks."""
    with running_servers(tmp_path_factory.mktemp("var")) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_grants(request: pytest.FixtureRequest) -> None:
    """Each end-to-end test starts with nothing granted yet.

    A credit or refund is granted once per bill or order across all conversations
    (gracious/stores/grants.py), and the tests share the demo company's records: without
    this, the second test to credit BL-30017 would hear that it was already done.
    """
    if "bot" not in request.fixturenames:
        return
    company_db = Path(request.getfixturevalue("bot").env["GRACIOUS_COMPANY_DB_URL"].removeprefix("sqlite:///"))
    if not company_db.exists():
        return
    demo = yaml.safe_load((ROOT / "demo" / "company.yml").read_text(encoding="utf-8"))
    with sqlite3.connect(company_db) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'grants'").fetchone():
            return  # the servers have just started and made only some tables: nothing granted yet
        conn.execute("DELETE FROM grants")
        conn.execute("DELETE FROM account_checks")  # every test writes from 127.0.0.1
        # Each test starts with nobody told about an order, as a test of order news expects.
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'order_notices'").fetchone():
            conn.execute("DELETE FROM order_notices")
        # Nobody signed up for an order's updates yet (promised.updates_already_on reads the outbox).
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'outbox'").fetchone():
            conn.execute("DELETE FROM outbox WHERE topic = 'delivery_updates'")
        for coupon in demo.get("coupons") or []:
            conn.execute(
                "UPDATE coupons SET goodwill_honoured = ? WHERE code = ?",
                (bool(coupon.get("goodwill_honoured")), coupon["code"]),
            )
    # Nobody has a call booked yet: another chat of the same customer finds their calls
    # (actions/callback_cancel.py calls_elsewhere), so one test's call is never the next one's.
    records_db = Path(request.getfixturevalue("bot").env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))
    if records_db.exists():
        with sqlite3.connect(records_db) as conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'callbacks'").fetchone():
                conn.execute("UPDATE callbacks SET status = 'cancelled' WHERE status = 'booked'")


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def texts(replies: List[Dict[str, Any]]) -> str:
    """Every reply's text, joined: what the customer read."""
    return " ".join(r.get("text") or "" for r in replies)


def buttons(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Every button of every reply, in order."""
    return [b for r in replies for b in r.get("buttons") or []]


def choose(bot: Bot, sender: str, replies: List[Dict[str, Any]], alternative: str) -> List[Dict[str, Any]]:
    """Click the button for ``alternative`` among ``replies``' buttons (it must be one of them)."""
    payload = "/choose_alternative" + json.dumps({"alternative": alternative})
    offered = [b["payload"] for b in buttons(replies)]
    assert payload in offered, offered
    return bot.say(sender, payload)


def assert_gracious(replies: List[Dict[str, Any]]) -> None:
    """The customer heard something, and every reply is text with no blame or lecture, no template
    name, no unfilled placeholder; every button has a title and a payload."""
    assert replies, "no reply at all: the customer heard nothing"
    for reply in replies:
        text = reply.get("text") or ""
        assert text.strip(), f"a reply without text: {reply}"
        assert not blaming_phrases(text), f"blaming phrases {blaming_phrases(text)} in {text!r}"
        assert not lecturing(text), f"lecturing {[said for _, said in lecturing(text)]} in {text!r}"
        assert "utter_" not in text and not re.search(r"{\w+}", text), text
        for button in reply.get("buttons") or []:
            title = button.get("title") or ""
            assert title.strip() and "utter_" not in title and "{" not in title, button
            assert (button.get("payload") or "").strip(), f"a button that does nothing: {button}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The conversation panel's pass counts per file and move, when it ran."""
    from tests.e2e.panel import SUMMARY

    if SUMMARY:
        terminalreporter.write_sep("-", "conversation panel (tests/conversations)")
        for line in SUMMARY:
            terminalreporter.write_line(line)
