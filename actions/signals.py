"""Frustration signals in what a customer typed."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Sequence, Text

import yaml

from actions.config import ROOT
from gracious.wordlists import word_pattern

SIGNALS_FILE = ROOT / "catalog" / "signals.yml"


@lru_cache(maxsize=1)
def _swearing() -> "re.Pattern[str]":
    return word_pattern(yaml.safe_load(SIGNALS_FILE.read_text(encoding="utf-8"))["swearing"])


def frustration_signals(text: Text, earlier_intents: Sequence[Text], intent: Text) -> List[Text]:
    """The signals present: shouting, exclamations, swearing, repeated, venting."""
    signals = []
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) >= 0.6:
        signals.append("shouting")
    if re.search(r"!{2,}|(?:!\s*){3,}", text):
        signals.append("exclamations")
    if _swearing().search(text):
        signals.append("swearing")
    if intent and intent in earlier_intents and intent not in ("greet", "inform", "affirm", "deny", "thank"):
        signals.append("repeated")
    if intent == "express_frustration":
        signals.append("venting")
    return signals
