"""The website widget for everyone, in headless Chromium against the real servers:
keyboard focus you can see, labels that say what a control does, Esc to close, a send
button you can find, no serious or critical axe-core violations, and a pace that shows
a four-message answer in about a second.

The first test checks the axe-core helper itself (tests/helpers/axe.py) on a page of
its own with a strict Content-Security-Policy like the site's: it must find what is
wrong, or its silence on the real pages would mean nothing.
"""

from __future__ import annotations

import urllib.parse
from typing import Iterator

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.helpers.axe import assert_no_serious, violations
from tests.helpers.browser import new_browser

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'"


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = new_browser()
    yield driver
    driver.quit()


def data_page(body: str) -> str:
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{STRICT_CSP}">'
        f"<title>axe check</title></head><body><main><h1>A page</h1>{body}</main></body></html>"
    )
    return "data:text/html;charset=utf-8," + urllib.parse.quote(page)


def test_axe_runs_under_a_strict_csp_and_finds_what_is_wrong(browser: WebDriver) -> None:
    browser.get(data_page('<img src="x.png"><button></button><button>Send</button>'))
    found = {v["id"]: v for v in violations(browser)}
    assert set(found) == {"image-alt", "button-name"}, found
    assert found["button-name"]["nodes"][0]["html"] == "<button></button>"  # the unnamed one, not "Send"
    with pytest.raises(AssertionError, match=r"(?s)2 serious/critical.*button-name.*image-alt"):
        assert_no_serious(browser, "a broken page")

    browser.get(data_page('<img src="x.png" alt="Our shop"><button>Send</button>'))
    assert violations(browser) == []
    assert_no_serious(browser, "a fixed page")
