"""Phrases that blame or lecture the customer, found the same way everywhere.

The list is the designers' (catalog/blame_words.yml). `make check` refuses a response
that says one, and the tests refuse a reply that does: both ask ``blaming_phrases``.
A phrase counts as whole words, whatever the case and whichever apostrophe.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Sequence

import yaml

from gracious.settings import CATALOG_DIR

BLAME_FILE = CATALOG_DIR / "blame_words.yml"


def normal_text(value: str) -> str:
    """Lower case, with curly apostrophes made straight."""
    return value.lower().replace("\u2019", "'").replace("\u2018", "'")


def blame_phrases(path: Path = BLAME_FILE) -> List[str]:
    """The phrases in ``path``, normalised."""
    return [normal_text(str(p)) for p in yaml.safe_load(path.read_text(encoding="utf-8"))["phrases"]]


def blaming_phrases(text: str, phrases: Optional[Sequence[str]] = None) -> List[str]:
    """Every blaming phrase ``text`` says as whole words (``phrases``: the designers' list)."""
    said = normal_text(text)
    listed = blame_phrases() if phrases is None else phrases
    return [phrase for phrase in listed if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", said)]
