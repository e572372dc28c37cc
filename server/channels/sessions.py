"""Chat session ids the server hands out, signed so they can't be guessed or moved.

A session id is ``<random>.<signature>``; the signature covers the random part and
the browser's own HttpOnly cookie. A browser can therefore only continue a
conversation whose id this server gave to that same browser: guessing an id, or
copying one into another browser, gets a new conversation instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Optional

from gracious import secrets as secrets_file

BROWSER_COOKIE = "gracious_browser"


def load_secret(var_dir: Path, configured: Optional[str] = None) -> bytes:
    """``configured`` (GRACIOUS_SESSION_SECRET), or a random secret kept 0600 in var/ across restarts."""
    return secrets_file.load_secret(var_dir, configured, "session_secret")


def browser_from_cookie_header(header: Optional[str]) -> str:
    """The browser id from a Cookie header, or '' when there is none."""
    if not header:
        return ""
    cookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:  # noqa: BLE001 - a malformed cookie header is just no cookie
        return ""
    morsel = cookie.get(BROWSER_COOKIE)
    return morsel.value if morsel else ""


class SessionSigner:
    """Issues and checks session ids bound to one browser."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, token: str, browser: str) -> str:
        message = f"{token}|{browser}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def issue(self, browser: str) -> str:
        token = secrets.token_hex(16)
        return f"{token}.{self._signature(token, browser)}"

    def valid(self, session_id: object, browser: str) -> bool:
        if not isinstance(session_id, str) or session_id.count(".") != 1 or len(session_id) > 80:
            return False
        token, signature = session_id.split(".")
        return hmac.compare_digest(signature, self._signature(token, browser))
