"""What a record already has, said when the case is opened, before anything is offered or promised.

Panel p1: a customer back about a grant made in an earlier chat ("is the $10 credit actually
going on?", "BL-30018 is still missing its discount, can you credit it") heard the policy
explained and the options offered again, and one told "a full refund is yours" for an order
whose replacement was under way was then refused the refund. Once the customer is verified
for the record, ``arranged`` finds the once-per-record grants it has (gracious/stores/grants.py),
``say`` tells each with its date (and its amount, for a credit), and ``replaces_explanation``
decides when that is said instead of the policy's explanation (which would promise, or explain
how to put right, what is already put right).
action_offer_alternatives then leaves out what the record can no longer have.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Collection, Dict, List, Optional, Sequence, Text

from rasa_sdk.executor import CollectingDispatcher

from actions.case import money
from actions.offer_alternatives import granted_already, remedy_taken
from gracious.catalog import Policy
from gracious.stores import company
from gracious.stores.company_schema import ONCE_PER_RECORD
from gracious.stores.grants import REMEDIES, WAITS_FOR_RETURN

# facts["arranged_before"]: the kinds said, for the offer that follows (actions/offer_alternatives.py).
ARRANGED = "arranged_before"
# Said instead of the explanation when a sum beyond the limit is asked for on such a record: the plain no
# that a sum pressed again gets (server/dialogue/readings.py amount_pressed).
SUM_REFUSED = "utter_answer_amount_pressed"
# Kinds that put the problem itself right: with one under way, the explanation of how to is not said.
PUT_RIGHT = (*REMEDIES, "remake")
# Kinds that arrange something rather than give it (a call, a person, an email, information).
ARRANGEMENTS = ("callback", "handoff", "followup", "info")
# Where a grant was made, as actions/case.py facts' "<kind>_before_by" says it.
EARLIER_CHAT = "in an earlier chat with us"
# What a replacement under way is, said after the line that it is (the alternative it was granted as).
DETAILS = ("utter_record_before_replacement_overnight", "utter_record_before_gift_replacement")
# How a kind is named to the customer ("the replacement").
NAMES = {"refund": "refund", "exchange": "exchange", "replacement": "replacement", "remake": "remake"}


async def arranged(facts: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The once-per-record grants (rows: kind, amount, created_at) the verified record has, the first
    of each kind, oldest first; none before the customer is verified for the record. All of them, not
    only the kinds the policy in hand grants: "is the $10 credit going on?" is answered whatever
    the case is read as."""
    reference = facts.get("reference")
    if not reference or not facts.get("verified") or not facts.get("granted_kinds"):
        return []
    found: Dict[Text, Dict[str, Any]] = {}
    for row in await company().grants_for(reference):
        if row.get("kind") in ONCE_PER_RECORD and row["kind"] not in found:
            found[row["kind"]] = row
    return list(found.values())


# "ok. so where is my grinder right now" on a late order whose credit was given before (blind panel p43 18):
# where it is, which the explanation says, never only the credit again.
WHERE_ASKED = re.compile(
    r"\bwhere(?:'s|\s+is|\s+are|s)\b|\btrack(?:ing)?\b|\bstatus\b|\bwhen\s+will\s+it\s+(?:come|arrive|get)"
    # "any news on my coffee grinder?" (blind panel p50 22): where it is, never only the credit given before.
    r"|\bany\s+(?:news|update|updates|word)\b|\b(?:news|update|updates)\s+on\b|\bstuck\b|\bstill\s+(?:coming|on\s+its\s+way)\b",
    re.I,
)


def replaces_explanation(
    policy: Policy,
    role: Text,
    grants: List[Dict[str, Any]],
    facts: Dict[str, Any],
    asked: Text = "",
    wording: Sequence[Text] = (),
) -> bool:
    """Whether what is arranged is said instead of the policy's explanation: a remedy (or a remake)
    is under way, or the explanation would promise what is owed ("a full refund is yours", "I'll put
    it right now") and the record has it already, or can no longer have it, or every credit the policy
    offers is on the record already."""
    if not grants:
        return False
    if any(g.get("kind") in PUT_RIGHT for g in grants):
        return True
    credits = [o for o in policy.alternatives if o.alternative.kind == "credit"]
    if (
        role != "entitled"
        and credits
        and all(granted_already(o, facts) for o in credits)
        # Only an explanation that speaks of a credit (``wording``: its variations, when known): "why no 10% discount
        # on BL-30017??" with its goodwill credit given in another chat is told why (a conversation of our own,
        # 6 December: "Yes: the $10.00 is on your account").
        and (not wording or any("credit" in t.lower() for t in wording))
        and not (WHERE_ASKED.search(asked) and "check_order_status" in policy.case_types)
    ):
        # "a goodwill credit of up to $25.00 is mine to give, I can put it on now" with the record's credit
        # given already, so none is offered (blind panel p36 20): the credit on record is said instead.
        return True
    owed = [o for o in policy.entitled_alternatives if o.alternative.kind not in ARRANGEMENTS]
    return role == "entitled" and all(granted_already(o, facts) or remedy_taken(o, facts) for o in owed)


def say(
    dispatcher: CollectingDispatcher,
    reference: Text,
    grants: List[Dict[str, Any]],
    case_type: Text = "",
    said: Collection[Text] = (),
    facts: Optional[Dict[str, Any]] = None,
) -> int:
    """One line per grant: a credit with its amount, a remedy as under way; each with its date.
    A refund asked for where a replacement or an exchange is under way ("id rather have a refund
    than the replacement"): how to get the money back after all, not "nothing more to do".
    A line among ``said`` (the responses this chat had already) is not said again: "right but why was
    the discount so small" heard "Good news: the $10.00 credit ..." twice in a row (blind panel p43 13).
    Returns how many lines were said."""
    from actions.apply_alternative import granted_on  # (it imports actions that import this one)

    told = 0
    facts = facts or {}
    for row in grants:
        when = granted_on(_utc(row.get("created_at")))
        if facts.get(f"{row['kind']}_before_by") == EARLIER_CHAT:
            # "wait what replacement?? nobody told me anything" (a conversation of our own, 6 December): where it was
            # arranged, said with when.
            when += ", in another chat with us"
        if row["kind"] == "credit":
            amount = money(row.get("amount"))
            response = "utter_record_credited_before" if amount else "utter_record_credited_before_plain"
            if response in said:
                continue
            dispatcher.utter_message(response=response, reference=reference, amount=amount, granted_on=when)
        else:
            what = NAMES.get(row["kind"], row["kind"].replace("_", " "))
            instead = case_type == "request_refund" and row["kind"] in ("replacement", "exchange")
            response = "utter_record_arranged_before_refund_asked" if instead else "utter_record_arranged_before"
            if instead and row["kind"] in (facts.get("switchable_remedies") or []):
                response = "utter_record_arranged_before_refund_switch"  # the refund is on offer, as a switch
            not_here = facts.get("reference_kind") == "order" and facts.get("order_delivered") is False
            if not instead and row["kind"] == "refund" and not_here:
                # A late order's refund, arranged before it came (blind panels p69 Z-10, p70 AA-03, AB-03: "send it
                # with the prepaid label we emailed" to someone still waiting for it): nothing to send back.
                response = "utter_record_arranged_before_not_here"
            elif not instead and row["kind"] in WAITS_FOR_RETURN:
                response += "_return"  # the old one is still to go back: never "nothing more to do" (p37 24)
            if response in said:
                continue
            dispatcher.utter_message(response=response, reference=reference, what=what, granted_on=when)
            detail = f"utter_record_before_{facts.get('replacement_before')}"
            if row["kind"] == "replacement" and not instead and detail in DETAILS and detail not in said:
                # What is on its way, and what happens to the one sent by mistake (answered next otherwise).
                dispatcher.utter_message(response=detail, item=facts.get("order_item") or "")
        told += 1
    return told


def _utc(value: Any) -> datetime:
    """A stored time (naive UTC, or its ISO text) as an aware one; now when there is none."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return datetime.now(timezone.utc)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def said_kinds(grants: List[Dict[str, Any]]) -> List[Text]:
    return [row["kind"] for row in grants]
