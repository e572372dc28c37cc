"""The demo company's own receiver for Gracious's commitments: ``POST /company/demo-receiver``.

What a company's systems do with our webhook, done for the demo company so that
`make run` keeps every promise end to end: the launcher points
``GRACIOUS_COMPANY_WEBHOOK_URL`` here when the company is the demo company, and a
credit the assistant grants shows on the bill when the customer asks again.

Each request is checked in this order, and answered in JSON:

- a body over 64 KB: 413;
- ``X-Gracious-Signature`` missing or not the body's (gracious/outbox/signing.py): 401;
- no ``Idempotency-Key``, a body without its ``id``, or a key that is not the body's
  ``id``: 400 (the body is signed, the header is not: a captured body posted again
  under a new key is still the same commitment);
- a body that is not a JSON object with an ``event``: 400;
- otherwise 200, the commitment applied once per key (gracious/stores/applied.py):
  ``{"status": "applied" | "recorded" | "received", "id": key}``, and for a key seen
  before ``{"status": "already applied", ...}`` with nothing changed. An event the demo
  company does not act on is kept as "received" and answered 200, so our outbox does
  not send it again forever.

Only the demo company has this receiver (its records are var/company.db); with a
company database of its own (``GRACIOUS_COMPANY_DB_URL``) it answers 404: that
company's own systems receive the webhook.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Mapping, Text, Tuple

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.outbox import signing
from gracious.stores import company
from gracious.stores.company import is_demo_company
from server.channels.guards import GuardedBlueprint
from server.http import Site, secured

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_KEY_CHARS = 200
CSP = "default-src 'none'; frame-ancestors 'none'"


async def handle(raw: bytes, headers: Mapping[Text, Text]) -> Tuple[int, Dict[Text, Any]]:
    """The status and JSON answer for one POST of ``raw`` with ``headers``."""
    if not is_demo_company():
        return 404, {"error": "This server has no demo company: its company's own systems receive commitments."}
    if len(raw) > MAX_BODY_BYTES:
        return 413, {"error": f"A commitment is at most {MAX_BODY_BYTES // 1024} KB."}
    if not signing.verify(raw, headers.get(signing.HEADER), signing.webhook_secret()):
        return 401, {"error": f"The {signing.HEADER} header is missing or does not match the body."}
    key = (headers.get(signing.KEY_HEADER) or "").strip()
    if not key or len(key) > MAX_KEY_CHARS:
        return 400, {"error": f"Send the {signing.KEY_HEADER} header (the commitment's id, up to 200 characters)."}
    try:
        message = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return 400, {"error": "The body is not valid JSON."}
    if not isinstance(message, dict) or not isinstance(message.get("event"), str) or not message["event"]:
        return 400, {"error": 'The body should be a JSON object with its "event".'}
    if message.get("id") != key:  # the signed id, so a new unsigned key can't make a replay new
        return 400, {"error": f'The body\'s "id" and the {signing.KEY_HEADER} header should be the same.'}
    receipt = await company().apply_commitment(key, message)
    if not receipt.created:
        return 200, {"status": "already applied", "id": key}
    logger.info("The demo company took a %s commitment (%s).", message["event"][:60], receipt.outcome)
    return 200, {"status": receipt.outcome, "id": key}


class DemoCompanyReceiver(Site):
    """The demo company's receiver at /company/demo-receiver."""

    PATH = "company"

    @classmethod
    def name(cls) -> Text:
        return "company_demo_receiver"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        receiver: Blueprint = GuardedBlueprint("gracious_company_demo_receiver", __name__)

        @receiver.route("/demo-receiver", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status, body = await handle(request.body or b"", request.headers)
            return secured(response.json(body, status=status), CSP, cache=False)

        return receiver
