"""Designers' edits the running assistant refused, for the desk's banner.

A file saved with a mistake while the assistant runs is not put into service: the
last good version goes on answering customers (gracious/catalog.py keeps it), and
the refusal is listed here, where it is, what is wrong and how to fix it, until a
good version is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List

from gracious.settings import ROOT


@dataclass(frozen=True)
class Rejection:
    """One refused edit: the file (from the project root), the line, and what is wrong with the fix.

    ``served_last_good`` is False when no good version of the file exists to serve instead
    (a catalog broken since the server started, with no copy kept on disk).
    """

    file: str
    line: int
    problem: str
    served_last_good: bool = True

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


def project_path(path: Path) -> str:
    """A designer's file as the project names it: from the project root (or a copy's own root)."""
    resolved = Path(path).resolve() if Path(path).is_absolute() else Path(path)
    if resolved.is_relative_to(ROOT):
        return str(resolved.relative_to(ROOT))
    if resolved.parent.name == "catalog":  # a copy of the project, as a designer's tests make
        return f"catalog/{resolved.name}"
    return str(path)


def rejected_edits() -> List[Rejection]:
    """Every designer's file the running assistant is refusing now (each looks at its file first)."""
    from gracious.catalog import catalog_rejection  # gracious.catalog imports this module
    from gracious.responses import responses_rejection  # domain.yml's responses (imports this module too)

    return [found for found in (catalog_rejection(), responses_rejection()) if found is not None]
