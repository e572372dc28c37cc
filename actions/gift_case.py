"""A gift said in the case: its words kept for the rest of the case (server/dialogue/gift_said.py).

The case's words (slot ``case_details``) are what its facts are read from with each message
(actions/case.py). A gift told later is added to them; a case that changes kind on the same
order ("It arrived, that's not the problem. You sent the WRONG COLOUR") keeps the sentences
that said it was a gift, so the gift is never lost on a correction.
"""

from __future__ import annotations

import re
from typing import Text

from rasa_sdk import Tracker

from gracious.references import normalize_reference
from gracious.signals import asks_for_gift_packing, said_it_was_a_gift

LIMIT = 500
SENTENCES = re.compile(r"(?<=[.!?])\s+")
REFERENCE = re.compile(r"\b(?:LK|BL)[\s-]?\d{4,}\b", re.I)


def says_gift(text: Text) -> bool:
    return said_it_was_a_gift(text) or asks_for_gift_packing(text)


def gift_words(text: Text) -> Text:
    """The sentences of ``text`` that say it was a gift."""
    return " ".join(s for s in SENTENCES.split(text or "") if says_gift(s))


def with_gift_added(details: Text, text: Text) -> Text:
    """The case's words with a later message added, the new words kept whole within the limit."""
    added = text[: LIMIT // 2]
    return f"{details[: LIMIT - len(added) - 1]} {added}".strip()


def new_case_words(tracker: Tracker, text: Text) -> Text:
    """The words of a case opened by ``text``: with the gift said earlier about the same order."""
    earlier = tracker.get_slot("case_details") or ""
    order = tracker.get_slot("order_id")
    named = {normalize_reference(r) for r in REFERENCE.findall(text)}
    if not order or (named and normalize_reference(order) not in named) or says_gift(text):
        return text[:LIMIT]
    kept = gift_words(earlier)
    return with_gift_added(text, kept) if kept else text[:LIMIT]
