"""The signature on everything Gracious and the company's systems send each other.

``X-Gracious-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` with
``GRACIOUS_COMPANY_WEBHOOK_SECRET``: on each commitment we POST, and on each
event the company POSTs to ``/company/events``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Dict, Optional

from gracious.secrets import load_secret
from gracious.settings import settings, var_dir

HEADER = "X-Gracious-Signature"
KEY_HEADER = "Idempotency-Key"
SECRET_FILE = "company_webhook_secret"


def webhook_secret() -> bytes:
    """``GRACIOUS_COMPANY_WEBHOOK_SECRET``, or the one kept in var/ (made once)."""
    return load_secret(var_dir(), settings().company_webhook_secret, SECRET_FILE)


def sign(body: bytes, secret: bytes) -> str:
    """The header value for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: Optional[str], secret: bytes) -> bool:
    """Whether ``header`` is ``body``'s signature with ``secret`` (constant time)."""
    if not header:
        return False
    # Bytes on both sides: a header with characters outside ASCII is simply wrong, never an error.
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().encode("utf-8", "replace"))


def body(message: Dict[str, Any]) -> bytes:
    """The exact bytes signed and sent for ``message``."""
    return json.dumps(message, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")
