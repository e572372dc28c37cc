"""What a shift at the desk tells agents, against the real Rasa server and action server, two agents in
two headless Chromiums: a new case and a transfer in the events list, the tab title and an opt-in tone;
why a case left the queue; My chats; availability; the first-reply timer that stops at the first reply;
and axe-core finds no serious or critical violation on the queue, Callbacks and Outbox.
"""

from __future__ import annotations

import re
import time
from typing import Any

from selenium.webdriver.common.by import By

from tests.e2e.conftest import Bot
from tests.e2e.desk_pages import (
    LEAD,
    asks_for_a_person,
    card_button,
    customer_name,
    desk_browser,
    events,
    handoff_of,
    queue_now,
    shift_servers,  # noqa: F401 (the fixture shift_bot: the module's own servers)
)
from tests.helpers.axe import assert_no_serious
from tests.helpers.browser import shot, wait


def test_new_cases_and_transfers_are_told_in_the_events_list_the_title_and_a_tone(shift_bot: Bot) -> None:
    sam = desk_browser(shift_bot, "sam", tones=True)
    ana = desk_browser(shift_bot, "ana")
    try:
        # The tone is opt-in, remembered on this browser.
        sound = sam.find_element(By.ID, "sound")
        assert not sound.is_selected()
        sound.click()
        sam.refresh()
        wait(sam).until(lambda d: d.find_element(By.ID, "me").text == "Sam Lee")
        assert sam.find_element(By.ID, "sound").is_selected()
        time.sleep(2.5)  # the first queue poll: what is there already is not news
        assert sam.execute_script("return window.__tones") == 0

        # A new case while the agent looks at another tab: the event, the count in the tab's title, a tone.
        desk_tab = sam.current_window_handle
        sam.switch_to.new_window("tab")
        sender = asks_for_a_person(
            shift_bot, "C001", "my phone bill BL-30017 is wrong, I didn't get my volume discount"
        )
        case = handoff_of(shift_bot, sender, LEAD)

        def desk_title(_: Any) -> str:
            pages = sam.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
            return next(t["title"] for t in pages if t["type"] == "page" and t["url"].endswith("/desk/"))

        wait(sam).until(lambda d: desk_title(d) == "(1) Gracious agent desk")
        sam.close()
        sam.switch_to.window(desk_tab)
        wait(sam).until(lambda d: d.title == "Gracious agent desk")  # seen: the count is cleared
        expected = f"New case {case['id']}: {customer_name('C001')}, bill dispute"
        assert events(sam)[0] == expected
        assert sam.find_element(By.CSS_SELECTOR, "#events li time").get_attribute("datetime")
        assert sam.execute_script("return window.__tones") >= 1

        # Ana takes it in her browser and passes it to Sam: Sam is told, by Ana's display name.
        card_button(ana, case["id"]).click()
        wait(ana).until(lambda d: d.find_element(By.ID, "claim").is_displayed())
        ana.find_element(By.ID, "claim").click()
        wait(ana).until(lambda d: d.find_element(By.ID, "transfer-form").is_displayed())
        # Sam's queue shows who holds it, by display name.
        meta = f'#queue li[data-handoff="{case["id"]}"] .meta'
        wait(sam).until(lambda d: d.find_element(By.CSS_SELECTOR, meta).text.startswith("With Ana Ruiz"))
        tones = sam.execute_script("return window.__tones")
        ana.find_element(By.CSS_SELECTOR, "#transfer-to option[value=sam]").click()
        ana.find_element(By.CSS_SELECTOR, "#transfer-form button[type=submit]").click()
        told = f"Case {case['id']} was transferred to you by Ana Ruiz"
        wait(sam).until(lambda d: told in events(d))
        assert events(sam).index(told) < events(sam).index(expected)  # newest first, the older one kept
        assert told in sam.find_element(By.ID, "alert").text
        assert sam.execute_script("return window.__tones") > tones

        # My chats: the cases Sam holds, and only those (another customer waits meanwhile).
        other = handoff_of(shift_bot, asks_for_a_person(shift_bot, customer=""), LEAD)
        card_button(sam, other["id"])
        held = {str(i["id"]) for i in queue_now(shift_bot, LEAD) if i["agent"] == "sam"}
        waiting = {str(i["id"]) for i in queue_now(shift_bot, LEAD) if i["status"] == "waiting"}
        assert str(case["id"]) in held and waiting
        sam.find_element(By.ID, "view-mine").click()
        assert sam.find_element(By.ID, "view-mine").get_attribute("aria-pressed") == "true"
        cards = sam.find_elements(By.CSS_SELECTOR, "#queue li")
        assert {li.get_attribute("data-handoff") for li in cards if li.is_displayed()} == held
        assert sam.find_element(By.ID, "view-mine").text == f"My chats ({len(held)})"
        sam.find_element(By.ID, "view-all").click()
        assert {li.get_attribute("data-handoff") for li in cards if li.is_displayed()} >= held | waiting
        sam.set_window_size(1280, 1400)  # the queue and the events list in one picture, for the README
        time.sleep(1)
        shot(sam, "desk-queue-events")
        assert_no_serious(sam, "the queue with cases and events")
    finally:
        sam.quit()
        ana.quit()


def test_availability_and_the_first_reply_timer(shift_bot: Bot) -> None:
    sam = desk_browser(shift_bot, "sam")
    try:
        status = sam.find_element(By.ID, "availability")
        assert status.get_attribute("value") == "available"
        sam.find_element(By.CSS_SELECTOR, "#availability option[value=away]").click()
        me = lambda d: d.execute_async_script(  # noqa: E731
            "var done = arguments[0]; fetch('/desk/api/me').then(r => r.json()).then(done)"
        )
        wait(sam).until(lambda d: me(d)["availability"] == "away")
        sam.find_element(By.CSS_SELECTOR, "#availability option[value=available]").click()
        wait(sam).until(lambda d: me(d)["availability"] == "available")

        sender = asks_for_a_person(shift_bot, customer="")
        case = handoff_of(shift_bot, sender, LEAD)
        card = lambda d: d.find_element(By.CSS_SELECTOR, f'#queue li[data-handoff="{case["id"]}"] .sla')  # noqa: E731
        wait(sam).until(lambda d: re.fullmatch(r"First reply due in \d+:\d\d", card(d).text))
        card_button(sam, case["id"]).click()
        wait(sam).until(lambda d: d.find_element(By.ID, "claim").is_displayed())
        sam.find_element(By.ID, "claim").click()
        wait(sam).until(lambda d: d.find_element(By.ID, "reply-form").is_displayed())
        sam.find_element(By.ID, "reply").send_keys("Sam here, how can I help?")
        sam.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
        # The timer stops at the first reply.
        wait(sam).until(lambda d: re.fullmatch(r"First reply after \d+:\d\d", card(d).text))
        stopped = card(sam).text
        time.sleep(2.5)
        assert card(sam).text == stopped

        for page in ("callbacks", "outbox"):
            sam.get(f"{shift_bot.base}/desk/{page}")
            wait(sam).until(lambda d: d.execute_script("return document.readyState") == "complete")
            time.sleep(1)
            assert_no_serious(sam, f"the {page} page")
    finally:
        sam.quit()


def test_a_case_that_leaves_the_queue_says_why(shift_bot: Bot) -> None:
    sam = desk_browser(shift_bot, "sam")
    try:
        sender = asks_for_a_person(shift_bot, customer="")
        case = handoff_of(shift_bot, sender, LEAD)
        card_button(sam, case["id"])
        shift_bot.say(sender, "cancel")  # out of the queue (the waiting rules), so off the desk's list
        told = f"Case {case['id']}: Guest {case['id']} left the queue (cancelled)"
        wait(sam).until(lambda d: told in events(d))
        assert not sam.find_elements(By.CSS_SELECTOR, f'#queue li[data-handoff="{case["id"]}"]')
    finally:
        sam.quit()
