"""The case card is the conversation as it stands now, and every agent can read a case that left the queue:
the real Rasa server and action server, customers over REST, agents over the desk's API and in headless
Chromium (panel, 1 December: "the card stale", "plain agents cannot find or open cases that left the queue").
What a waiting customer wrote after the handoff is on the card first, as text; shouting while waiting shows
as frustration; a customer who left is in every agent's Left the queue list, read-only, with what they said.
"""

from __future__ import annotations

from typing import Any, Dict, List

from selenium.webdriver.common.by import By

from tests.e2e.conftest import Bot, DeskClient
from tests.e2e.desk_pages import (
    LEAD,
    asks_for_a_person,
    desk_browser,
    handoff_of,
    shift_servers,  # noqa: F401 (the fixture shift_bot: the module's own servers)
    wait_for,
)
from tests.helpers.axe import assert_no_serious
from tests.helpers.browser import wait

WHILE_WAITING = ["WHERE IS EVERYONE", "THIS IS TAKING FOREVER", "<b>hello?</b> is anyone there"]


def agent(bot: Bot, name: str) -> DeskClient:
    client = DeskClient(bot.base)
    client.sign_in(name)
    return client


def case_of(client: DeskClient, handoff_id: int) -> Dict[str, Any]:
    status, case = client.call(f"/desk/api/handoffs/{handoff_id}")
    assert status == 200, case
    return dict(case)


def said_since(case: Dict[str, Any]) -> List[str]:
    return [m["text"] for m in case["summary"].get("said_since") or []]


def test_the_waiting_customers_later_words_and_shouting_are_on_the_card_at_once(shift_bot: Bot) -> None:
    sam = agent(shift_bot, "sam")  # on duty: the customer is queued and waits, still answered
    sender = asks_for_a_person(shift_bot, "C001", "my phone bill BL-30017 is wrong, I didn't get my volume discount")
    case = handoff_of(shift_bot, sender, LEAD)
    assert case["status"] == "waiting" and case_of(sam, case["id"])["summary"]["said_since"] == []

    for text in WHILE_WAITING:
        shift_bot.say(sender, text)
    now = case_of(sam, case["id"])
    assert said_since(now) == WHILE_WAITING  # the agent's very next look, not the handoff's old card
    assert now["summary"]["frustration"] >= 2  # shouting twice while waiting
    assert now["summary"]["last_messages"][-1] == WHILE_WAITING[-1]
    assert now["summary"]["case_type"] == "dispute_charge" and now["summary"]["reference"] == "BL-30017"
    assert "human" not in now["summary"]["offered"]  # they accepted a person: not still open


def left_case(bot: Bot, reader: DeskClient) -> Dict[str, Any]:
    """A guest queued (Sam on duty) who writes while waiting and cancels: the case in ``reader``'s left list."""
    agent(bot, "sam")
    sender = asks_for_a_person(bot, customer="")
    case = handoff_of(bot, sender, LEAD)
    bot.say(sender, WHILE_WAITING[2])
    bot.say(sender, "cancel")  # out of the queue (the waiting rules)

    def listed(_: Any) -> bool:
        return case["id"] in [c["id"] for c in reader.call("/desk/api/queue/left")[1]["cases"]]

    wait_for(listed)
    return case


def test_a_plain_agent_finds_a_case_that_left_the_queue_and_reads_it_without_claiming_it(shift_bot: Bot) -> None:
    ana = agent(shift_bot, "ana")
    case = left_case(shift_bot, ana)
    left = case_of(ana, case["id"])
    assert left["status"] == "left" and left["left_words"] == "cancelled"
    assert WHILE_WAITING[2] in said_since(left)
    assert ana.call(f"/desk/api/handoffs/{case['id']}/claim", {}, origin=shift_bot.base)[0] == 409
    history = ana.call("/desk/api/history?outcome=left")[1]["results"]
    assert case["id"] in [row["id"] for row in history]


def test_the_desk_page_lists_the_cases_that_left_and_shows_one_read_only(shift_bot: Bot) -> None:
    case = left_case(shift_bot, agent(shift_bot, "ana"))
    browser = desk_browser(shift_bot, "ana")
    try:
        read = f'#left-list li[data-handoff="{case["id"]}"] button'
        button = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, read))
        assert button.get_attribute("aria-label").startswith(f"Read case {case['id']}, Guest {case['id']}, ")
        button.click()
        wait(browser).until(lambda d: d.find_element(By.ID, "case-title").text.startswith(f"Case {case['id']}"))
        wait(browser).until(lambda d: d.find_element(By.ID, "case-readonly").is_displayed())
        card = browser.find_element(By.ID, "summary").text
        assert "Said since the handoff" in card and "“<b>hello?</b> is anyone there”" in card  # text, not HTML
        assert "left the queue: cancelled" in card
        for hidden in ("claim", "reply-form", "finish-form"):
            assert not browser.find_element(By.ID, hidden).is_displayed(), hidden
        assert not browser.find_element(By.CSS_SELECTOR, "#case .grants").is_displayed()
        assert_no_serious(browser, "a case that left the queue, read-only")
    finally:
        browser.quit()
