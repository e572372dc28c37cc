"""Fixtures every test shares: fresh stores per test and the domain actions receive."""

import copy
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import yaml

import gracious.stores
import overrides
from gracious.catalog import forget_catalog
from gracious.settings import NAMES, ROOT

# Settings a developer's shell might export; tests start from the defaults.
ENVIRONMENT = NAMES


def pytest_configure(config: pytest.Config) -> None:
    """Rasa as the servers run it: every override installed (overrides/__init__.py)."""
    overrides.install()


def reset_caches() -> None:
    """Forget the stores and the loaded catalog, so they are made again from the settings."""
    for cached in (gracious.stores.company, gracious.stores.records):
        if cached.cache_info().currsize:
            cached().engine.dispose()
    gracious.stores.reset()
    forget_catalog()


@pytest.fixture(autouse=True)
def fresh_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Company and records databases in a temp dir of their own, demo data reloaded."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GRACIOUS_VAR_DIR", str(tmp_path))
    reset_caches()
    yield tmp_path
    reset_caches()


@pytest.fixture
def care_team_always_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Care hours around the clock, so 'is anyone in' depends only on agent presence."""
    monkeypatch.setenv("GRACIOUS_CARE_HOURS", "mon-sun 0-24")
    reset_caches()


@pytest.fixture(scope="session")
def _domain_file() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def domain(_domain_file: Dict[str, Any]) -> Dict[str, Any]:
    """domain.yml as the dict actions receive (a copy, so no test sees another's changes)."""
    return copy.deepcopy(_domain_file)
