"""A new kind of complaint is data: the catalog names it, the actions follow without a restart."""

import os
import shutil
from pathlib import Path

import pytest

import actions.case
from actions.empathize import ActionEmpathize
from gracious.settings import ROOT
from tests.actions import required, run_action, texts, tracker_from, variations
from tests.conftest import reset_caches
from tests.helpers.catalog import NEW_POLICY


@pytest.fixture
def catalog_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policies.yml"
    shutil.copy(ROOT / "catalog" / "policies.yml", path)
    monkeypatch.setenv("GRACIOUS_CATALOG", str(path))
    reset_caches()
    return path


def add_to(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    # Filesystems with coarse timestamps: make sure the edit is seen as one.
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_an_edited_catalog_is_read_again_by_a_running_action_server(catalog_copy: Path) -> None:
    assert "complain_loyalty_points" not in actions.case.case_intents()
    add_to(catalog_copy, NEW_POLICY)
    assert "complain_loyalty_points" in actions.case.case_intents()
    assert actions.case.catalog().policy("loyalty_points").rule.startswith("Points arrive")


def test_a_new_case_type_gets_empathy_and_an_apology(catalog_copy: Path, domain) -> None:
    add_to(catalog_copy, NEW_POLICY)
    tracker = tracker_from("empty_tracker", intent="complain_loyalty_points", text="my loyalty points never showed up")
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)
    assert {"event": "slot", "timestamp": None, "name": "case_type", "value": "complain_loyalty_points"} in events
    # No words are written for the new kind yet: the general empathy with the apology a case gets, in one sentence.
    said = texts(dispatcher)
    assert said == [said[0]]
    assert said[0] in variations(domain, "utter_empathy_general_sorry")


def test_a_new_case_type_asks_for_what_the_catalog_says_it_needs(catalog_copy: Path, domain) -> None:
    add_to(catalog_copy, NEW_POLICY)
    tracker = tracker_from("case_form", slots={"case_type": "complain_loyalty_points"})
    assert required(tracker, domain) == []

    content = catalog_copy.read_text(encoding="utf-8")
    catalog_copy.write_text(content.replace("cases:\n", "cases:\n  complain_loyalty_points: {needs: order}\n", 1))
    add_to(catalog_copy, "")
    assert required(tracker, domain) == ["order_id"]


def test_how_late_an_order_is_in_days_from_the_date_promised(monkeypatch):
    # "how late is it exactly" (a conversation of our own, 5 December): the days since the date promised.
    from datetime import date

    import actions.case

    monkeypatch.setattr(actions.case, "business_today", lambda: date(2026, 12, 5))
    assert actions.case.days_late(date(2026, 12, 2)) == "3 days"
    assert actions.case.days_late("2026-12-04") == "a day"
    assert actions.case.days_late(date(2026, 12, 5)) == ""  # due today: not late
    assert actions.case.days_late(None) == "" and actions.case.days_late("soon") == ""
