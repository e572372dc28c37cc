"""A catalog edit saved with a mistake while the assistant runs never takes service down.

The real servers run with the catalog of a copy (GRACIOUS_CATALOG), as a designer's
edits would reach them. The file is saved broken before any complaint (bad YAML,
then a typo in an alternative's id): new complaints are still answered with the last
good policy, never the outage apology; the action server's log names the file, the
line and the fix; the desk's API reports the refusal, and the desk page (headless
Chromium) shows it as text, markup from the file included. Fixed with a change of its
own, the file's new version is what the next customer gets, and the banner goes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from selenium.webdriver.common.by import By

from launch.launcher import ROOT
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, running_servers
from tests.e2e.desk_pages import desk_browser
from tests.helpers.browser import wait

COMPLAINT = "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected"
OFFER = "{id: goodwill_credit, amount: 10}, {id: international_plan}"
OUTAGE = "isn't responding"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project") / "catalog"
    shutil.copytree(ROOT / "catalog", copy)
    assert OFFER in (copy / "policies.yml").read_text(encoding="utf-8")
    return copy / "policies.yml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, catalog: Path) -> Iterator[Bot]:
    var = tmp_path_factory.mktemp("catalog-live-var")
    with running_servers(var, GRACIOUS_CATALOG=str(catalog)) as bot:
        store = DeskStore(bot.env["GRACIOUS_RECORDS_DB_URL"])
        asyncio.run(store.add_agent("sam", "Sam Lee", PASSWORD))
        store.engine.dispose()
        yield bot


def save(path: Path, text: str) -> None:
    """A designer's save: new content, a later modification time."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    later = max(path.stat().st_mtime_ns, before + 1_000_000)
    os.utime(path, ns=(later, later))


def complain(bot: Bot) -> List[Dict[str, Any]]:
    replies = bot.say(f"e2e-{uuid.uuid4().hex[:12]}", COMPLAINT)
    said = " ".join(r.get("text") or "" for r in replies)
    assert OUTAGE not in said, replies
    return replies


def titles(replies: List[Dict[str, Any]]) -> List[str]:
    return [b["title"] for r in replies for b in r.get("buttons") or []]


def credit_title(replies: List[Dict[str, Any]]) -> str:
    found = [t for t in titles(replies) if "goodwill credit" in t]
    assert len(found) == 1, replies
    return found[0]


def action_log(bot: Bot) -> str:
    """The log of the process the actions run in: the Rasa server's, or the action server's."""
    name = "actions.log" if bot.servers.actions_apart() else "bot.log"
    return (Path(bot.env["GRACIOUS_VAR_DIR"]) / "logs" / name).read_text(encoding="utf-8", errors="replace")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def desk_refusals(bot: Bot) -> List[Dict[str, Any]]:
    desk = DeskClient(bot.base)
    desk.sign_in("sam")
    status, body = desk.call("/desk/api/edits")
    assert status == 200, body
    return body["rejected"]


def wait_for_log(bot: Bot, needle: str) -> str:
    deadline = time.monotonic() + 10
    while needle not in action_log(bot):
        assert time.monotonic() < deadline, f"{needle!r} not in the actions' log:\n{action_log(bot)[-3000:]}"
        time.sleep(0.2)
    return action_log(bot)


def test_a_broken_catalog_keeps_customers_on_the_last_good_version(live: Bot, catalog: Path) -> None:
    good = catalog.read_text(encoding="utf-8")
    assert desk_refusals(live) == []

    # Bad YAML (a tab where the indentation should be), saved before any complaint: the version
    # each server read as it started is the last good one.
    tabbed = good.replace("  max_credit: 25", "\tmax_credit: 25", 1)
    save(catalog, tabbed)
    tab_line = line_of(tabbed, "\tmax_credit")
    assert "$10.00" in credit_title(complain(live))
    log = wait_for_log(live, f"catalog/policies.yml:{tab_line}: a tab or bad indentation")
    assert "Customers are still served the last good version" in log
    [refused] = desk_refusals(live)
    assert (refused["file"], refused["line"]) == ("catalog/policies.yml", tab_line)
    assert refused["banner"].startswith("Catalog edit rejected: a tab or bad indentation: YAML needs spaces")
    assert refused["banner"].endswith(
        f"(catalog/policies.yml line {tab_line}). Customers are being served the last good version."
    )

    # A typo in an alternative's id, at its own line.
    typo = good.replace(OFFER, OFFER.replace("goodwill_credit", "goodwil_credit"), 1)
    save(catalog, typo)
    typo_line = line_of(typo, "goodwil_credit")
    for _ in range(2):
        assert "$10.00" in credit_title(complain(live))
    log = wait_for_log(live, f"catalog/policies.yml:{typo_line}: policy 'volume_discount_domestic'")
    assert "'goodwil_credit' is not in the alternatives list — use one of:" in log
    assert log.count("'goodwil_credit' is not in the alternatives list") == 1  # one warning per version
    assert "(message not logged)" not in log
    [refused] = desk_refusals(live)
    assert refused["line"] == typo_line and "'goodwil_credit'" in refused["problem"]

    # The desk page's banner, as an agent sees it: the refusal as text, even markup from the file.
    marked = good.replace("  max_credit: 25", "  max_credit: <img src=x id=injected>", 1)
    save(catalog, marked)
    driver = desk_browser(live, "sam")
    try:
        banner = wait(driver).until(lambda d: d.find_element(By.ID, "rejected-edits").text)
        assert banner.startswith("Catalog edit rejected: empowerment field 'max_credit': '<img src=x id=injected>'")
        assert banner.endswith(
            f"(catalog/policies.yml line {line_of(marked, '<img')}). Customers are being served the last good version."
        )
        assert not driver.find_elements(By.ID, "injected")

        # Fixed, with a change of its own: the next customer gets the new version, and the banner goes.
        save(catalog, good.replace(OFFER, OFFER.replace("amount: 10", "amount: 15"), 1))
        assert "$15.00" in credit_title(complain(live))
        assert desk_refusals(live) == []
        wait(driver).until(lambda d: not d.find_element(By.ID, "rejected-edits").is_displayed())
    finally:
        driver.quit()
    wait_for_log(live, "catalog/policies.yml is accepted again")
