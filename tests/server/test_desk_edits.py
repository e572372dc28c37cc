"""The desk's banner for a designer's edit the assistant refused: GET /desk/api/edits on the real
desk routes, with a real catalog file saved broken and then fixed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from gracious.catalog import current_catalog, forget_catalog
from gracious.settings import ROOT
from tests.helpers.desk_app import DeskApp

REAL = (ROOT / "catalog" / "policies.yml").read_text(encoding="utf-8")


def save(path: Path, text: str) -> None:
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
    current_catalog()  # the version the servers started with
    return path


@pytest.fixture
def desk(fresh_stores: Path, catalog_file: Path) -> Iterator[DeskApp]:
    app = DeskApp().start()
    app.add_agent("sam", "Sam Lee")
    yield app
    app.stop()


def test_the_banner_names_the_refused_edit_until_the_file_is_fixed(desk: DeskApp, catalog_file: Path) -> None:
    sam = desk.client("sam")
    assert sam.call("/desk/api/edits") == (200, {"rejected": []})

    broken = REAL.replace("\n  max_credit:", "\n  max_credit: <b>lots</b>\n  max_credit_was:", 1)
    save(catalog_file, broken)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "<b>lots</b>" in text)
    status, body = sam.call("/desk/api/edits")
    assert status == 200
    problem = (
        "empowerment field 'max_credit': '<b>lots</b>' is not a number of 0 or more — "
        "write a plain number such as 25 (no currency sign, no quotes)"
    )
    assert body == {
        "rejected": [
            {
                "file": "catalog/policies.yml",
                "line": line,
                "problem": problem,
                "banner": f"Catalog edit rejected: {problem} (catalog/policies.yml line {line}). "
                "Customers are being served the last good version.",
            }
        ]
    }
    assert current_catalog().max_credit == 25.0  # customers: the last good version

    save(catalog_file, REAL)
    assert sam.call("/desk/api/edits") == (200, {"rejected": []})


def test_only_signed_in_agents_see_the_refusals(desk: DeskApp) -> None:
    status, body = desk.client().call("/desk/api/edits")
    assert status == 401 and "rejected" not in body


def test_with_no_good_version_at_all_the_banner_does_not_claim_one(
    fresh_stores: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Broken before any server read it, and no copy kept on disk: nothing good to serve.
    path = tmp_path / "never-good" / "catalog" / "policies.yml"
    path.parent.mkdir(parents=True)
    broken = REAL.replace("\n  max_credit:", "\n  max_credit: lots\n  max_credit_was:", 1)
    save(path, broken)
    monkeypatch.setenv("GRACIOUS_CATALOG", str(path))
    forget_catalog()
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "max_credit: lots" in text)
    app = DeskApp().start()
    try:
        app.add_agent("sam", "Sam Lee")
        status, body = app.client("sam").call("/desk/api/edits")
    finally:
        app.stop()
    assert status == 200
    [refused] = body["rejected"]
    assert refused["line"] == line
    assert refused["banner"].endswith(
        f"(catalog/policies.yml line {line}). There is no good version to fall back on: the assistant still "
        "greets customers and hands them to a person, but cannot look into complaints or orders, nor answer "
        "questions about a policy (opening hours among them), until it is fixed."
    )
    assert "last good version" not in refused["banner"]
