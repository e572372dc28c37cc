"""What the studio tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of everything the playbook check reads, for a test to break."""
    copy = tmp_path / "project"
    for name in ("data", "catalog", "tests/stories"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "domain.yml", copy / "domain.yml")
    return copy
