"""The website widget in headless Chromium, against the real servers.

A customer opens the demo page, opens the chat by keyboard, disputes a bill, sees
empathy and the alternatives as buttons, clicks one, reloads and finds the same
conversation, and types HTML that must show as text. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest
import socketio
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.conftest import Bot
from tests.helpers.browser import bot_texts, click_first, new_browser, send, shot, wait, wait_for_bot_text
from tests.helpers.demo_site import MAYA, sign_in_as
from tests.helpers.domain import variations


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = new_browser()
    yield driver
    driver.quit()


def open_chat_by_keyboard(driver: WebDriver) -> None:
    launcher = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".rw-launcher"))
    assert launcher.get_attribute("aria-label"), "the chat button has no label for screen readers"
    for _ in range(30):  # Tab through the page until the chat button has focus
        if driver.switch_to.active_element == launcher:
            break
        ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element == launcher, "the chat button can't be reached by keyboard"
    launcher.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-new-message"))


def open_chat(driver: WebDriver, base: str, name: str) -> None:
    """Open the demo page, click the chat button, wait for the greeting."""
    driver.get(f"{base}/demo/")
    click_first(driver, ".rw-launcher")
    wait_for_bot_text(driver, "Gracious", name)


def session_id(driver: WebDriver) -> str:
    return driver.execute_script(
        "var s = JSON.parse(localStorage.getItem('chat_session') || '{}'); return s.session_id || null;"
    )


def test_customer_disputes_a_bill_in_the_widget_and_the_conversation_survives_a_reload(
    bot: Bot, browser: WebDriver
) -> None:
    browser.get(f"{bot.base}/demo/")
    sign_in_as(browser, MAYA)  # BL-30017 is Maya's: the demo website vouches for her
    open_chat_by_keyboard(browser)
    wait_for_bot_text(browser, "Gracious", "greeting")  # the warm opening
    assert browser.find_element(By.CSS_SELECTOR, ".rw-new-message").get_attribute("aria-label")

    browser.execute_script(  # note whether the typing indicator shows while the assistant works
        "window.__typing = false; new MutationObserver(function () {"
        " if (document.querySelector('.rw-typing-indication')) window.__typing = true;"
        "}).observe(document.body, {childList: true, subtree: true});"
    )
    send(browser, "my phone bill BL-30017 is wrong, I didn't get my volume discount")
    wait_for_bot_text(browser, "domestic calls only", "policy")
    assert browser.execute_script("return window.__typing") is True
    assert any("sorry" in t.lower() for t in bot_texts(browser))  # empathy and apology came first
    credit = wait(browser).until(
        lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".rw-reply") if "goodwill credit" in b.text]
    )[0]
    shot(browser, "1-alternatives-as-buttons")
    assert credit.get_attribute("tabindex") == "0"  # reachable by keyboard
    credit.click()
    wait_for_bot_text(browser, "Done: a $10.00 goodwill credit", "confirmation")
    wait_for_bot_text(browser, variations("utter_anything_else"), "anything-else")
    shot(browser, "2-confirmation")
    first_session = session_id(browser)
    assert first_session and "." in first_session  # a server-issued, signed id

    browser.get(f"{bot.base}/demo/help")  # another page of the site
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-launcher"))
    if not browser.find_elements(By.CSS_SELECTOR, ".rw-new-message"):
        browser.find_element(By.CSS_SELECTOR, ".rw-launcher").click()
    wait_for_bot_text(browser, "domestic calls only", "history-after-reload")
    assert session_id(browser) == first_session
    send(browser, "no that's all, thanks")
    wait_for_bot_text(browser, variations("utter_thank_for_chance"), "closing")
    assert "action_close_conversation" in bot.actions(first_session)  # same conversation on the server

    browser.execute_script("window.__alerts = 0; window.alert = function () { window.__alerts += 1; };")
    html = "<img src=x onerror=alert(1)>"
    send(browser, html)
    wait(browser).until(lambda d: any(html in e.text for e in d.find_elements(By.CSS_SELECTOR, ".rw-client")))
    assert not browser.find_elements(By.CSS_SELECTOR, ".rw-messages-container img[src='x']")
    assert browser.execute_script("return window.__alerts") == 0
    shot(browser, "3-html-shown-as-text")


def test_links_and_simple_formatting_render(bot: Bot, browser: WebDriver) -> None:
    open_chat(browser, bot.base, "formatting-greeting")
    send(browser, "what is your return policy?")
    wait_for_bot_text(browser, "30 days", "formatting")
    link = wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-response a[href$='/demo/help']"))[0]
    assert link.text == "Help & returns page"
    assert browser.find_elements(By.XPATH, "//*[contains(@class,'rw-response')]//strong[text()='30 days']")


def test_widget_works_at_phone_width(bot: Bot) -> None:
    driver = new_browser(390, 844, phone=True)
    try:
        driver.get(f"{bot.base}/demo/")
        assert driver.execute_script("return window.innerWidth") == 390
        sign_in_as(driver, MAYA)  # LK-10424 is Maya's
        wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-launcher"))
        driver.find_element(By.CSS_SELECTOR, ".rw-launcher").click()
        wait_for_bot_text(driver, "Gracious", "phone-greeting")
        container = driver.find_element(By.CSS_SELECTOR, ".rw-conversation-container")
        assert container.size["width"] <= 390
        send(driver, "where is my order LK-10424?")
        wait_for_bot_text(driver, "on track", "phone-reply")
        shot(driver, "4-phone-width")
    finally:
        driver.quit()


def test_a_new_browser_starts_a_new_conversation(bot: Bot, browser: WebDriver) -> None:
    open_chat(browser, bot.base, "first-browser")
    other = new_browser()
    try:
        open_chat(other, bot.base, "second-browser")
        assert session_id(other) and session_id(other) != session_id(browser)
    finally:
        other.quit()


def test_a_session_id_cannot_be_guessed_or_taken_to_another_browser(bot: Bot, browser: WebDriver) -> None:
    open_chat(browser, bot.base, "owner")
    stolen = session_id(browser)

    async def ask_for(session: str, cookie: str = "") -> str:
        client = socketio.AsyncClient()
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        headers = {"Cookie": cookie} if cookie else {}
        await client.connect(bot.base, socketio_path="/socket.io", headers=headers, transports=["websocket"])
        await client.emit("session_request", {"session_id": session})
        try:
            return await asyncio.wait_for(confirmed, 10)
        finally:
            await client.disconnect()

    # Another browser (its own cookie, or none) presenting the stolen id gets a new one.
    assert asyncio.run(ask_for(stolen)) != stolen
    assert asyncio.run(ask_for(stolen, "gracious_browser=someone-else")) != stolen
    assert asyncio.run(ask_for("0123456789abcdef.00000000000000000000000000000000")) != stolen
    # The browser it was given to keeps it.
    cookie = browser.get_cookie("gracious_browser")["value"]
    assert asyncio.run(ask_for(stolen, f"gracious_browser={cookie}")) == stolen


def test_pages_load_nothing_from_other_hosts(bot: Bot, browser: WebDriver) -> None:
    browser.get(f"{bot.base}/demo/")
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rw-launcher"))
    sources = browser.execute_script(
        "return Array.from(document.querySelectorAll('script[src],link[href],img[src]'))"
        ".map(function (e) { return e.src || e.href; });"
    )
    # data: URIs are the widget's own inline icons.
    assert sources and all(s.startswith((bot.base, "data:")) for s in sources), sources
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });"
    )
    assert all(r.startswith((bot.base, "data:", "ws")) for r in resources), resources
