"""The emails that go with what the assistant or an agent grants, and who may receive them.

A reply that says an email is coming ("a prepaid return label is on its way to your
email") is said only once the email is in the outbox, written in the grant's own
transaction (gracious/stores/grants.py). Which alternative sends which template of
``catalog/emails.yml``, with which values, is here, for the chat
(actions/apply_alternative.py) and the desk (server/desk/grants.py) alike.

Only a verified address gets anything of an account: the email on file for a
customer verified in this conversation. An address the customer typed for a
follow-up gets a note with no account details in it (``followup_confirmation``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from gracious.stores.grants import Mail

# The values each template is given by the code here (besides {name} and {first_name},
# which every template has). `make check` (studio/check_emails.py) holds each template
# in catalog/emails.yml to the `values` it lists; keep both in step.
FILLS: Dict[str, Tuple[str, ...]] = {
    "return_label_refund": ("reference", "item", "return_code"),
    "return_label_exchange": ("reference", "item", "return_code"),
    "return_label_exchange_size": ("reference", "item", "size", "return_code"),
    "return_label_replacement": ("reference", "item", "return_code"),
    "return_label_faulty": ("reference", "item", "return_code"),
    "return_label_gift": ("reference", "item", "return_code"),
    "delivery_updates": ("reference", "item"),
    "followup_confirmation": (),
}

# The alternatives (catalog/policies.yml) whose confirmation promises an email, and its template.
TEMPLATES = {
    "refund": "return_label_refund",
    "exchange": "return_label_exchange",
    "replacement_overnight": "return_label_replacement",
    "faulty_replacement": "return_label_faulty",
    "gift_replacement": "return_label_gift",
    "delivery_updates": "delivery_updates",
    "email_followup": "followup_confirmation",
}

# The same email when a size was asked for: "size 9.5 is noted", "the right dress, in size L".
SIZED = {
    "return_label_exchange": "return_label_exchange_size",
    "return_label_replacement": "return_label_replacement_size",
}


def promises_email(alternative_id: Optional[str]) -> bool:
    """Whether taking ``alternative_id`` is confirmed with a sentence about an email."""
    return alternative_id in TEMPLATES


def needs_verified_address(alternative_id: Optional[str]) -> bool:
    """Whether the email tells of an account (only ever sent to the verified address on file)."""
    return promises_email(alternative_id) and alternative_id != "email_followup"


def mails_for(
    alternative_id: str,
    *,
    to: Optional[str],
    name: Optional[str] = None,
    reference: Optional[str] = None,
    item: Optional[str] = None,
    size: Optional[str] = None,
) -> List[Mail]:
    """The emails that go with ``alternative_id`` to ``to`` (none without an address).

    ``return_code`` is filled in with the grant (grants.promise). For ``email_followup``
    nothing of the account is put in the mail, whoever's address it is.
    """
    template = TEMPLATES.get(alternative_id)
    if template is None or not to:
        return []
    if template == "followup_confirmation":
        return [Mail(template, to, {}, name=name)]
    if size:
        template = SIZED.get(template, template)
    values: Dict[str, Any] = {"reference": reference or "your order", "item": item or "order"}
    if size:
        values["size"] = size
    return [Mail(template, to, values, name=name)]
