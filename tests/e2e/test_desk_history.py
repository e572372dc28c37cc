"""The desk's shift tools end to end, against real servers with an agent on duty, the desk in headless
Chromium: canned replies searched and put into the reply box, a new one added and then found, each saying
who last changed it, the playbook's editable by a lead only, who restores one deleted; the reply stops the
first-reply timer; a case closed and rated by the customer shows its rating to a lead watching it, and is
found on the History page by its reference, with its rating, its transcript as text, and the agent's
satisfaction figures beside it."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Iterator

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from tests.e2e.conftest import Bot, DeskClient
from tests.e2e.desk_pages import asks_for_a_person, card_button, desk_browser, desk_servers, handoff_of, sign_in
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
    yield from desk_servers(
        tmp_path_factory.mktemp("shift-var"), [("sam", "Sam Lee", False), ("lee", "Lee Park", True)]
    )


def settled(browser: WebDriver, read: Callable[[WebDriver], Any], expected: Any) -> None:
    """Wait until ``read`` gives ``expected``; if it never does, fail showing what it gave last."""
    try:
        wait(browser).until(lambda d: read(d) == expected)
    except TimeoutException:
        shot(browser, "failed-desk-history")
        assert read(browser) == expected


def canned_titles(browser: WebDriver) -> list:
    return [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#replies .canned-use")]


def canned_item(browser: WebDriver, title: str) -> Any:
    return next(
        li
        for li in browser.find_elements(By.CSS_SELECTOR, "#replies .canned-item")
        if li.find_element(By.CSS_SELECTOR, ".canned-use").text == title
    )


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
    watched: list = []
    try:
        sign_in(browser, base, "sam")
        wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#queue li[data-handoff="{handoff}"] button'))
        browser.find_element(By.CSS_SELECTOR, f'#queue li[data-handoff="{handoff}"] button').click()
        wait(browser).until(lambda d: d.find_element(By.ID, "claim").is_displayed())
        browser.find_element(By.ID, "claim").click()
        wait(browser).until(lambda d: d.find_element(By.ID, "reply-form").is_displayed())

        # The playbook's suggestions are the first canned replies; a search narrows them as one types.
        wait(browser).until(lambda d: sorted(canned_titles(d)) == ["Apologize", "Empathize", "Offer"])
        # The playbook's replies are the team's: Sam uses them; only a lead may change them.
        playbook = canned_item(browser, "Apologize")
        assert playbook.find_element(By.CSS_SELECTOR, ".canned-by").text == "From the playbook"
        assert not playbook.find_element(By.CSS_SELECTOR, ".canned-edit").is_displayed()
        assert not playbook.find_element(By.CSS_SELECTOR, ".canned-delete").is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, "#replies .canned-restore").is_displayed()
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
        mine = canned_item(browser, NEW_TITLE)
        assert mine.find_element(By.CSS_SELECTOR, ".canned-by").text == "Added by Sam Lee"
        assert mine.find_element(By.CSS_SELECTOR, ".canned-edit").is_displayed()  # Sam's own: his to change
        browser.find_element(By.CSS_SELECTOR, "#replies .canned-use").click()
        assert browser.find_element(By.ID, "reply").get_attribute("value") == NEW_TEXT
        assert_no_serious(browser, "the canned replies in the case view", "#replies")
        shot(browser, "desk-canned-replies")

        # The first reply stopped the case's timer.
        [entry] = [item for item in on_duty.call("/desk/api/queue")[1] if item["id"] == handoff]
        assert entry["first_reply_at"] is not None and entry["sla_left_seconds"] is None
        assert 0 <= entry["first_reply_seconds"] < 300 and entry["sla_late"] is False

        # The customer says one more thing (as text at the desk, never HTML); the agent closes; they rate it 4.
        # Lee, the lead, watches the case meanwhile: once finished, its view shows the customer's rating.
        lee = desk_browser(shift_bot, "lee")
        watched.append(lee)
        card_button(lee, handoff).click()
        wait(lee).until(lambda d: d.find_element(By.ID, "case-title").text.startswith(f"Case {handoff}"))
        assert shift_bot.say(sender, TYPED) == []  # the assistant is paused while Sam has it
        Select(browser.find_element(By.ID, "outcome")).select_by_value("resolved")
        browser.find_element(By.ID, "close").click()
        wait(browser).until(lambda d: "utter_ask_rating" in shift_bot.actions(sender))
        wait(lee).until(lambda d: "Not rated yet" in d.find_element(By.ID, "summary").text)
        shift_bot.say(sender, '/give_feedback{"rating": "4"}')
        card_fact = lambda d: [dd.text for dd in d.find_elements(By.CSS_SELECTOR, "#summary dt + dd")]  # noqa: E731
        wait(lee).until(lambda d: "4 of 5" in card_fact(d))
        assert "finished by Sam Lee" in lee.find_element(By.ID, "summary").text

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
        for other in watched:
            other.quit()

    # The lead sees Sam's case and Sam's figures too.
    lead = DeskClient(base)
    lead.sign_in("lee")
    [found] = lead.call("/desk/api/history?agent=sam")[1]["results"]
    assert found["id"] == handoff and found["rating"] == 4 and found["first_reply_seconds"] is not None
    week = lead.call("/desk/api/satisfaction")[1]["windows"][0]
    assert {a["agent"]: a["count"] for a in week["agents"]} == {"lee": 0, "sam": 1}


def test_a_lead_changes_the_playbooks_replies_and_restores_one_deleted(shift_bot: Bot) -> None:
    lee = desk_browser(shift_bot, "lee")
    try:
        case = handoff_of(shift_bot, asks_for_a_person(shift_bot, customer=""), "lee")
        card_button(lee, case["id"]).click()
        wait(lee).until(lambda d: d.find_element(By.ID, "claim").is_displayed())
        lee.find_element(By.ID, "claim").click()
        wait(lee).until(lambda d: "Offer" in canned_titles(d))
        offer = canned_item(lee, "Offer")
        assert offer.find_element(By.CSS_SELECTOR, ".canned-edit").is_displayed()  # a lead's to change
        offer.find_element(By.CSS_SELECTOR, ".canned-delete").click()
        offer.find_element(By.CSS_SELECTOR, ".canned-delete").click()  # "Confirm delete"
        wait(lee).until(lambda d: "Offer" not in canned_titles(d))
        restore = lee.find_element(By.CSS_SELECTOR, "#replies .canned-restore")
        wait(lee).until(lambda d: restore.is_displayed())
        assert restore.text == "Restore the playbook's replies (1 missing)"
        restore.click()
        wait(lee).until(lambda d: "Offer" in canned_titles(d))
        assert canned_item(lee, "Offer").find_element(By.CSS_SELECTOR, ".canned-by").text == "Updated by Lee Park"
        assert lee.find_element(By.CSS_SELECTOR, "#replies [role=status]").text == "Restored “Offer”."
        assert not restore.is_displayed()
        assert_no_serious(lee, "a lead's canned replies", "#replies")
    finally:
        lee.quit()
