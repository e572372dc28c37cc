"""Callbacks at the desk end to end: a call booked in the chat shows on the Callbacks page in
headless Chromium, an overdue call raises the alert on the desk's pages, an agent claims each call
and marks it done, and it leaves the list with its commitment in the Outbox."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from gracious.stores import clock
from gracious.stores.base import add_row
from gracious.stores.records import callbacks
from launch.launcher import Servers
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, choose, model_path, server_env, texts
from tests.helpers.browser import new_browser, shot, wait

LATE_PHONE = "+1 555 0177"


@pytest.fixture(scope="module")
def callback_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """Servers of their own with one agent account (nobody signed in yet, so the chat books a call)."""
    var: Path = tmp_path_factory.mktemp("desk-callbacks-var")
    env = server_env(var)
    store = DeskStore(env["GRACIOUS_RECORDS_DB_URL"])
    asyncio.run(store.add_agent("cora", "Cora Diaz", PASSWORD))
    servers = Servers(model_path(), env, log_dir=var / "logs")
    servers.start()
    yield Bot(servers, env)
    servers.stop()
    store.engine.dispose()


def call_card(browser: WebDriver, phone: str) -> object:
    """The call's card on the Callbacks page, by the number to ring."""
    found = [li for li in browser.find_elements(By.CSS_SELECTOR, "li.call") if phone in li.text]
    return found[0] if found else None


def mark_done(browser: WebDriver, phone: str) -> None:
    wait(browser).until(lambda d: call_card(d, phone) is not None)
    call_card(browser, phone).find_element(By.XPATH, ".//button[contains(., 'Claim this call')]").click()
    wait(browser).until(lambda d: call_card(d, phone).find_elements(By.CSS_SELECTOR, "form.outcome-form"))
    form = call_card(browser, phone).find_element(By.CSS_SELECTOR, "form.outcome-form")
    assert form.find_element(By.TAG_NAME, "select").get_attribute("value") == "reached"
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(lambda d: call_card(d, phone) is None)


def test_a_call_booked_in_the_chat_is_worked_at_the_desk_and_an_overdue_one_raises_the_alert(callback_bot):
    bot, sender = callback_bot, f"e2e-{uuid.uuid4().hex[:12]}"
    bot.sign_in(sender, None)  # a guest: the number for the call is asked for
    replies = bot.say(sender, "nobody ever called me back like you promised")
    replies = choose(bot, sender, replies, "callback")
    bot.say(sender, "tomorrow at 10am")
    replies = bot.say(sender, "+1 555 0101")
    assert "ending 0101" in texts(replies)
    # A call from earlier that nobody made: 40 minutes late.
    store = DeskStore(bot.env["GRACIOUS_RECORDS_DB_URL"])
    with store.engine.begin() as conn:
        add_row(
            conn,
            callbacks,
            sender_id="e2e-late-caller",
            scheduled_for=clock.now() - timedelta(minutes=40),
            phone=LATE_PHONE,
            reason="<b>Order LK-10423</b> is late",
            status="booked",
        )
    store.engine.dispose()

    browser = new_browser()
    try:
        browser.get(f"{bot.base}/desk/")
        wait(browser).until(lambda d: d.current_url.endswith("/desk/login"))
        browser.find_element(By.ID, "name").send_keys("cora")
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait(browser).until(lambda d: d.find_element(By.ID, "me").text == "Cora Diaz")
        # The alert on the queue's page, read out (role=alert), with the way to the calls.
        wait(browser).until(lambda d: d.find_element(By.ID, "overdue").is_displayed())
        alert = browser.find_element(By.ID, "overdue")
        assert alert.get_attribute("role") == "alert" and "1 callback is overdue." in alert.text
        alert.find_element(By.TAG_NAME, "a").click()

        wait(browser).until(lambda d: call_card(d, "0101") is not None and call_card(d, LATE_PHONE) is not None)
        overdue = browser.find_element(By.CSS_SELECTOR, '[data-group="overdue"]')
        assert LATE_PHONE in overdue.text and "minutes late" in overdue.text
        assert "<b>Order LK-10423</b> is late" in overdue.text  # what was typed, shown as text
        assert not overdue.find_elements(By.TAG_NAME, "b")
        booked = call_card(browser, "0101")
        assert "10:00 AM" in booked.text and "Nobody has claimed it yet" in booked.text
        shot(browser, "desk-callbacks")

        mark_done(browser, LATE_PHONE)
        wait(browser).until(lambda d: not d.find_element(By.ID, "overdue").is_displayed())
        mark_done(browser, "0101")
    finally:
        browser.quit()

    agent = DeskClient(bot.base)
    agent.sign_in("cora")
    status, listing = agent.call("/desk/api/callbacks")
    assert status == 200 and sum(listing["counts"].values()) == 0
    status, outbox = agent.call("/desk/api/outbox")
    done = [row for row in outbox["rows"] if row["topic"] == "callback_outcome"]
    assert status == 200 and len(done) == 2 and {row["database"] for row in done} == {"records"}
