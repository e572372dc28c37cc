"""The desk in the browser tests of a shift (tests/e2e/test_desk_shift*.py, test_desk_history.py).

``desk_servers`` starts servers of their own with the care team always in and the given agents;
``desk_browser`` is an agent signed in to the desk in headless Chromium (optionally counting the tones
the page makes); the rest finds a case in the queue API or on the page, and makes a customer ask for a
person.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Tuple

import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from launch.launcher import ROOT
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, running_servers
from tests.helpers.browser import new_browser, wait

# The agents of a shift's browser tests (name, display name, lead); the lead signs in only to look
# cases up through the queue API.
LEAD = "kim"
SHIFT_AGENTS = [("sam", "Sam Lee", False), ("ana", "Ana Ruiz", False), (LEAD, "Kim Ito", True)]

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


def desk_servers(var: Path, agents: Iterable[Tuple[str, str, bool]]) -> Iterator[Bot]:
    """Servers of their own (conftest.running_servers), the care team always in, these agents
    (name, display name, lead)."""
    with running_servers(var, GRACIOUS_CARE_HOURS="mon-sun 0-24") as bot:
        store = DeskStore(bot.env["GRACIOUS_RECORDS_DB_URL"])
        for name, display, lead in agents:
            asyncio.run(store.add_agent(name, display, PASSWORD, lead=lead))
        store.engine.dispose()
        yield bot


@pytest.fixture(scope="module", name="shift_bot")
def shift_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """The fixture ``shift_bot``: a test module's own servers (``desk_servers``) with ``SHIFT_AGENTS``.
    A module imports ``shift_servers`` to have it."""
    yield from desk_servers(tmp_path_factory.mktemp("desk-shift-var"), SHIFT_AGENTS)


def sign_in(driver: WebDriver, base: str, name: str) -> None:
    driver.get(f"{base}/desk/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait(driver).until(lambda d: d.find_element(By.ID, "me").text)


def desk_browser(bot: Bot, name: str, tones: bool = False) -> WebDriver:
    driver = new_browser()
    if tones:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_TONES})
    sign_in(driver, bot.base, name)
    return driver


def customer_name(customer_id: str) -> str:
    """The name a verified customer's card carries: their full name in the demo company's records."""
    demo = yaml.safe_load((ROOT / "demo" / "company.yml").read_text(encoding="utf-8"))
    return str(next(c["name"] for c in demo["customers"] if c["id"] == customer_id))


def queue_now(bot: Bot, lead: str) -> List[Dict[str, Any]]:
    """The queue as a lead's API sees it now."""
    client = DeskClient(bot.base)
    client.sign_in(lead)
    return list(client.call("/desk/api/queue")[1])


def wait_for(condition: Any, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition(None):
            return
        time.sleep(0.3)
    raise AssertionError(f"never true: {condition}")


def handoff_of(bot: Bot, sender: str, lead: str) -> Dict[str, Any]:
    """The sender's open handoff, once the queue API lists it (a lead's look-up)."""
    found: List[Dict[str, Any]] = []

    def listed(_: Any) -> bool:
        found[:] = [i for i in queue_now(bot, lead) if i["sender_id"] == sender]
        return bool(found)

    wait_for(listed)
    return found[0]


def card_button(driver: WebDriver, handoff_id: int) -> WebElement:
    selector = f'#queue li[data-handoff="{handoff_id}"] button'
    return wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, selector))


def events(driver: WebDriver) -> List[str]:
    """The desk's recent events, newest first."""
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#events li .words")]


def asks_for_a_person(bot: Bot, customer: str = "C001", first: str = "") -> str:
    """A new conversation (signed in as ``customer``, or a guest with "") that asks for a person."""
    sender = f"shift-{uuid.uuid4().hex[:8]}"
    bot.sign_in(sender, customer or None)
    if first:
        bot.say(sender, first)
    bot.say(sender, "I want to speak to a person")
    return sender
