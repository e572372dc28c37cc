"""A customer who skipped the account check and gives the details later.

"ok fine, I changed my mind: daniel.reyes@example.com" after "I'd rather not": the
case in hand again (its rule runs the case form and explains it), and
action_explain_policy checks the details on the way (actions/verification.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from gracious.contact_details import contacts
from server.dialogue.readings import read_as


def details_given_later(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Optional[Dict[str, Any]]:
    """The message read as the case in hand when it brings the account's details after all."""
    facts = tracker.get_slot("case_facts") or {}
    case_type = tracker.get_slot("case_type")
    if tracker.active_loop_name or not case_type or not isinstance(facts, dict):
        return None
    if not facts.get("verification_needed") or facts.get("verification_failed"):
        return None
    if contacts(text) == ([], []):
        return None
    return read_as(parsed, case_type, "account_details_later")


# A reason asked for beside the details: "why do you even need this", "what's that for", "how come?".
WHY_ASKED = re.compile(r"\b(?:why|how come|what\W*s (?:that|this|it) for|what (?:do|does) (?:you|u) need)\b", re.I)


def details_with_a_why(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Optional[Dict[str, Any]]:
    """ "oops typo. try my phone 555 0178. why do you even need this" while the check asks: the details
    are the answer, checked (inform), and the why is answered first (actions/case_form.py)."""
    if tracker.active_loop_name != "case_form" or tracker.get_slot("requested_slot") != "account_check":
        return None
    if (parsed.get("intent") or {}).get("name") not in ("ask_why", "ask_policy", "nlu_fallback"):
        return None
    if contacts(text) == ([], []) or not WHY_ASKED.search(text):
        # "my name is maya okafor and my email is maya.okafor@example.com" (blind panel p60): details, no why.
        return None
    return read_as(parsed, "inform", "account_answer_why")
