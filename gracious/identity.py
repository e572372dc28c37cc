"""The identity a website vouches for: its signed-in customer, signed with the site secret.

The company's website knows who is signed in; the assistant does not. The page passes
``identity`` in the widget's ``customData`` (REST integrators pass it in ``metadata``):

    v1.<customer id>.<expiry, unix seconds>.<hex HMAC-SHA256 of "v1.<customer id>.<expiry>">

signed with ``GRACIOUS_SITE_SECRET`` (the way Intercom's identity verification and
Chatwoot's HMAC work). A valid, unexpired identity verifies the customer for their own
records in that conversation; a forged, altered or expired one verifies nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Optional

from gracious.secrets import load_secret
from gracious.settings import settings, var_dir

VERSION = "v1"
# How long a signature from the demo website holds (a signed-in page is reloaded more often).
DEMO_LIFETIME_SECONDS = 8 * 3600
# No identity holds longer than a day from now, however far its expiry is set.
MAX_LIFETIME_SECONDS = 24 * 3600
_SHAPE = re.compile(r"v1\.([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([0-9a-f]{64})")


def site_secret() -> bytes:
    """``GRACIOUS_SITE_SECRET``, or a random one kept in var/ (0600) for the demo website."""
    return load_secret(var_dir(), settings().site_secret, "site_secret")


def _mac(secret: bytes, customer_id: str, expires: int) -> str:
    return hmac.new(secret, f"{VERSION}.{customer_id}.{expires}".encode(), hashlib.sha256).hexdigest()


def sign(customer_id: str, lifetime_seconds: int = DEMO_LIFETIME_SECONDS, secret: Optional[bytes] = None) -> str:
    """A signed identity for ``customer_id`` that holds for ``lifetime_seconds``."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", customer_id):
        raise ValueError("A customer id is 1 to 64 letters, digits, '-' or '_'.")
    expires = int(time.time()) + int(lifetime_seconds)
    return f"{VERSION}.{customer_id}.{expires}.{_mac(secret or site_secret(), customer_id, expires)}"


def verified_customer(identity: object, secret: Optional[bytes] = None, now: Optional[float] = None) -> Optional[str]:
    """The customer id a signed identity vouches for, or None (absent, malformed, forged or expired)."""
    if not isinstance(identity, str):
        return None
    shape = _SHAPE.fullmatch(identity.strip())
    if shape is None:
        return None
    customer_id, expires, mac = shape.group(1), int(shape.group(2)), shape.group(3)
    moment = time.time() if now is None else now
    if not moment <= expires <= moment + MAX_LIFETIME_SECONDS:
        return None  # expired, or signed to hold for longer than any website should
    if not hmac.compare_digest(mac, _mac(secret or site_secret(), customer_id, expires)):
        return None
    return customer_id
