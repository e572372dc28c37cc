"""The desk's shift tools end to end, against real servers with an agent on duty, the desk in headless
Chromium: canned replies searched and put into the reply box, a new one added and then found; the reply
stops the first-reply timer; a case closed and rated by the customer is found on the History page by its
reference, with its rating, its transcript as text, and the agent's satisfaction figures beside it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Callable, Iterator

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from launch.launcher import Servers
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, model_path, server_env
from tests.helpers.axe import assert_no_serious
from tests.helpers.browser import new_browser, shot, wait
from tests.helpers.domain import variations

APOLOGY = variations("utter_desk_suggest_apologize")[0]
NEW_TITLE = "Refund timing"
NEW_TEXT = "A refund reaches your card in 3 to 5 business days."
TYPED = "<img src=x onerror=alert(1)> thanks, that's all"


@pytest.fixture(scope="module")
def shift_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """Servers of their own (an empty queue and history), the care team always in, an agent and a lead."""
    var = tmp_path_factory.mktemp("shift-var")
    env = server_env(var, GRACIOUS_CARE_HOURS="mon-sun 0-24")
    store = DeskStore(env["GRACIOUS_RECORDS_DB_URL"])
    asyncio.run(store.add_agent("sam", "Sam Lee", PASSWORD))
    asyncio.run(store.add_agent("lee", "Lee Park", PASSWORD, lead=True))
    store.engine.dispose()
    servers = Servers(model_path(), env, log_dir=var / "logs")
    servers.start()
    yield Bot(servers, env)
    servers.stop()


def sign_in(browser: WebDriver, base: str, name: str) -> None:
    browser.get(f"{base}/desk/login")
    browser.find_element(By.ID, "name").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait(browser).until(lambda d: d.current_url.rstrip("/").endswith("/desk"))


def settled(browser: WebDriver, read: Callable[[WebDriver], Any], expected: Any) -> None:
    """Wait until ``read`` gives ``expected``; if it never does, fail showing what it gave last."""
    try:
        wait(browser).until(lambda d: read(d) == expected)
    except TimeoutException:
        shot(browser, "failed-desk-history")
        assert read(browser) == expected


def canned_titles(browser: WebDriver) -> list:
    return [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#replies .canned-use")]


def search_canned(browser: WebDriver, words: str, expected: list) -> None:
    box = browser.find_element(By.CSS_SELECTOR, "#replies input[type=search]")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(words)
    wait(browser).until(lambda d: canned_titles(d) == expected)
    assert browser.switch_to.active_element == box  # the list changed in place, the keyboard stayed


def test_canned_replies_and_a_rated_case_found_in_history(shift_bot: Bot) -> None:
    base = shift_bot.base
    on_duty = DeskClient(base)
    on_duty.sign_in("sam")
    sender = f"history-{uuid.uuid4().hex[:8]}"
    shift_bot.say(sender, "my phone bill BL-30017 is wrong, I didn't get my volume discount")
    shift_bot.say(sender, "I want to talk to a real person")
    [entry] = [item for item in on_duty.call("/desk/api/queue")[1] if item["sender_id"] == sender]
    handoff = entry["id"]
    assert entry["first_reply_at"] is None and entry["sla_seconds"] == 300

    browser = new_browser()
    try:
        sign_in(browser, base, "sam")
        wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#queue li[data-handoff="{handoff}"] button'))
        browser.find_element(By.CSS_SELECTOR, f'#queue li[data-handoff="{handoff}"] button').click()
        wait(browser).until(lambda d: d.find_element(By.ID, "claim").is_displayed())
        browser.find_element(By.ID, "claim").click()
        wait(browser).until(lambda d: d.find_element(By.ID, "reply-form").is_displayed())

        # The playbook's suggestions are the first canned replies; a search narrows them as one types.
        wait(browser).until(lambda d: sorted(canned_titles(d)) == ["Apologize", "Empathize", "Offer"])
        search_canned(browser, "SORRY", ["Apologize"])
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-use").click()
        reply = browser.find_element(By.ID, "reply")
        assert reply.get_attribute("value") == APOLOGY and browser.switch_to.active_element == reply
        browser.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
        wait(browser).until(lambda d: APOLOGY in d.find_element(By.ID, "transcript").text)
        said = [e.get("text") for e in shift_bot.tracker(sender)["events"] if e["event"] == "bot"]
        assert APOLOGY in said  # the customer got the playbook's words

        # An agent adds a reply of their own; a search finds it, and it goes into the box like the others.
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-add").click()
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-editor input").send_keys(NEW_TITLE)
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-editor textarea").send_keys(NEW_TEXT)
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-save").click()
        wait(browser).until(lambda d: "Added" in d.find_element(By.CSS_SELECTOR, "#replies [role=status]").text)
        search_canned(browser, "refund", [NEW_TITLE])
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-use").click()
        assert browser.find_element(By.ID, "reply").get_attribute("value") == NEW_TEXT
        assert_no_serious(browser, "the canned replies in the case view", "#replies")
        shot(browser, "desk-canned-replies")

        # The first reply stopped the case's timer.
        [entry] = [item for item in on_duty.call("/desk/api/queue")[1] if item["id"] == handoff]
        assert entry["first_reply_at"] is not None and entry["sla_left_seconds"] is None
        assert 0 <= entry["first_reply_seconds"] < 300 and entry["sla_late"] is False

        # The customer says one more thing (as text at the desk, never HTML); the agent closes; they rate it 4.
        assert shift_bot.say(sender, TYPED) == []  # the assistant is paused while Sam has it
        Select(browser.find_element(By.ID, "outcome")).select_by_value("resolved")
        browser.find_element(By.ID, "close").click()
        wait(browser).until(lambda d: "utter_ask_rating" in shift_bot.actions(sender))
        shift_bot.say(sender, '/give_feedback{"rating": "4"}')

        # On the History page the case is found by the customer's reference, with its rating.
        browser.get(f"{base}/desk/history")
        browser.execute_script("window.__alerts = 0; window.alert = function () { window.__alerts += 1; };")
        box = wait(browser).until(lambda d: d.find_element(By.ID, "history-q"))
        box.send_keys("bl-30017")
        box.send_keys(Keys.ENTER)
        row = f'#history tr[data-id="{handoff}"]'
        # The verified customer's name, as the desk's case card has it (never "Guest" for Maya's own bill).
        label = on_duty.call(f"/desk/api/handoffs/{handoff}")[1]["label"]
        assert label.startswith("Maya")
        shown = [label, "BL-30017", "customer asked for a person", "resolved", "Sam Lee", "4 of 5"]
        settled(browser, lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, f"{row} td")][1:7], shown)
        wait(browser).until(lambda d: d.find_element(By.ID, "history-status").text == "1 case found.")
        figures = [
            [cell.text for cell in tr.find_elements(By.CSS_SELECTOR, "th, td")]
            for tr in browser.find_elements(By.CSS_SELECTOR, "#satisfaction tbody tr")
        ]
        once = "4 average from 1 rating (4: 1)"
        assert figures == [
            ["Sam Lee", once, once],
            ["Whole team", once, once],
        ]  # an agent sees their own and the team's

        shot(browser, "desk-history")

        # Opening it shows the case read-only, what the customer typed as text.
        browser.find_element(By.CSS_SELECTOR, f"{row} button").click()
        wait(browser).until(lambda d: d.find_element(By.ID, "case").is_displayed())
        transcript = browser.find_element(By.ID, "case-transcript").text
        assert APOLOGY in transcript and TYPED in transcript
        assert not browser.find_elements(By.CSS_SELECTOR, "#case img")
        assert browser.execute_script("return window.__alerts") == 0
        assert "4 of 5" in browser.find_element(By.ID, "case-card").text
        assert browser.switch_to.active_element == browser.find_element(By.ID, "case")
        assert_no_serious(browser, "the History page with a case open")
        shot(browser, "desk-history-case")

        # Words that match nothing say so.
        box = browser.find_element(By.ID, "history-q")
        box.clear()
        box.send_keys("LK-99999", Keys.ENTER)
        wait(browser).until(lambda d: d.find_element(By.ID, "history-status").text == "No finished case matches.")
    finally:
        browser.quit()

    # The lead sees Sam's case and Sam's figures too.
    lead = DeskClient(base)
    lead.sign_in("lee")
    [found] = lead.call("/desk/api/history?agent=sam")[1]["results"]
    assert found["id"] == handoff and found["rating"] == 4 and found["first_reply_seconds"] is not None
    week = lead.call("/desk/api/satisfaction")[1]["windows"][0]
    assert {a["agent"]: a["count"] for a in week["agents"]} == {"lee": 0, "sam": 1}
