"""The desk and handoffs against abuse, end to end: real servers with the proxy secret, our real
nginx in front of them, agents (one a lead) in the desk, customers over REST and in the widget.

Addresses: a request straight to the server that carries ``Forwarded: ...;secret=<ours>`` is
what our nginx sends, so the tests play customers and agents at different addresses that way;
through nginx everyone is 127.0.0.1, whatever headers they forge.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from selenium.webdriver.common.by import By

from launch.cluster.nginx import nginx_config
from launch.cluster.services import Nginx
from launch.launcher import Servers, free_port
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, model_path, server_env, texts
from tests.helpers.browser import click_first, new_browser, send, wait, wait_for_bot_text
from tests.helpers.domain import variations

SECRET = "e2e-proxy-secret-0123456789"
PER_ADDRESS = 3


class Deployment:
    def __init__(self, bot: Bot, proxy: str) -> None:
        self.bot = bot
        self.base = bot.base
        self.proxy = proxy
        self.records = Path(bot.env["GRACIOUS_RECORDS_DB_URL"].removeprefix("sqlite:///"))

    def rows(self, query: str, *args: Any) -> List[Tuple[Any, ...]]:
        with sqlite3.connect(self.records) as conn:
            return conn.execute(query, args).fetchall()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    var = tmp_path_factory.mktemp("desk-abuse-var")
    env = server_env(
        var,
        GRACIOUS_CARE_HOURS="mon-sun 0-24",
        GRACIOUS_PROXY_SECRET=SECRET,
        GRACIOUS_HANDOFFS_PER_ADDRESS=str(PER_ADDRESS),
    )
    store = DeskStore(env["GRACIOUS_RECORDS_DB_URL"])
    asyncio.run(store.add_agent("sam", "Sam Lee", PASSWORD))
    asyncio.run(store.add_agent("ana", "Ana Ruiz", PASSWORD))
    asyncio.run(store.add_agent("lee", "Lee Park", PASSWORD, lead=True))
    store.engine.dispose()
    servers = Servers(model_path(), env, log_dir=var / "logs")
    servers.start()
    port = free_port()
    nginx = Nginx(port, var / "nginx", nginx_config(port, [int(env["BOT_PORT"])], var / "nginx", SECRET))
    try:
        nginx.start()
        yield Deployment(Bot(servers, env), f"http://127.0.0.1:{port}")
    finally:
        nginx.stop()
        servers.stop()


def from_address(address: str, https: bool = False) -> Dict[str, str]:
    """What our nginx adds for a client at ``address``."""
    return {"Forwarded": f'for="{address}";proto={"https" if https else "http"};secret={SECRET}'}


def call(
    base: str, path: str, body: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Any, Any]:
    """(status, response headers, JSON body) of one request, without a cookie jar."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, reply.headers, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


def sign_in(base: str, name: str, password: str, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
    status, reply_headers, _ = call(base, "/desk/login", {"name": name, "password": password}, headers)
    return status, reply_headers


def say(deployment: Deployment, sender: str, text: str, address: str) -> List[Dict[str, Any]]:
    status, _, body = call(
        deployment.base, "/webhooks/rest/webhook", {"sender": sender, "message": text}, from_address(address)
    )
    assert status == 200, body
    return body


def test_five_wrong_passwords_from_one_address_do_not_lock_the_agent_out_from_another(deployment):
    for attempt in range(5):
        status, _ = sign_in(deployment.base, "sam", f"a guess number {attempt}", from_address("203.0.113.66"))
        assert status == 401
    assert sign_in(deployment.base, "sam", PASSWORD, from_address("203.0.113.66"))[0] == 429
    # Sam, at their own desk, gets in.
    assert sign_in(deployment.base, "sam", PASSWORD, from_address("192.0.2.10"))[0] == 200
    assert deployment.rows("SELECT DISTINCT client FROM login_failures WHERE name = 'sam'") == [("203.0.113.66",)]


def test_through_our_nginx_a_forged_forwarded_or_x_forwarded_for_is_ignored(deployment):
    forged = [
        {"X-Forwarded-For": "198.51.100.1"},
        {"Forwarded": "for=198.51.100.2"},
        {"Forwarded": "for=198.51.100.3;secret=a-guessed-secret", "X-Real-IP": "198.51.100.3"},
    ]
    for headers in forged:
        assert sign_in(deployment.proxy, "ana", "not her password", headers)[0] == 401
    # Each failure is the address nginx saw, never the one the client wrote.
    assert deployment.rows("SELECT client FROM login_failures WHERE name = 'ana'") == [("127.0.0.1",)] * 3
    # And through nginx the real agent still signs in.
    assert sign_in(deployment.proxy, "ana", PASSWORD)[0] == 200


def test_the_desk_cookie_is_secure_over_https_only(deployment):
    _, over_https = sign_in(deployment.base, "lee", PASSWORD, from_address("192.0.2.20", https=True))
    _, over_http = sign_in(deployment.base, "lee", PASSWORD, from_address("192.0.2.20"))
    _, forged = sign_in(deployment.proxy, "lee", PASSWORD, {"X-Forwarded-Proto": "https", "Forwarded": "proto=https"})
    assert "secure" in over_https["Set-Cookie"].lower().split("; ")
    assert "httponly" in over_https["Set-Cookie"].lower()
    for cookie in (over_http["Set-Cookie"], forged["Set-Cookie"]):
        assert "secure" not in cookie.lower().split("; ")


def queued_for(deployment: Deployment, senders: List[str]) -> List[Tuple[Any, ...]]:
    marks = ",".join("?" * len(senders))
    return deployment.rows(f"SELECT sender_id FROM handoffs WHERE sender_id IN ({marks}) ORDER BY id", *senders)


def test_a_flood_of_handoffs_from_one_address_is_refused_beyond_the_limit_with_a_polite_answer(deployment):
    flood = [f"flood-{uuid.uuid4().hex[:8]}" for _ in range(PER_ADDRESS + 2)]
    for sender in flood[:PER_ADDRESS]:
        say(deployment, sender, "I want to speak to a person", "198.51.100.99")
    # Asking again joins the open handoff: no second entry in the queue.
    say(deployment, flood[0], "a real person please", "198.51.100.99")
    assert queued_for(deployment, flood) == [(s,) for s in flood[:PER_ADDRESS]]

    refused = texts(say(deployment, flood[PER_ADDRESS], "I want to speak to a person", "198.51.100.99"))
    assert refused.startswith(variations("utter_handoff_limited")[0])
    assert "call" in refused and "email" in refused
    assert queued_for(deployment, flood) == [(s,) for s in flood[:PER_ADDRESS]]
    # Nothing the customer said is lost.
    said = [e.get("text") for e in deployment.bot.tracker(flood[PER_ADDRESS])["events"] if e["event"] == "user"]
    assert "I want to speak to a person" in said
    # Another address still reaches the queue.
    say(deployment, flood[-1], "I want to speak to a person", "198.51.100.100")
    assert queued_for(deployment, flood)[-1] == (flood[-1],)


def finished_case(deployment: Deployment, sam: DeskClient) -> int:
    sender = f"finished-{uuid.uuid4().hex[:8]}"
    say(deployment, sender, "I want to speak to a person", "192.0.2.77")
    [(handoff,)] = deployment.rows("SELECT id FROM handoffs WHERE sender_id = ?", sender)
    assert sam.call(f"/desk/api/handoffs/{handoff}/claim", {})[0] == 200
    status, _ = sam.call(f"/desk/api/handoffs/{handoff}/finish", {"outcome": "resolved", "then": "close"})
    assert status == 200
    return handoff


def test_a_plain_agent_cannot_read_or_annotate_another_agents_finished_case_and_a_lead_can(deployment):
    sam, ana, lee = (DeskClient(deployment.base) for _ in range(3))
    sam.sign_in("sam")
    ana.sign_in("ana")
    lee.sign_in("lee")
    handoff = finished_case(deployment, sam)

    assert ana.call(f"/desk/api/handoffs/{handoff}")[0] == 404
    assert ana.call(f"/desk/api/handoffs/{handoff}/notes", {"text": "just looking"})[0] == 404
    status, case = lee.call(f"/desk/api/handoffs/{handoff}")
    assert status == 200 and case["agent"] == "sam" and case["outcome"] == "resolved"
    assert lee.call(f"/desk/api/handoffs/{handoff}/notes", {"text": "Good close, Sam"})[0] == 200
    status, case = sam.call(f"/desk/api/handoffs/{handoff}")
    assert status == 200 and [n["text"] for n in case["notes"]] == ["Good close, Sam"]
    assert lee.call("/desk/api/me")[1]["lead"] is True and ana.call("/desk/api/me")[1]["lead"] is False


def test_an_agents_javascript_link_reaches_the_widget_as_plain_text_and_a_long_word_wraps(deployment):
    customer, agent_browser = new_browser(), new_browser()
    sam = DeskClient(deployment.base)
    sam.sign_in("sam")
    long_word = "refund" * 333  # 1,998 characters, one word
    try:
        customer.get(f"{deployment.base}/demo/")
        click_first(customer, ".rw-launcher")
        wait_for_bot_text(customer, "Gracious", "abuse-greeting")
        send(customer, "I want to talk to a real person")
        wait_for_bot_text(customer, "queue", "abuse-queued")
        send(customer, long_word)
        [(handoff, sender)] = deployment.rows(
            "SELECT id, sender_id FROM handoffs WHERE client_address = '127.0.0.1' ORDER BY id DESC LIMIT 1"
        )
        assert sam.call(f"/desk/api/handoffs/{handoff}/claim", {})[0] == 200
        trick = "Here is [your refund](javascript:alert(document.cookie)) and <a href='data:text/html,x'>this</a>"
        assert sam.call(f"/desk/api/handoffs/{handoff}/reply", {"text": trick})[0] == 200

        wait_for_bot_text(customer, "your refund", "abuse-agent-link")
        links = customer.find_elements(By.CSS_SELECTOR, ".rw-response a")
        assert not [a.get_attribute("href") for a in links if "javascript" in (a.get_attribute("href") or "")]
        assert not [a for a in links if "data:" in (a.get_attribute("href") or "")]
        kept = [e["text"] for e in deployment.bot.tracker(sender)["events"] if e["event"] == "bot"][-1]
        assert kept == "Here is your refund and this"

        # The agent's desk, with the customer's 2,000-character word in the transcript.
        agent_browser.get(f"{deployment.base}/desk/login")
        agent_browser.find_element(By.ID, "name").send_keys("sam")
        agent_browser.find_element(By.ID, "password").send_keys(PASSWORD)
        agent_browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait(agent_browser).until(lambda d: d.find_element(By.ID, "me").text == "Sam Lee")
        click_first(agent_browser, f'#queue li[data-handoff="{handoff}"] button')
        wait(agent_browser).until(lambda d: long_word[:50] in d.find_element(By.ID, "transcript").text)
        wait(agent_browser).until(lambda d: "erified" in d.find_element(By.ID, "summary").text)
        widths = agent_browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
    finally:
        customer.quit()
        agent_browser.quit()
