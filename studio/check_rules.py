"""What the playbook check looks for: catalog/playbook_check.yml and blame_words.yml.

Designers extend these files without Python; a trailing * in a step or response
name matches any ending.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Set

import yaml

from gracious.blame import blame_phrases


@dataclass
class Rules:
    """The step and response patterns, the blaming phrases and the minimum counts."""

    blame_phrases: List[str]
    empathy: List[str]
    explain: List[str]
    alternatives: List[str]
    varied: List[str]
    min_variations: int
    min_examples: int
    button_only: Set[str] = field(default_factory=set)

    @classmethod
    def load(cls, root: Path) -> "Rules":
        raw = yaml.safe_load((root / "catalog" / "playbook_check.yml").read_text(encoding="utf-8"))
        return cls(
            blame_phrases=blame_phrases(root / "catalog" / "blame_words.yml"),
            empathy=raw["empathy_steps"],
            explain=raw["explain_steps"],
            alternatives=raw["alternative_steps"],
            varied=raw["varied_responses"],
            min_variations=int(raw["min_variations"]),
            min_examples=int(raw["min_examples"]),
            button_only=set(raw.get("button_only_intents") or []),
        )


def matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)
