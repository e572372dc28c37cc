"""A shift at the desk: two agents in two headless Chromiums and several customers at once, against
the real Rasa server and action server. The page updates in place (focus stays where the keyboard
user left it), names every control, tells agents what is new (events list, tab title, a tone, a
transfer to them), reads cases as people (names, guest labels, button titles, display names), and
axe-core finds no serious or critical violation on the desk's pages.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any, Dict, Iterator, List

import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from launch.launcher import ROOT, Servers
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, buttons, model_path, server_env
from tests.helpers.axe import assert_no_serious
from tests.helpers.browser import new_browser, shot, wait

# Counts every tone the page makes (Web Audio oscillators started), installed before the page's scripts.
COUNT_TONES = """
window.__tones = 0;
var Real = window.AudioContext;
window.AudioContext = function () {
  var ctx = new Real();
  var make = ctx.createOscillator.bind(ctx);
  ctx.createOscillator = function () { window.__tones += 1; return make(); };
  return ctx;
};
"""


@pytest.fixture(scope="module")
def shift_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """Servers of their own, the care team always in, two agents (and a third for look-ups)."""
    var = tmp_path_factory.mktemp("desk-shift-var")
    env = server_env(var, GRACIOUS_CARE_HOURS="mon-sun 0-24")
    store = DeskStore(env["GRACIOUS_RECORDS_DB_URL"])
    for name, display in (("sam", "Sam Lee"), ("ana", "Ana Ruiz"), ("kim", "Kim Ito")):
        asyncio.run(store.add_agent(name, display, PASSWORD, lead=name == "kim"))
    servers = Servers(model_path(), env, log_dir=var / "logs")
    servers.start()
    yield Bot(servers, env)
    servers.stop()


def customer_name(customer_id: str) -> str:
    """The name a verified customer's card carries: their first name in the demo company's records."""
    demo = yaml.safe_load((ROOT / "demo" / "company.yml").read_text(encoding="utf-8"))
    return next(c["name"] for c in demo["customers"] if c["id"] == customer_id).split()[0]


def desk_browser(bot: Bot, name: str, tones: bool = False) -> WebDriver:
    driver = new_browser()
    if tones:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_TONES})
    driver.get(f"{bot.base}/desk/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait(driver).until(lambda d: d.find_element(By.ID, "me").text)
    return driver


def handoff_of(bot: Bot, sender: str) -> Dict[str, Any]:
    """The sender's open handoff, as the queue API lists it (a lead's look-up)."""
    lead = DeskClient(bot.base)
    lead.sign_in("kim")
    found: List[Dict[str, Any]] = []

    def listed(_: Any) -> bool:
        found[:] = [i for i in lead.call("/desk/api/queue")[1] if i["sender_id"] == sender]
        return bool(found)

    wait_for(listed)
    return found[0]


def queue_now(bot: Bot) -> List[Dict[str, Any]]:
    """The queue as a lead's API sees it now."""
    lead = DeskClient(bot.base)
    lead.sign_in("kim")
    return list(lead.call("/desk/api/queue")[1])


def wait_for(condition: Any, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition(None):
            return
        time.sleep(0.3)
    raise AssertionError(f"never true: {condition}")


def card_button(driver: WebDriver, handoff_id: int) -> WebElement:
    selector = f'#queue li[data-handoff="{handoff_id}"] button'
    return wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, selector))


def events(driver: WebDriver) -> List[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#events li .words")]


def asks_for_a_person(bot: Bot, customer: str = "C001", first: str = "") -> str:
    sender = f"shift-{uuid.uuid4().hex[:8]}"
    bot.sign_in(sender, customer or None)
    if first:
        bot.say(sender, first)
    bot.say(sender, "I want to speak to a person")
    return sender


def test_focus_stays_on_the_control_the_keyboard_user_was_on(shift_bot: Bot) -> None:
    sam = desk_browser(shift_bot, "sam")
    try:
        first = handoff_of(shift_bot, asks_for_a_person(shift_bot, customer=""))
        open_button = card_button(sam, first["id"])
        # Named for what it opens: the case, who, what about, how long they have waited.
        label = open_button.get_attribute("aria-label")
        assert re.fullmatch(
            rf"Open case {first['id']}, Guest {first['id']}, conversation, waiting (less than a minute|\d+ minutes?)",
            label,
        ), label
        sam.execute_script("arguments[0].focus()", open_button)
        # Another customer arrives (the queue reorders and updates) while the agent is on the button.
        second = handoff_of(shift_bot, asks_for_a_person(shift_bot, customer="", first="I AM SO ANGRY!!!"))
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
        verified = handoff_of(shift_bot, maya)
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
        guest = handoff_of(shift_bot, stranger)
        card_button(sam, guest["id"])
        guest_card = sam.find_element(By.CSS_SELECTOR, f'#queue li[data-handoff="{guest["id"]}"]')
        assert guest_card.find_element(By.CSS_SELECTOR, ".who").text in ("Guest · LK-10424", f"Guest {guest['id']}")
        assert customer_name("C001") not in guest_card.text

        # A button click reads as the button's title in the transcript, not as its payload.
        clicker = f"shift-{uuid.uuid4().hex[:8]}"
        replies = shift_bot.say(clicker, "the sales assistant claimed to be an expert but clearly knew nothing")
        person = next(b for b in buttons(replies) if b["payload"] == '/choose_alternative{"alternative": "human"}')
        shift_bot.say(clicker, person["payload"])
        case = handoff_of(shift_bot, clicker)
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
        case = handoff_of(shift_bot, sender)

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

        # My chats: the cases Sam holds (this one and the earlier tests'), and only those.
        held = {str(i["id"]) for i in queue_now(shift_bot) if i["agent"] == "sam"}
        waiting = {str(i["id"]) for i in queue_now(shift_bot) if i["status"] == "waiting"}
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
        case = handoff_of(shift_bot, sender)
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
