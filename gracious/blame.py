"""Phrases that blame or lecture the customer, found the same way everywhere.

The list is the designers' (catalog/blame_words.yml). `make check` refuses a response
that says one, and the tests refuse a reply that does: both ask ``blaming_phrase``.
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


def blaming_phrase(text: str, phrases: Optional[Sequence[str]] = None) -> Optional[str]:
    """The first blaming phrase ``text`` says as whole words, or None."""
    said = normal_text(text)
    for phrase in blame_phrases() if phrases is None else phrases:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", said):
            return phrase
    return None
