"""The demo website's sign-in against the real servers: over HTTP, then in headless Chromium.

A visitor signs in as a demo customer from the site's own page; the site vouches for
them with a signed identity (gracious/identity.py) that the assistant can verify, and
the widget sends it with every message. Another website cannot sign anyone in or out;
a signed-out visitor, or one with a forged cookie, is a stranger.
"""

from __future__ import annotations

import http.client
import time
import urllib.parse
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from gracious.identity import sign, verified_customer
from gracious.secrets import load_secret
from tests.e2e.conftest import Bot
from tests.helpers.browser import bot_texts, click_first, new_browser, send, shot, wait, wait_for_bot_text
from tests.helpers.demo_site import MAYA, PRIYA, sign_in_as, sign_in_box

COOKIE = "gracious_demo_identity"
EVIL = "https://evil.example"


class Reply:
    def __init__(self, status: int, headers: List[Tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")

    def header(self, name: str) -> Optional[str]:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookie(self) -> Optional[str]:
        """The Set-Cookie line for the identity cookie, if the reply set one."""
        return next((v for k, v in self.headers if k.lower() == "set-cookie" and v.startswith(f"{COOKIE}=")), None)

    def json(self) -> Any:
        import json

        return json.loads(self.body)


def exchange(bot: Bot, method: str, path: str, body: bytes = b"", headers: Optional[Dict[str, str]] = None) -> Reply:
    port = int(bot.env["BOT_PORT"])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        answer = connection.getresponse()
        return Reply(answer.status, answer.getheaders(), answer.read())
    finally:
        connection.close()


def post_form(bot: Bot, path: str, fields: Dict[str, str], **headers: str) -> Reply:
    body = urllib.parse.urlencode(fields).encode()
    sent = {"Content-Type": "application/x-www-form-urlencoded", **{k.replace("_", "-"): v for k, v in headers.items()}}
    return exchange(bot, "POST", path, body, sent)


def own_origin(bot: Bot) -> Dict[str, str]:
    """What a browser sends with a form posted from the demo page itself."""
    return {"Origin": bot.base, "Sec_Fetch_Site": "same-origin"}


def site_secret(bot: Bot) -> bytes:
    """The servers' site secret: GRACIOUS_SITE_SECRET, or the one kept in their var/ (0600)."""
    return load_secret(Path(bot.env["GRACIOUS_VAR_DIR"]), bot.env.get("GRACIOUS_SITE_SECRET"), "site_secret")


def identity_of(bot: Bot, cookie: Optional[str]) -> Reply:
    return exchange(bot, "GET", "/demo/identity", headers={"Cookie": cookie} if cookie else {})


def cookie_value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0].split("=", 1)[1].strip('"')


def post_sign_in(bot: Bot, customer: str) -> Reply:
    return post_form(bot, "/demo/sign-in", {"customer": customer, "next": "/demo/help"}, **own_origin(bot))


# -- over HTTP ---------------------------------------------------------------------


def test_signing_in_as_a_demo_customer_gives_an_identity_the_assistant_verifies(bot: Bot) -> None:
    signed = post_sign_in(bot, "C001")
    assert signed.status == 303 and signed.header("Location") == "/demo/help", (signed.status, signed.text)
    set_cookie = signed.cookie()
    assert set_cookie, signed.headers
    flags = set_cookie.lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/demo" in flags
    token = cookie_value(set_cookie)

    answer = identity_of(bot, f"{COOKIE}={token}")
    assert answer.status == 200 and answer.header("Cache-Control") == "no-store"
    body = answer.json()
    assert body["name"] == "Maya Okafor" and body["customer"] == "C001"
    assert verified_customer(body["identity"], secret=site_secret(bot)) == "C001"
    assert verified_customer(body["identity"], secret=b"some other site's secret") is None

    page = exchange(bot, "GET", "/demo/", headers={"Cookie": f"{COOKIE}={token}"})
    assert page.status == 200 and page.header("Cache-Control") == "no-store"
    assert "Signed in as <strong>Maya Okafor</strong> (bill BL-30017, orders LK-10421, LK-10424)" in page.text
    assert 'action="/demo/sign-out"' in page.text


def test_a_guest_sees_the_demo_customers_and_is_a_stranger(bot: Bot) -> None:
    page = exchange(bot, "GET", "/demo/help")
    assert page.status == 200 and "Demo sign-in" in page.text and "browsing as a guest" in page.text
    for line in (
        "Maya Okafor — bill BL-30017, orders LK-10421, LK-10424",
        "Daniel Reyes — bill BL-30018, orders LK-10422, LK-10425",
        "Priya Natarajan — bill BL-30019, orders LK-10423, LK-10426",
    ):
        assert line in page.text
    assert "form-action 'self'" in page.header("Content-Security-Policy")
    assert "script-src 'self';" in page.header("Content-Security-Policy")

    assert identity_of(bot, None).json() == {}
    # A forged cookie, one signed with another secret, and an expired one: nobody.
    forged = sign("C001", secret=b"guessed")
    expired = sign("C001", lifetime_seconds=-60, secret=site_secret(bot))
    for cookie in ("v1.C001.9999999999." + "0" * 64, forged, expired, "<script>"):
        answer = identity_of(bot, f"{COOKIE}={cookie}")
        assert answer.status == 200 and answer.json() == {}, cookie
        assert (answer.cookie() or "").lower().find("max-age=0") > 0  # and the bad cookie is cleared


def test_signing_out_forgets_the_identity(bot: Bot) -> None:
    token = cookie_value(post_sign_in(bot, "C002").cookie() or "")
    assert identity_of(bot, f"{COOKIE}={token}").json()["customer"] == "C002"
    out = post_form(bot, "/demo/sign-out", {"next": "/demo/"}, Cookie=f"{COOKIE}={token}", **own_origin(bot))
    assert out.status == 303 and out.header("Location") == "/demo/"
    cleared = (out.cookie() or "").lower()
    assert cleared.startswith(f"{COOKIE}=;") or cleared.startswith(f'{COOKIE}="";'), cleared
    assert "max-age=0" in cleared and "path=/demo" in cleared


def test_another_website_cannot_sign_a_visitor_in_or_out(bot: Bot) -> None:
    refusals = [
        post_form(bot, "/demo/sign-in", {"customer": "C001"}, Origin=EVIL),
        post_form(bot, "/demo/sign-in", {"customer": "C001"}, Origin=EVIL, Sec_Fetch_Site="cross-site"),
        post_form(bot, "/demo/sign-in", {"customer": "C001"}, Sec_Fetch_Site="cross-site"),
        post_form(bot, "/demo/sign-in", {"customer": "C001"}, Origin="null"),
        post_form(bot, "/demo/sign-out", {}, Origin=EVIL),
        post_form(bot, "/demo/sign-out", {}, Sec_Fetch_Site="same-site"),
    ]
    for refused in refusals:
        assert refused.status == 403, (refused.status, refused.text)
        assert refused.cookie() is None
        assert "another website" in refused.text
    token = sign("C001", secret=site_secret(bot))
    # Nor read who is signed in: another site's request gets nobody.
    answer = exchange(
        bot, "GET", "/demo/identity", headers={"Cookie": f"{COOKIE}={token}", "Sec-Fetch-Site": "cross-site"}
    )
    assert answer.json() == {} and answer.header("Cross-Origin-Resource-Policy") == "same-origin"


def test_an_unknown_customer_is_refused_politely(bot: Bot) -> None:
    for customer in ("C999", "", "<b>C001</b>", "C001' OR '1'='1"):
        refused = post_sign_in(bot, customer)
        assert refused.status == 400, (customer, refused.status)
        assert refused.cookie() is None
        assert "couldn't find that demo customer" in refused.text and 'href="/demo/help"' in refused.text
        assert "<b>C001" not in refused.text  # what was sent is never echoed as HTML
    # Back to one of our pages only, whatever "next" says.
    away = post_form(bot, "/demo/sign-in", {"customer": "C003", "next": "https://evil.example/"}, **own_origin(bot))
    assert away.status == 303 and away.header("Location") == "/demo/"


# -- in the browser ----------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = new_browser()
    yield driver
    driver.quit()


def session_id(driver: WebDriver) -> Optional[str]:
    return driver.execute_script(
        "var s = JSON.parse(localStorage.getItem('chat_session') || '{}'); return s.session_id || null;"
    )


def metadata_of(bot: Bot, driver: WebDriver, text: str) -> Dict[str, Any]:
    """The metadata Rasa stored with the customer's message ``text`` (waiting for it to arrive)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sender = session_id(driver)
        if sender:
            status, tracker = bot.get(f"/conversations/{sender}/tracker")
            if status == 200:
                said = [e for e in tracker["events"] if e["event"] == "user" and e.get("text") == text]
                if said:
                    return said[-1].get("metadata") or {}
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never reached the assistant")


def open_chat(driver: WebDriver) -> None:
    """Open the chat (unless it is open) and wait for Gracious's greeting."""
    if not driver.find_elements(By.CSS_SELECTOR, ".rw-new-message"):
        click_first(driver, ".rw-launcher")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-new-message"))
    wait_for_bot_text(driver, "Gracious", "demo-sign-in-greeting")


def test_a_visitor_signed_in_as_maya_chats_as_maya_and_signing_out_makes_them_a_guest(
    bot: Bot, browser: WebDriver
) -> None:
    browser.get(f"{bot.base}/demo/")
    assert "Demo sign-in" in sign_in_box(browser)
    shot(browser, "demo-sign-in-as-a-guest")
    sign_in_as(browser, MAYA)
    assert browser.current_url == f"{bot.base}/demo/"
    cookie = browser.get_cookie(COOKIE)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert COOKIE not in browser.execute_script("return document.cookie")  # the page's scripts can't read it

    open_chat(browser)
    assert verified_customer(metadata_of(bot, browser, "/greet").get("identity"), secret=site_secret(bot)) == "C001"
    send(browser, "hello, it's Maya here")
    metadata = metadata_of(bot, browser, "hello, it's Maya here")
    assert verified_customer(metadata.get("identity"), secret=site_secret(bot)) == "C001", metadata
    shot(browser, "demo-signed-in-as-maya")
    mayas = session_id(browser)

    click_first(browser, ".demo-sign-in button[type=submit]")  # Sign out
    wait(browser).until(lambda d: "guest" in sign_in_box(d))
    assert browser.get_cookie(COOKIE) is None
    open_chat(browser)
    assert session_id(browser) != mayas  # whoever uses this browser next starts a conversation of their own
    assert not [t for t in bot_texts(browser) if "Maya" in t]
    send(browser, "hello again, as a guest")
    assert "identity" not in metadata_of(bot, browser, "hello again, as a guest")

    # Signed in from another tab: this tab's next message carries the identity once it is back in view.
    guest_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(f"{bot.base}/demo/help")
    sign_in_as(browser, PRIYA)
    browser.close()
    browser.switch_to.window(guest_tab)
    asked = "return performance.getEntriesByType('resource').filter(function (e) { return e.name.endsWith('/demo/identity'); }).length"
    before = browser.execute_script(asked)
    browser.execute_script("document.dispatchEvent(new Event('visibilitychange'))")
    wait(browser).until(lambda d: d.execute_script(asked) > before)
    time.sleep(0.5)  # the answer read and kept
    send(browser, "it's Priya now")
    metadata = metadata_of(bot, browser, "it's Priya now")
    assert verified_customer(metadata.get("identity"), secret=site_secret(bot)) == "C003", metadata
