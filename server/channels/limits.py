"""How large a request may be, and whether its length can be trusted.

Every request body is limited to ``GRACIOUS_MAX_BODY_BYTES`` (64 KiB); only
requests to Rasa's HTTP API that carry its token may send up to
``GRACIOUS_MAX_API_BODY_BYTES`` (512 MiB, for model and training-data uploads).
A ``Content-Length`` that is not a plain number, two of them, or a
``Transfer-Encoding`` other than chunked are refused (Sanic would answer 500 or
guess). The text sent to ``/model/parse`` is held to ``GRACIOUS_MAX_MESSAGE_CHARS``,
like a customer's message (a megabyte of text would keep the server busy for
minutes). server/channels/guards.py puts these on the server.
"""

from __future__ import annotations

import hmac
import json
from typing import Any, Optional, Text

from sanic.exceptions import SanicException

from gracious.settings import Settings

# Paths (as Sanic's router spells them, without the leading slash) that customers
# and agents use: never the large limit, whatever token they carry.
CUSTOMER_PATHS = ("webhooks", "socket.io", "desk", "demo")


class BadFraming(SanicException):
    """A request whose length can't be trusted."""

    status_code = 400
    quiet = True


def framing_problem(headers: Any) -> Optional[Text]:
    """What is wrong with a request's Content-Length / Transfer-Encoding, if anything."""
    lengths = headers.getall("content-length", [])
    encodings = headers.getall("transfer-encoding", [])
    if len(lengths) > 1:
        return "Send one Content-Length header, not several."
    if lengths and not (lengths[0].strip().isascii() and lengths[0].strip().isdigit()):
        return "The Content-Length header must be a whole number of bytes."
    if encodings:
        if len(encodings) > 1 or encodings[0].strip().lower() != "chunked":
            return "Only chunked Transfer-Encoding is supported."
        if lengths:
            return "Send either Content-Length or Transfer-Encoding, not both."
    return None


def api_route(route_path: Text) -> bool:
    """Whether a route is Rasa's HTTP API (not a customer or desk route)."""
    path = route_path.lstrip("/")
    return not any(path == p or path.startswith(p + "/") for p in CUSTOMER_PATHS)


def token_matches(given: Optional[Text], expected: Optional[Text]) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def body_limit(route_path: Text, authorized: bool, settings: Settings) -> int:
    """The body limit for a request to this route."""
    if authorized and api_route(route_path):
        return max(settings.max_api_body_bytes, settings.max_body_bytes)
    return settings.max_body_bytes


# Rasa's HTTP API routes that read a text as a customer message would be read.
PARSE_PATHS = ("/model/parse",)


def parse_text_length(method: Text, path: Text, body: Optional[bytes]) -> int:
    """How long the text given to ``/model/parse`` is (0 for any other request or no text)."""
    if method != "POST" or path.rstrip("/") not in PARSE_PATHS or not body:
        return 0
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return 0  # Rasa answers a malformed body itself
    text = payload.get("text") if isinstance(payload, dict) else None
    return len(text) if isinstance(text, str) else 0
