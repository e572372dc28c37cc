"""How a message is given another reading: the intents a repair gives, and the small tools for it.

server/dialogue/repair.py decides when; these say what a reading is (the intent it
names, marked with the repair that named it) and which readings are never redone.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair

CANCEL = "cancel"
WHY = "ask_why"
STATUS = "ask_status"
# What a new reference for the case in hand can be read as ("actually it's LK-10426").
REFERENCE_READINGS = {"inform", "deny", "affirm", "nlu_fallback", "choose_alternative"}
# What "that's all, thanks" can be read as.
CLOSING_READINGS = {"deny", "thank", "affirm", "nlu_fallback", "goodbye", "greet"}
# What a short goodbye with a word of leaving ("whatever. bye") can be read as, besides the above.
LEAVING = {"cancel", "express_frustration", "out_of_scope"}
# What a short "why?" can be mistaken for (besides the case in hand).
WHY_READINGS = {WHY, "ask_policy", "nlu_fallback", "deny", "express_frustration", "out_of_scope", "inform", "affirm"}
# Intents never re-read: someone asking for a person or saying goodbye means it.
MEANT = {"request_human", "request_executive", "goodbye"}
# A code with a space or dash, named as a code: "summer 20 code", "code welcome-10".
SPACED_CODE = re.compile(
    r"\b([A-Za-z]{4,}[\s-]\d{2})\s+(?:code|coupon|promo|voucher)\b|\b(?:code|coupon|promo|voucher)\s+([A-Za-z]{4,}[\s-]\d{2})\b",
    re.I,
)
NOT_THE_CEO = re.compile(r"\bnot\s+(?:the\s+|your\s+)?(?:ceo|boss|owner|top)\b", re.I)


def read_as(parsed: Dict[str, Any], intent: str, repaired: str, entities: Optional[list] = None) -> Dict[str, Any]:
    """``parsed`` read as ``intent`` for certain, marked with the repair that read it so."""
    reread = dict(parsed)
    reread["intent"] = {"name": intent, "confidence": 1.0}
    reread["intent_ranking"] = [reread["intent"]]
    if entities is not None:
        reread["entities"] = entities
    reread["repair"] = repaired
    return reread


def second_reading(parsed: Dict[str, Any], dropped: str = WHY) -> Dict[str, Any]:
    """The classifier's next reading, with ``dropped`` taken out of its ranking."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != dropped]
    if not ranking:
        return parsed
    reread = dict(parsed, intent=ranking[0], intent_ranking=ranking)
    reread["repair"] = "not_why" if dropped == WHY else f"not_{dropped}"
    return reread


def entities_of(parsed: Dict[str, Any], *names: str) -> list:
    """The entities of ``parsed`` named ``names``."""
    return [e for e in parsed.get("entities") or [] if e.get("entity") in names]


def not_a_coupon(parsed: Dict[str, Any], tracker: DialogueStateTracker) -> Dict[str, Any]:
    """ "it hasnt gone out yet!! can you not just change the size", in another case, read
    as a coupon problem: without a code or a coupon word it isn't one."""
    text = parsed.get("text") or ""
    if (
        (parsed.get("intent") or {}).get("name") == "coupon_problem"
        and tracker.get_slot("case_type") not in (None, "coupon_problem")
        and not entities_of(parsed, "coupon_code")
        and not repair.says("coupon_words", text)
    ):
        return second_reading(parsed, "coupon_problem")
    return parsed


def whole_message(entity: str, value: Any, text: str) -> Dict[str, Any]:
    """An entity a repair found in the whole message (a time, a topic, an option)."""
    return {"entity": entity, "value": value, "start": 0, "end": len(text), "extractor": "repair"}
