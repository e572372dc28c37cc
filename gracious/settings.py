"""Every setting the actions read, from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The designers' files: policies, answers, word lists.
CATALOG_DIR = ROOT / "catalog"


@dataclass(frozen=True)
class Settings:
    """Settings for the action server and the stores it uses."""

    catalog_path: Path
    company_db_url: str
    records_db_url: str
    timezone: str
    # Care team hours, as "HH-HH" per weekday (Mon=0); a missing day is closed.
    care_hours: dict
    # The number our calls come from, said to customers who ask.
    care_line: str


def _sqlite_url(name: str) -> str:
    var = Path(os.environ.get("GRACIOUS_VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / name}"


def _parse_hours(spec: str) -> dict:
    """Parse "mon-fri 8-20, sat 9-17" into {weekday: (open_hour, close_hour)}."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    hours = {}
    for part in filter(None, (p.strip() for p in spec.lower().split(","))):
        day_part, time_part = part.split()
        first, _, last = day_part.partition("-")
        start, end = (int(x) for x in time_part.split("-"))
        first_i = days.index(first)
        last_i = days.index(last) if last else first_i
        for day in range(first_i, last_i + 1):
            hours[day] = (start, end)
    return hours


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Read the environment once; tests clear the cache to change it."""
    return Settings(
        catalog_path=Path(os.environ.get("GRACIOUS_CATALOG", ROOT / "catalog" / "policies.yml")),
        company_db_url=os.environ.get("GRACIOUS_COMPANY_DB_URL") or _sqlite_url("company.db"),
        records_db_url=os.environ.get("GRACIOUS_RECORDS_DB_URL") or _sqlite_url("gracious.db"),
        timezone=os.environ.get("GRACIOUS_TIMEZONE", "America/New_York"),
        care_hours=_parse_hours(os.environ.get("GRACIOUS_CARE_HOURS", "mon-fri 8-20, sat 9-17")),
        care_line=os.environ.get("GRACIOUS_CARE_LINE", "555 0100"),
    )
