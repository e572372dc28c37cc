"""The website widget for everyone, in headless Chromium against the real servers:
keyboard focus you can see, labels that say what a control does (and how many messages
came while the chat was closed), Esc to close, a send button you can find, no serious or
critical axe-core violations, and a pace that shows a four-message answer in about a
second. Screenshots go to artifacts/screenshots/a11y-*.png.

The first test checks the axe-core helper itself (tests/helpers/axe.py) on a page of
its own with a strict Content-Security-Policy like the site's: it must find what is
wrong, or its silence on the real pages would mean nothing.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, List

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from tests.e2e.conftest import TOKEN, Bot
from tests.helpers.axe import assert_no_serious, violations
from tests.helpers.browser import bot_texts, new_browser, send, shot, wait, wait_for_bot_text
from tests.helpers.domain import variations

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'"


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = new_browser()
    yield driver
    driver.quit()


def data_page(body: str) -> str:
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{STRICT_CSP}">'
        f"<title>axe check</title></head><body><main><h1>A page</h1>{body}</main></body></html>"
    )
    return "data:text/html;charset=utf-8," + urllib.parse.quote(page)


def test_axe_runs_under_a_strict_csp_and_finds_what_is_wrong(browser: WebDriver) -> None:
    browser.get(data_page('<img src="x.png"><button></button><button>Send</button>'))
    found = {v["id"]: v for v in violations(browser)}
    assert set(found) == {"image-alt", "button-name"}, found
    assert found["button-name"]["nodes"][0]["html"] == "<button></button>"  # the unnamed one, not "Send"
    with pytest.raises(AssertionError, match=r"(?s)2 serious/critical.*button-name.*image-alt"):
        assert_no_serious(browser, "a broken page")

    browser.get(data_page('<img src="x.png" alt="Our shop"><button>Send</button>'))
    assert violations(browser) == []
    assert_no_serious(browser, "a fixed page")


# --- the widget on the demo website ---------------------------------------------------

# A complaint with two issues: the answer is four bubbles (empathy, "two things, one at
# a time", the coffee's apology and remedy, the options as buttons).
FOUR_BUBBLES = "my coffee was cold and the barista was rude"
BOT_BUBBLES = ".rw-from-response .rw-message:not(.rw-typing-indication)"


def launcher(driver: WebDriver) -> WebElement:
    return wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".rw-launcher"))


def chat_is_open(driver: WebDriver) -> bool:
    return bool(driver.find_elements(By.CSS_SELECTOR, ".rw-conversation-container"))


def launcher_label(driver: WebDriver, words: str) -> str:
    """Wait until the chat button's accessible name is ``words``; the name it has."""
    try:
        wait(driver).until(lambda d: launcher(d).get_attribute("aria-label") == words)
    except TimeoutException:
        pass
    return launcher(driver).get_attribute("aria-label") or ""


def tab_to_launcher(driver: WebDriver) -> None:
    for _ in range(30):
        if driver.switch_to.active_element == launcher(driver):
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError("the chat button can't be reached by keyboard")


def ring(driver: WebDriver, element: WebElement) -> Dict[str, str]:
    return driver.execute_script(
        "var s = getComputedStyle(arguments[0]);"
        "return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, shadow: s.boxShadow};",
        element,
    )


def open_demo(driver: WebDriver, base: str, page: str = "") -> None:
    driver.get(f"{base}/demo/{page}")
    launcher(driver)


def open_chat(driver: WebDriver) -> None:
    launcher(driver).click()
    wait_for_bot_text(driver, "Gracious", "a11y-greeting")


def test_the_chat_button_shows_keyboard_focus_and_says_what_it_will_do(bot: Bot, browser: WebDriver) -> None:
    open_demo(browser, bot.base)
    assert launcher_label(browser, "Open the chat") == "Open the chat"  # on the first render
    unfocused = ring(browser, launcher(browser))
    tab_to_launcher(browser)
    focused = ring(browser, launcher(browser))
    shot(browser, "a11y-1-chat-button-keyboard-focus")
    assert focused["style"] != "none" and float(focused["width"].rstrip("px")) >= 2, focused
    assert focused != unfocused, "keyboard focus changes nothing you can see on the chat button"

    launcher(browser).send_keys(Keys.ENTER)
    wait_for_bot_text(browser, "Gracious", "a11y-open-by-keyboard")
    assert launcher_label(browser, "Close the chat") == "Close the chat"
    launcher(browser).click()
    wait(browser).until(lambda d: not chat_is_open(d))
    assert launcher_label(browser, "Open the chat") == "Open the chat"

    launcher(browser).click()
    wait(browser).until(chat_is_open)
    browser.refresh()  # the widget restores the open chat: the button's name says so from the start
    wait(browser).until(chat_is_open)
    assert launcher_label(browser, "Close the chat") == "Close the chat"


def test_esc_closes_the_chat_and_focus_returns_to_the_chat_button(bot: Bot, browser: WebDriver) -> None:
    open_demo(browser, bot.base)
    open_chat(browser)
    box = browser.find_element(By.CSS_SELECTOR, ".rw-new-message")
    box.send_keys("half a thought")
    box.send_keys(Keys.ESCAPE)
    wait(browser).until(lambda d: not chat_is_open(d))
    wait(browser).until(lambda d: d.switch_to.active_element == launcher(d))
    assert launcher_label(browser, "Open the chat") == "Open the chat"
    launcher(browser).send_keys(Keys.ESCAPE)  # closed already: Esc changes nothing
    assert not chat_is_open(browser)

    phone = new_browser(390, 844, phone=True)  # the chat fills the screen and hides the chat button
    try:
        open_demo(phone, bot.base)
        open_chat(phone)
        assert not launcher(phone).is_displayed()
        phone.find_element(By.CSS_SELECTOR, ".rw-new-message").send_keys(Keys.ESCAPE)
        wait(phone).until(lambda d: not chat_is_open(d))
        wait(phone).until(lambda d: d.switch_to.active_element == launcher(d))
        assert launcher(phone).is_displayed()
    finally:
        phone.quit()


def alpha(colour: str) -> float:
    """The opacity of a computed colour ("rgb(1, 2, 3)", "rgba(0, 0, 0, 0)", "none")."""
    numbers = re.findall(r"[\d.]+", colour)
    if colour == "none" or len(numbers) < 3:
        return 0.0
    return float(numbers[3]) if len(numbers) > 3 else 1.0


def test_the_send_button_is_visible_before_typing(bot: Bot, browser: WebDriver) -> None:
    open_demo(browser, bot.base)
    open_chat(browser)
    button = browser.find_element(By.CSS_SELECTOR, ".rw-send")
    icon = browser.find_element(By.CSS_SELECTOR, ".rw-send path")
    assert button.get_attribute("aria-label") == "Send"
    assert button.is_displayed() and button.size["width"] >= 24 and button.size["height"] >= 24
    empty_fill = browser.execute_script("return getComputedStyle(arguments[0]).fill", icon)
    assert alpha(empty_fill) == 1.0, f"the send icon is see-through before typing: {empty_fill}"
    assert not button.is_enabled()  # nothing to send yet: there, and plainly not ready
    browser.find_element(By.CSS_SELECTOR, ".rw-new-message").send_keys("hello")
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, ".rw-send").is_enabled())
    ready_fill = browser.execute_script("return getComputedStyle(document.querySelector('.rw-send path')).fill")
    assert alpha(ready_fill) == 1.0 and ready_fill != empty_fill  # it changes when there is something to send
    shot(browser, "a11y-2-send-button")


def test_axe_finds_no_serious_violations_on_the_demo_and_help_pages(bot: Bot, browser: WebDriver) -> None:
    open_demo(browser, bot.base)
    assert_no_serious(browser, "the demo page, chat closed")
    open_chat(browser)
    assert_no_serious(browser, "the demo page, chat open")
    send(browser, FOUR_BUBBLES)
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-reply"))
    shot(browser, "a11y-3-chat-with-buttons")
    assert_no_serious(browser, "the demo page, a conversation with reply buttons")
    open_demo(browser, bot.base, "help")
    assert_no_serious(browser, "the help page (the conversation restored)")
    if not chat_is_open(browser):
        launcher(browser).click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-reply"))
    assert_no_serious(browser, "the help page, chat open with reply buttons")


def say_into_widget(bot: Bot, session: str, response: str) -> None:
    """The assistant says ``response`` into the session's widget unprompted (Rasa's HTTP API,
    out through the socket channel to every tab of the session), as an agent's reply or an
    order's news would come while the customer has the chat closed."""
    url = f"{bot.base}/conversations/{session}/execute?output_channel=latest&token={TOKEN}"
    request = urllib.request.Request(
        url, data=json.dumps({"name": response}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert reply.status == 200


def test_a_message_while_the_chat_is_closed_is_counted_on_the_chat_button(bot: Bot, browser: WebDriver) -> None:
    open_demo(browser, bot.base)
    open_chat(browser)
    browser.find_element(By.CSS_SELECTOR, ".rw-new-message").send_keys(Keys.ESCAPE)
    wait(browser).until(lambda d: not chat_is_open(d))
    session = browser.execute_script("return JSON.parse(localStorage.getItem('chat_session')).session_id")
    say_into_widget(bot, session, "utter_anything_else")
    assert launcher_label(browser, "Open the chat, 1 new message") == "Open the chat, 1 new message"
    assert launcher(browser).text.strip() == "1"  # the badge
    # No preview inside the chat button (rasa-webchat's has buttons no keyboard can reach).
    assert not browser.find_elements(By.CSS_SELECTOR, ".rw-launcher button, .rw-launcher [tabindex]")
    shot(browser, "a11y-4-new-message-while-closed")
    assert_no_serious(browser, "the demo page, chat closed with a new message")
    launcher(browser).click()
    wait_for_bot_text(browser, variations("utter_anything_else"), "a11y-news-shown")
    assert launcher_label(browser, "Close the chat") == "Close the chat"


# Timestamps (performance.now(), ms) whenever the number of bot bubbles or reply buttons
# changes, and whether the typing indicator showed, taken in the page as it happens.
WATCH = """
var bubbleSelector = arguments[0];
var count = function (selector) { return document.querySelectorAll(selector).length; };
var last = {bubbles: count(bubbleSelector), buttons: count(".rw-reply")};
window.__before = last.bubbles; window.__shown = []; window.__typingAt = [];
new MutationObserver(function () {
  var now = performance.now(), bubbles = count(bubbleSelector), buttons = count(".rw-reply");
  if (document.querySelector(".rw-typing-indication")) window.__typingAt.push(now);
  if (bubbles !== last.bubbles || buttons !== last.buttons) {
    window.__shown.push({at: now, bubbles: bubbles, buttons: buttons});
    last = {bubbles: bubbles, buttons: buttons};
  }
}).observe(document.body, {childList: true, subtree: true});
"""


def test_a_four_message_answer_is_fully_shown_within_two_seconds(bot: Bot, browser: WebDriver) -> None:
    open_demo(browser, bot.base)
    open_chat(browser)
    browser.execute_script(WATCH, BOT_BUBBLES)
    send(browser, FOUR_BUBBLES)
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-reply"))  # the options come last
    shown: List[Dict[str, Any]] = browser.execute_script("return window.__shown")
    before = browser.execute_script("return window.__before")
    new = [s for s in shown if s["bubbles"] > before]
    assert new and new[-1]["bubbles"] - before >= 4, f"the answer was not four bubbles: {shown}, {bot_texts(browser)}"
    first, last = new[0]["at"], max(s["at"] for s in shown)
    assert last - first <= 2000, f"the answer took {last - first:.0f} ms to show after its first bubble: {shown}"
    typing = browser.execute_script("return window.__typingAt")
    assert any(first < t < last for t in typing), "no typing indicator between the messages"
