"""A gift in the customer's words, where the classifier alone misses it.

- Said after the case began ("its a GIFT tho. can you send it gift wrapped without the price
  on it?", "it's a present... can it go straight to her"): the case in hand with one more
  fact, read as the case's own intent and marked ``gift_said``. action_empathize adds the
  words to the case's (so the gift stays for the rest of the case), says so in a line, and the
  case is explained and offered again: the gift policy's options when the mistake was ours.
- A wrong item with the day the gift is for ("the dress is red, I ordered navy. Her birthday
  is on Friday"), read as "where is my order" with the wrong item next: a day for an
  occasion is not a delivery we promised, so it is the wrong item (marked ``occasion_day``).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious import signals
from gracious.catalog import current_catalog
from server.dialogue.readings import MEANT, entities_of, read_as

WRONG_ITEM = "report_wrong_item"
STATUS_CASE = "check_order_status"
# "where is my order, it's for her birthday": asking after the parcel is about the parcel.
# "when is it arriving?" (blind panel p52 13) as well as "when will it arrive".
WHERE = re.compile(r"\bwhere\b|\bwhen\b.*\b(?:arriv\w*|com(?:e|es|ing)\b|get here|deliver\w*|ship\w*|turn up)", re.I)


def gift_case_types() -> frozenset:
    """The kinds of case a gift changes: those of a policy written for a gift."""
    return frozenset(t for p in current_catalog().policies if p.when.get("gift") is True for t in p.case_types)


def says_gift(text: str) -> bool:
    return signals.said_it_was_a_gift(text) or signals.asks_for_gift_packing(text)


def reading(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Optional[Dict[str, Any]]:
    """The message read as the gift case it is, or None."""
    intent = (parsed.get("intent") or {}).get("name")
    case_type = tracker.get_slot("case_type")
    if tracker.active_loop_name or intent in MEANT:
        return None
    if not case_type and intent == STATUS_CASE:
        ranking = [r.get("name") for r in parsed.get("intent_ranking") or []]
        if (
            WRONG_ITEM in ranking[1:2]
            and (signals.names_an_occasion(text) or says_gift(text))
            and not signals.says_it_is_late(text)
            and not WHERE.search(text)
        ):
            return read_as(parsed, WRONG_ITEM, "occasion_day")
        return None
    if not case_type or case_type not in gift_case_types() or not says_gift(text):
        return None
    if says_gift(tracker.get_slot("case_details") or ""):
        return None  # the case knows already
    if tracker.get_slot("granted_alternatives") or tracker.get_slot("accepted_alternative"):
        return None  # something is already settled in this case: a question about it, not a new offer
    given = [e.get("value") for e in entities_of(parsed, "order_id")]
    if given and tracker.get_slot("order_id") and given[0] != tracker.get_slot("order_id"):
        return None  # another order: another case
    return read_as(parsed, case_type, "gift_said")
