"""The codes the records keep for why and how, each with the words a manager reads.

Every list of handoff reasons and outcomes is this one: the actions write these
codes, the catalog checks ``handoff_when`` against them, the desk offers and
accepts its outcomes from here and sorts its queue by them, and the report
(studio/report_words.py) labels them with these words. A new code goes here
first, with its words.
"""

from __future__ import annotations

from typing import Dict

# Why a conversation went to a person (handoffs.reason), set by action_handoff.
SAFETY = "safety"  # health or danger (server/nlu/safety.py): helped before everyone else
CUSTOMER_ASKED = "customer_asked"
CUSTOMER_ACCEPTED_OFFER = "customer_accepted_offer"
EXECUTIVE_ESCALATION = "executive_escalation"
MISUNDERSTOOD = "misunderstood"
STRONG_FRUSTRATION = "strong_frustration"
BEYOND_ASSISTANT = "beyond_assistant"
SERVICE_OUTAGE = "service_outage"  # the action server was down: the message kept, a person follows up
IDENTITY_UNCONFIRMED = "identity_unconfirmed"  # three account checks failed: a person confirms who it is
# The team a handoff goes to unless the alternative names another (catalog/policies.yml).
CUSTOMER_CARE = "customer_care"
# When a policy offers a person (``handoff_when`` in catalog/policies.yml).
CUSTOMER_ASKS = "customer_asks"
OVER_LIMIT = "over_limit"
DECLINED_ALL = "declined_all"
# How the assistant's case ended (concerns.outcome), set by action_close_conversation;
# any other outcome is the id of the alternative the customer took (catalog/policies.yml).
HANDED_OFF = "handed_off"
EXPLAINED = "explained"
LISTENED = "listened"

HANDOFF_REASONS: Dict[str, str] = {
    SAFETY: "health or safety",
    CUSTOMER_ASKED: "customer asked for a person",
    CUSTOMER_ACCEPTED_OFFER: "customer took the offer of a person",
    EXECUTIVE_ESCALATION: "customer asked for an executive",
    MISUNDERSTOOD: "assistant misunderstood twice",
    STRONG_FRUSTRATION: "strong frustration, twice",
    BEYOND_ASSISTANT: "beyond what the assistant may grant",
    SERVICE_OUTAGE: "assistant unavailable, message kept",
    IDENTITY_UNCONFIRMED: "account details did not match, three times",
}
# Reasons the desk puts ahead of the others (after safety, which goes first of all).
URGENT_REASONS = (STRONG_FRUSTRATION, EXECUTIVE_ESCALATION)

HANDOFF_TRIGGERS: Dict[str, str] = {
    CUSTOMER_ASKS: "the customer asks for a person (every policy has it)",
    OVER_LIMIT: "what the customer wants is beyond what the assistant may grant",
    DECLINED_ALL: "every option of the policy was turned down",
}

ASSISTANT_OUTCOMES: Dict[str, str] = {
    DECLINED_ALL: "declined every alternative",
    HANDED_OFF: "handed to a person",
    EXPLAINED: "policy explained, nothing taken",
    LISTENED: "listened, no policy applied",
}

# How an agent finished a handoff (handoffs.outcome), chosen on the desk.
DESK_OUTCOMES: Dict[str, str] = {
    "resolved": "resolved",
    "credit": "credit given",
    "replacement": "replacement sent",
    "refund": "refunded",
    "callback_booked": "callback booked",
}
