"""domain.yml as the tests read it: the texts the assistant can say."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List

import yaml

from launch.launcher import ROOT


@lru_cache(maxsize=1)
def _domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def variations(response: str) -> List[str]:
    """The texts of a domain response, in the domain's order."""
    return [v["text"] for v in _domain()["responses"][response]]
