"""What the playbook check looks for: catalog/playbook_check.yml and blame_words.yml.

Designers extend these files without Python; a trailing * in a step or response
name matches any ending.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Sequence, Set, Tuple

import yaml

from gracious.blame import Lecture, blame_phrases, blaming_phrases, compile_words, lecture_patterns, lecturing
from studio.yamlnodes import compose, get, line, seq, text

BLAME_FILE = Path("catalog") / "blame_words.yml"


@dataclass
class Rules:
    """The step and response patterns, the blaming phrases and lecturing patterns, the minimum counts."""

    blame_phrases: List[str]
    empathy: List[str]
    explain: List[str]
    alternatives: List[str]
    varied: List[str]
    min_variations: int
    min_examples: int
    button_only: Set[str] = field(default_factory=set)
    lectures: List[Lecture] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> "Rules":
        raw = yaml.safe_load((root / "catalog" / "playbook_check.yml").read_text(encoding="utf-8"))
        return cls(
            blame_phrases=blame_phrases(root / BLAME_FILE),
            empathy=raw["empathy_steps"],
            explain=raw["explain_steps"],
            alternatives=raw["alternative_steps"],
            varied=raw["varied_responses"],
            min_variations=int(raw["min_variations"]),
            min_examples=int(raw["min_examples"]),
            button_only=set(raw.get("button_only_intents") or []),
            lectures=[p for p in lecture_patterns(root / BLAME_FILE) if readable(p)],  # the rest: lecture_problems
        )


def matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def blame_problems(words: str, phrases: Sequence[str], lectures: Sequence[Lecture]) -> List[Tuple[str, str]]:
    """(the words as said, what is wrong) for each blaming phrase and lecturing pattern in ``words``."""
    found = [
        (p, f'says "{p}", which blames or lectures the customer')
        for p in blaming_phrases(words, phrases, quotes_theirs=False)
    ]
    for lecture, said in lecturing(words, lectures):
        found.append(
            (
                said,
                f'says "{said}", which lectures the customer (pattern "{lecture.pattern}" in {BLAME_FILE}); '
                f"instead, {lecture.instead}",
            )
        )
    return found


def lecture_problems(root: Path) -> List[Tuple[Path, int, str]]:
    """Lecturing patterns the check cannot read (a bracket or bar out of place), at their line."""
    path = root / BLAME_FILE
    found = []
    for entry in seq(get(compose(path), "lecturing")):
        node = get(entry, "pattern") or entry
        try:
            compile_words(text(node))
        except ValueError as error:
            found.append((path, line(node), f"{error}; write it as words, with (a|b) for choices"))
    return found


def readable(lecture: Lecture) -> bool:
    try:
        compile_words(lecture.pattern)
    except ValueError:
        return False
    return True
