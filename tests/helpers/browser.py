"""Headless Chromium for the tests that use the pages (the widget, the desk, the report).

Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import List, Sequence, Union

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from launch.launcher import ROOT

SHOTS = ROOT / "artifacts" / "screenshots"
WAIT = 30


def wait(driver: WebDriver) -> WebDriverWait:
    # The widget re-renders its messages; an element read mid-render is simply read again.
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def click_first(driver: WebDriver, selector: str) -> None:
    """Click the first element matching ``selector`` once there is one. A list that
    re-renders between finding and clicking (the desk's queue refreshes itself) is
    simply read again."""

    def clicked(d: WebDriver) -> bool:
        found = d.find_elements(By.CSS_SELECTOR, selector)
        if not found:
            return False
        try:
            found[0].click()
        except StaleElementReferenceException:
            return False
        return True

    wait(driver).until(clicked)


def new_browser(width: int = 1280, height: int = 900, phone: bool = False) -> WebDriver:
    options = webdriver.ChromeOptions()
    if phone:  # a real phone viewport (desktop windows have a minimum width)
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 3}}
        )
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="gracious-chrome-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    quit_browser = driver.quit

    def quit_and_clear() -> None:  # the profile goes with the browser, never left in /tmp
        try:
            quit_browser()
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    driver.quit = quit_and_clear  # type: ignore[method-assign]
    return driver


def shot(driver: WebDriver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def bot_texts(driver: WebDriver) -> List[str]:
    """The bot's messages in the widget, read in one go in the page: the widget re-renders
    as each message of an answer arrives (a few tenths of a second apart), and elements
    found first and read one by one could be gone by the time they are read."""
    texts: List[str] = driver.execute_script(
        "return Array.from(document.querySelectorAll('.rw-response')).map(function (e) { return e.innerText; });"
    )
    return texts


def wait_for_bot_text(driver: WebDriver, fragment: Union[str, Sequence[str]], name: str) -> None:
    """Wait until a bot message holds ``fragment`` (or one of them); a screenshot if it never does."""
    fragments = [fragment] if isinstance(fragment, str) else list(fragment)
    try:
        wait(driver).until(lambda d: any(f in t for f in fragments for t in bot_texts(d)))
    except TimeoutException:
        shot(driver, f"failed-{name}")
        raise AssertionError(f"bot never said {fragment!r}; it said {bot_texts(driver)}") from None


def send(driver: WebDriver, text: str) -> None:
    box = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".rw-new-message"))
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
