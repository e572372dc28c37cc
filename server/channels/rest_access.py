"""Who may post into a REST conversation.

REST is the integrators' channel (the widget uses socket.io). Two modes:

- **With tokens** (``GRACIOUS_REST_TOKENS="shop:<token>,crm:<token>"``): every call
  carries ``Authorization: Bearer <token>``; a call without a known token gets a
  401. A sender id belongs to the integration that used it first; another
  integration posting it gets a 403 and nothing of the conversation.
- **Open** (no tokens, the try-out mode of ``make run``): a sender id belongs to the
  client address that used it first; another address posting it gets a 403. On one
  machine every local caller shares the loopback address, so this mode only keeps
  other machines out: a deployment sets tokens.

In both modes a widget's session id (server/channels/sessions.py) is refused: a
widget conversation is reached through the widget only.
"""

from __future__ import annotations

import hmac
import re
from typing import Dict, Mapping, Optional, Text, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.settings import settings
from server.channels import refusals
from server.channels.callers import caller_key
from server.channels.rest_owners import rest_owners

# What SessionSigner.issue hands out: 16 random bytes and a 16-byte signature, in hex.
WIDGET_SESSION = re.compile(r"[0-9a-f]{32}\.[0-9a-f]{32}")


def integration_for(header: Optional[Text], tokens: Mapping[Text, Text]) -> Optional[Text]:
    """The integration whose token ``header`` ("Bearer <token>") carries, or None.

    Every token is compared, in constant time, whatever matched before.
    """
    scheme, _, given = (header or "").strip().partition(" ")
    given = given.strip()
    found = None
    for name, token in tokens.items():
        if hmac.compare_digest(given.encode(), token.encode()) and scheme.lower() == "bearer" and given:
            found = name
    return found


def authenticate(request: Request) -> Tuple[bool, Text]:
    """(allowed, integration name): always allowed, with "" as the name, when no tokens are set."""
    tokens = settings().rest_tokens
    if not tokens:
        return True, ""
    name = integration_for(request.headers.get("authorization"), tokens)
    return name is not None, name or ""


def is_widget_session(sender: Text) -> bool:
    """Whether ``sender`` has the shape of a widget's session id."""
    return WIDGET_SESSION.fullmatch(sender) is not None


async def refuse_other_callers(sender: Text, who: Dict[Text, Text]) -> Optional[HTTPResponse]:
    """A 403 when ``sender`` is a widget's session or another caller's conversation, else None.

    A new sender id is bound to this caller here.
    """
    if is_widget_session(sender):
        return refusals.widget_session()
    caller = caller_key(who) or "address:unknown"
    if await rest_owners().owner(sender, caller) != caller:
        return refusals.not_your_conversation()
    return None
