"""A shift at the desk, read and worked by keyboard: an agent in headless Chromium and several customers at
once, against the real Rasa server and action server. The page updates in place (focus stays on the
control the keyboard user was on, only new customer words are announced), names every control, and
reads cases as people: names, guest labels, button titles, display names. The notifications, the
timers and availability: test_desk_shift_events.py.
"""

from __future__ import annotations

import re
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.e2e.conftest import Bot, buttons
from tests.e2e.desk_pages import (
    LEAD,
    asks_for_a_person,
    card_button,
    customer_name,
    desk_browser,
    handoff_of,
    shift_servers,  # noqa: F401 (the fixture shift_bot: the module's own servers)
)
from tests.helpers.axe import assert_no_serious
from tests.helpers.browser import shot, wait


def test_focus_stays_on_the_control_the_keyboard_user_was_on(shift_bot: Bot) -> None:
    sam = desk_browser(shift_bot, "sam")
    try:
        first = handoff_of(shift_bot, asks_for_a_person(shift_bot, customer=""), LEAD)
        open_button = card_button(sam, first["id"])
        # Named for what it opens: the case, who, what about, how long they have waited.
        label = open_button.get_attribute("aria-label")
        assert re.fullmatch(
            rf"Open case {first['id']}, Guest {first['id']}, conversation, waiting (less than a minute|\d+ minutes?)",
            label,
        ), label
        sam.execute_script("arguments[0].focus()", open_button)
        # Another customer arrives (the queue reorders and updates) while the agent is on the button.
        second = handoff_of(shift_bot, asks_for_a_person(shift_bot, customer="", first="I AM SO ANGRY!!!"), LEAD)
        card_button(sam, second["id"])
        time.sleep(5)  # two queue polls and more
        assert sam.execute_script("return document.activeElement") == open_button
        assert sam.execute_script("return document.activeElement.getAttribute('aria-label')").startswith(
            f"Open case {first['id']}, "
        )

        # Enter opens the case; focus stays on the Open button through the case's polls.
        open_button.send_keys(Keys.ENTER)
        wait(sam).until(lambda d: d.find_element(By.ID, "case-title").text.startswith(f"Case {first['id']}"))
        claim = sam.find_element(By.ID, "claim")
        sam.execute_script("arguments[0].focus()", claim)
        time.sleep(4)  # four case polls
        assert sam.execute_script("return document.activeElement") == claim

        # Claimed with Enter: the reply box takes the focus, and keeps it and its words.
        claim.send_keys(Keys.ENTER)
        reply = sam.find_element(By.ID, "reply")
        wait(sam).until(lambda d: d.execute_script("return document.activeElement") == reply)
        reply.send_keys("Hello, I'm Sam, I'm reading your")
        shift_bot.say(first["sender_id"], "hello? is anyone there?")
        wait(sam).until(lambda d: "hello? is anyone there?" in d.find_element(By.ID, "transcript").text)
        time.sleep(5)
        assert sam.execute_script("return document.activeElement") == reply
        assert reply.get_attribute("value") == "Hello, I'm Sam, I'm reading your"
        # Only the new customer message is announced, never the whole conversation again.
        assert sam.find_element(By.ID, "announce").get_attribute("textContent") == (
            f"Guest {first['id']} says: hello? is anyone there?"
        )
        # Every line carries its time.
        lines = sam.find_elements(By.CSS_SELECTOR, "#transcript li")
        assert lines and all(li.find_element(By.TAG_NAME, "time").get_attribute("datetime") for li in lines)
        assert_no_serious(sam, "the desk with a claimed case open")
    finally:
        sam.quit()


def test_cards_and_transcripts_read_as_people_and_titles(shift_bot: Bot) -> None:
    sam = desk_browser(shift_bot, "sam")
    try:
        # A verified customer (signed in on the website, her own bill) is named on the card.
        maya = asks_for_a_person(shift_bot, "C001", "my phone bill BL-30017 is wrong, I didn't get my volume discount")
        verified = handoff_of(shift_bot, maya, LEAD)
        button = card_button(sam, verified["id"])
        card = sam.find_element(By.CSS_SELECTOR, f'#queue li[data-handoff="{verified["id"]}"]')
        assert card.find_element(By.CSS_SELECTOR, ".who").text == customer_name("C001")
        assert "Bill dispute" in card.text and "“I want to speak to a person”" in card.text
        assert button.get_attribute("aria-label").startswith(
            f"Open case {verified['id']}, {customer_name('C001')}, bill dispute, waiting"
        )

        # A stranger naming a record is a guest, by the reference they gave, never by the owner's name.
        stranger = f"shift-{uuid.uuid4().hex[:8]}"
        shift_bot.sign_in(stranger, None)
        shift_bot.say(stranger, "where is my order LK-10424?")
        shift_bot.say(stranger, "I want to speak to a person")
        guest = handoff_of(shift_bot, stranger, LEAD)
        card_button(sam, guest["id"])
        guest_card = sam.find_element(By.CSS_SELECTOR, f'#queue li[data-handoff="{guest["id"]}"]')
        assert guest_card.find_element(By.CSS_SELECTOR, ".who").text in ("Guest · LK-10424", f"Guest {guest['id']}")
        assert customer_name("C001") not in guest_card.text

        # A button click reads as the button's title in the transcript, not as its payload.
        clicker = f"shift-{uuid.uuid4().hex[:8]}"
        replies = shift_bot.say(clicker, "the sales assistant claimed to be an expert but clearly knew nothing")
        person = next(b for b in buttons(replies) if b["payload"] == '/choose_alternative{"alternative": "human"}')
        shift_bot.say(clicker, person["payload"])
        case = handoff_of(shift_bot, clicker, LEAD)
        card_button(sam, case["id"]).click()
        wait(sam).until(lambda d: person["title"] in d.find_element(By.ID, "transcript").text)
        transcript = sam.find_element(By.ID, "transcript").text
        assert "choose_alternative" not in transcript and "{" not in transcript
        clicked = sam.find_element(By.CSS_SELECTOR, "#transcript li.clicked")
        assert clicked.find_element(By.CSS_SELECTOR, ".text").text == person["title"]

        # The agent's lines and notes by display name, never the login name.
        sam.find_element(By.ID, "claim").click()
        wait(sam).until(lambda d: d.find_element(By.ID, "reply-form").is_displayed())
        sam.find_element(By.ID, "reply").send_keys("Hi, Sam here.")
        sam.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
        sam.find_element(By.ID, "note").send_keys("Wants to talk about the store visit")
        sam.find_element(By.CSS_SELECTOR, "#note-form button[type=submit]").click()
        wait(sam).until(lambda d: "Sam Lee: Wants to talk" in d.find_element(By.ID, "notes").text)
        said = lambda d: [  # noqa: E731
            (li.find_element(By.CSS_SELECTOR, ".who").text, li.find_element(By.CSS_SELECTOR, ".text").text)
            for li in d.find_elements(By.CSS_SELECTOR, "#transcript li.agent")
        ]
        wait(sam).until(lambda d: ("Sam Lee", "Hi, Sam here.") in said(d))
        sam.set_window_size(1280, 1500)  # the whole case in one picture, for the README
        sam.execute_script("document.getElementById('case').scrollIntoView()")
        time.sleep(1.5)
        shot(sam, "desk-case-readable")
    finally:
        sam.quit()
