"""axe-core (npm, pinned in package.json) run inside a selenium page.

The pages' Content-Security-Policy allows scripts from their own server only; a
script the test driver runs (``execute_script``) is not subject to it, so axe's
bundle is handed to the page that way, never as a <script> tag. ``axe.run``
runs asynchronously in the page (``execute_async_script``) and the violations of
the impacts asked for come back as plain dicts.

    from tests.helpers.axe import assert_no_serious
    assert_no_serious(driver, "the desk with a case open")
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

from selenium.webdriver.remote.webdriver import WebDriver

from launch.launcher import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

RUN = """
var context = arguments[0], impacts = arguments[1], done = arguments[arguments.length - 1];
axe.run(context || document, {resultTypes: ["violations"]}).then(function (results) {
  done({violations: results.violations.filter(function (v) { return impacts.indexOf(v.impact) >= 0; })
    .map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(function (n) {
          return {target: n.target, html: n.html, summary: n.failureSummary || ""};
        })};
    })});
}, function (error) { done({error: String(error && error.stack || error)}); });
"""


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"axe-core is not installed ({AXE}): run `make install` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def inject(driver: WebDriver) -> None:
    """Put axe into the current page, once per page load."""
    if not driver.execute_script("return typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        driver.execute_script(axe_source())


def violations(
    driver: WebDriver, impacts: Sequence[str] = SERIOUS, context: Optional[Any] = None
) -> List[Dict[str, Any]]:
    """axe's violations of these impacts on the page as it is now (``context``: a CSS
    selector or an axe context object; the whole document when None). Each is a dict
    with id, impact, help, helpUrl and nodes (target, html, summary)."""
    inject(driver)
    driver.set_script_timeout(60)
    settled(driver)
    result = driver.execute_async_script(RUN, context, list(impacts))
    if not isinstance(result, dict) or "error" in result:
        raise AssertionError(f"axe-core could not run: {result!r}")
    found: List[Dict[str, Any]] = result["violations"]
    return found


# Finite CSS animations still running (the widget fading its restored conversation in): axe reads the colours
# mid-fade and reports contrast of 1.1 (fresh-clone CI, 1 December, the help page), so it waits them out.
RUNNING = (
    "return document.getAnimations().filter(a => a.playState === 'running'"
    " && a.effect && a.effect.getTiming().iterations !== Infinity).length"
)


def settled(driver: WebDriver, timeout: float = 10.0) -> None:
    """Wait until no finite animation runs on the page (at most ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while driver.execute_script(RUNNING) and time.monotonic() < deadline:
        time.sleep(0.1)


def describe(found: List[Dict[str, Any]]) -> str:
    """One readable paragraph per violation: the rule, why, and where."""
    lines = []
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            for reason in node["summary"].splitlines():
                if reason.strip():
                    lines.append(f"      {reason.strip()}")
    return "\n".join(lines)


def assert_no_serious(driver: WebDriver, label: str, context: Optional[Any] = None) -> None:
    """Fail with a list of every serious or critical violation axe finds on the page."""
    found = violations(driver, SERIOUS, context)
    assert not found, f"axe-core found {len(found)} serious/critical violation(s) on {label}:\n{describe(found)}"
