"""The report's labels, read from catalog/report_labels.yml and validated.

A mistake in the file stops the report with a message naming the file and the entry
(``ReportLabelsError``), never a traceback; a code the file doesn't name is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from gracious.settings import CATALOG_DIR

LABELS_FILE = CATALOG_DIR / "report_labels.yml"
SECTIONS = ("categories", "desk_outcomes", "took")


class ReportLabelsError(ValueError):
    """A problem in the labels file, phrased for the person who must fix it."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        super().__init__(f"{path}: {where}: {problem}")


@dataclass(frozen=True)
class Labels:
    categories: Mapping[str, str] = field(default_factory=dict)
    desk_outcomes: Mapping[str, str] = field(default_factory=dict)
    took: str = "took: {alternative}"


def load_labels(path: Path) -> Labels:
    """Read and validate the labels at ``path``.

    Raises:
        ReportLabelsError: naming the file and the section or entry that is wrong.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportLabelsError(path, "file", "not found") from None
    except yaml.YAMLError as error:
        raise ReportLabelsError(path, "file", f"is not valid YAML ({error})") from None
    if not isinstance(raw, dict):
        raise ReportLabelsError(path, "file", "must be a mapping with 'categories'")
    unknown = sorted(str(k) for k in raw if k not in SECTIONS)
    if unknown:
        raise ReportLabelsError(path, unknown[0], f"is not one of {', '.join(SECTIONS)}")
    took = raw.get("took", Labels.took)
    if not isinstance(took, str) or "{alternative}" not in took:
        raise ReportLabelsError(path, "took", "must be words with {alternative} in them")
    return Labels(_words(path, raw, "categories"), _words(path, raw, "desk_outcomes"), took)


def _words(path: Path, raw: Dict[str, Any], section: str) -> Dict[str, str]:
    entries = raw.get(section) or {}
    if not isinstance(entries, dict):
        raise ReportLabelsError(path, section, "must map each code to its words")
    for code, words in entries.items():
        if not isinstance(words, str) or not words.strip():
            raise ReportLabelsError(path, f"{section}.{code}", "must be words, not empty")
    return {str(code): words.strip() for code, words in entries.items()}


@lru_cache(maxsize=4)
def _loaded(path: Path, modified_ns: int) -> Labels:
    return load_labels(path)


def labels(path: Optional[Path] = None) -> Labels:
    """The labels in ``path`` (catalog/report_labels.yml), read again when the file changes."""
    path = path or LABELS_FILE
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ReportLabelsError(path, "file", "not found") from None
    return _loaded(path, modified)
