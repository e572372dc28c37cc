"""A catalog edit saved with a mistake never takes service down: the last good version is served,
one warning per refused version says where and how to fix it, and the fixed file is used at once."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from gracious.catalog import CatalogError, catalog_rejection, current_catalog, forget_catalog, keep_first_catalog
from gracious.edits import Rejection, rejected_edits
from gracious.last_good import copy_path
from server.channels.failures import forget_mistakes_logged, log_failure

# A small catalog in the real file's style (the real one changes as designers work).
REAL = """\
version: 1
empowerment:
  max_credit: 25
  max_replacement_value: 250
cases:
  check_order_status: {needs: order}
alternatives:
  goodwill_credit: {kind: credit, offer: utter_offer_goodwill_credit, confirm: utter_confirm_goodwill_credit}
  delivery_updates: {kind: info, offer: utter_offer_delivery_updates, confirm: utter_confirm_delivery_updates}
  refund: {kind: refund, offer: utter_offer_refund, confirm: utter_confirm_refund}
policies:
  - id: late_delivery_goodwill
    case_types: [check_order_status]
    when: {order_late: true}
    rule: A late order gets a goodwill gesture.
    reason: We promised a date and missed it.
    responses: {explain: utter_policy_late_delivery}
    alternatives: [{id: goodwill_credit, amount: 10}, {id: delivery_updates}, {id: refund}]
"""
GOOD_ID = "{id: goodwill_credit, amount: 10}, {id: delivery_updates}"
TYPO_ID = "{id: goodwil_credit, amount: 10}, {id: delivery_updates}"


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def save(path: Path, text: str) -> None:
    """A designer's save: new content and a later modification time."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    later = max(path.stat().st_mtime_ns, before + 1_000_000)
    os.utime(path, ns=(later, later))


@pytest.fixture
def catalog_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "catalog" / "policies.yml"
    path.parent.mkdir()
    save(path, REAL)
    monkeypatch.setenv("GRACIOUS_CATALOG", str(path))
    forget_catalog()
    return path


def late_delivery_offers() -> list:
    return [o.id for o in current_catalog().policy("late_delivery_goodwill").alternatives]


def test_a_broken_save_keeps_the_last_good_catalog_and_the_fixed_one_is_used_after(catalog_file, caplog):
    assert late_delivery_offers()[0] == "goodwill_credit"
    assert catalog_rejection() is None and rejected_edits() == []

    caplog.set_level(logging.INFO, logger="gracious.catalog")
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    for _ in range(5):  # every complaint in the meantime: the last good version, one warning in all
        assert late_delivery_offers()[0] == "goodwill_credit"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, caplog.text
    line = line_of(REAL, GOOD_ID)
    said = warnings[0].getMessage()
    assert f"catalog/policies.yml:{line}: policy 'late_delivery_goodwill' field 'alternatives'" in said
    assert "'goodwil_credit' is not in the alternatives list — use one of:" in said
    assert "(did you mean 'goodwill_credit'?)" in said
    assert "still served the last good version" in said

    rejection = catalog_rejection()
    assert isinstance(rejection, Rejection)
    assert (rejection.file, rejection.line) == ("catalog/policies.yml", line)
    assert rejection.problem.startswith("policy 'late_delivery_goodwill' field 'alternatives': 'goodwil_credit'")
    assert str(rejection) == f"catalog/policies.yml:{line}: {rejection.problem}"
    assert rejected_edits() == [rejection]

    # Fixed, with a change of its own: the new version is served, and the refusal is over.
    save(catalog_file, REAL.replace(GOOD_ID, "{id: delivery_updates}, {id: goodwill_credit, amount: 10}", 1))
    assert late_delivery_offers()[:2] == ["delivery_updates", "goodwill_credit"]
    assert catalog_rejection() is None and rejected_edits() == []
    assert "accepted again" in caplog.text


def test_bad_yaml_keeps_the_last_good_and_names_the_line_and_the_fix(catalog_file, caplog):
    current_catalog()
    broken = REAL.replace("  max_credit: 25", "\tmax_credit: 25", 1)
    save(catalog_file, broken)
    assert current_catalog().max_credit == 25.0
    rejection = catalog_rejection()
    assert rejection is not None
    assert str(rejection) == (
        f"catalog/policies.yml:{line_of(broken, 'max_credit: 25')}: "
        "a tab or bad indentation: YAML needs spaces; line up 'max_credit:' with the line above"
    )
    assert "Traceback" not in caplog.text


def test_a_second_broken_version_is_warned_about_once_more(catalog_file, caplog):
    current_catalog()
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    current_catalog()
    save(catalog_file, REAL.replace("  max_credit: 25", "  max_credit: lots", 1))
    current_catalog()
    current_catalog()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "goodwil_credit" in warnings[0] and "'lots'" in warnings[1]


def test_with_no_good_version_yet_a_broken_catalog_raises_and_is_still_reported(catalog_file):
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    with pytest.raises(CatalogError, match="goodwil_credit"):
        current_catalog()
    with pytest.raises(CatalogError):
        current_catalog()  # again: still no good version to serve
    rejection = catalog_rejection()
    assert rejection is not None and rejection.line == line_of(REAL, GOOD_ID)
    save(catalog_file, REAL)
    assert late_delivery_offers()[0] == "goodwill_credit"
    assert catalog_rejection() is None


def test_a_failure_from_a_broken_catalog_is_logged_with_its_message_once_and_no_traceback(catalog_file, caplog):
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    forget_mistakes_logged()
    log = logging.getLogger("tests.failures")
    caplog.clear()
    for _ in range(3):  # three complaints, one line
        try:
            current_catalog()
        except CatalogError:
            log_failure(log, "An action failed (customer text not logged).")
    [record] = [r for r in caplog.records if r.name == "tests.failures"]
    line = line_of(REAL, GOOD_ID)
    assert record.getMessage().startswith(
        f"An action failed (customer text not logged). catalog/policies.yml:{line}: policy 'late_delivery_goodwill' "
        "field 'alternatives': 'goodwil_credit' is not in the alternatives list — use one of: "
    )
    assert "\n" not in record.getMessage() and record.exc_info is None
    assert "Traceback" not in caplog.text and "in current_catalog" not in caplog.text


def test_the_version_read_at_start_up_is_the_fallback_for_a_broken_save(catalog_file, caplog):
    keep_first_catalog()  # as each server starts
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    assert late_delivery_offers()[0] == "goodwill_credit"


def test_a_server_started_on_a_broken_file_serves_the_good_version_kept_on_disk(catalog_file, caplog, tmp_path):
    keep_first_catalog()  # a server ran on the good file: its copy is kept in the var folder
    kept = copy_path("catalog", catalog_file)
    assert kept.parent == tmp_path
    assert kept.read_text(encoding="utf-8") == REAL
    save(catalog_file, REAL.replace(GOOD_ID, "{id: goodwill_credit, amount: 12}, {id: delivery_updates}", 1))
    assert current_catalog().policy("late_delivery_goodwill").alternatives[0].amount == 12.0
    assert "amount: 12" in kept.read_text(encoding="utf-8")  # each good version replaces the copy
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    forget_catalog()  # a restart, with the mistake in the file
    with caplog.at_level(logging.WARNING):
        keep_first_catalog()
    assert current_catalog().policy("late_delivery_goodwill").alternatives[0].amount == 12.0
    assert f"Customers are served the last good version, kept in {kept}" in caplog.text
    assert "amount: 12" in kept.read_text(encoding="utf-8")  # the refused version never replaces it
    rejection = catalog_rejection()
    assert rejection is not None and "goodwil_credit" in rejection.problem
    kept.unlink()
    forget_catalog()  # no copy anywhere: the mistake raises, as before
    with pytest.raises(CatalogError, match="goodwil_credit"):
        current_catalog()


def test_a_copy_kept_of_another_catalog_file_never_stands_in(catalog_file, tmp_path, monkeypatch):
    keep_first_catalog()  # the good copy of this file is kept
    other = tmp_path / "elsewhere" / "policies.yml"
    other.parent.mkdir()
    other.write_text(REAL.replace(GOOD_ID, TYPO_ID, 1), encoding="utf-8")
    monkeypatch.setenv("GRACIOUS_CATALOG", str(other))
    forget_catalog()  # a server started on another, broken catalog file
    with pytest.raises(CatalogError, match="goodwil_credit"):
        current_catalog()


def test_the_message_reader_carries_on_when_no_good_catalog_was_ever_read(catalog_file):
    from server.dialogue.two_problems import case_types

    assert case_types() == frozenset({"check_order_status"})  # the small catalog's one case type
    copy_path("catalog", catalog_file).unlink(missing_ok=True)  # never good on this machine
    forget_catalog()
    save(catalog_file, REAL.replace(GOOD_ID, TYPO_ID, 1))
    with pytest.raises(CatalogError):
        current_catalog()
    assert case_types() == frozenset()  # every message read as it is: a greeting is still a greeting
