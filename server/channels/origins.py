"""Which requests another website may make: reading, never changing anything.

A request whose ``Origin`` is another website may read (GET/HEAD, which browsers
cannot read the answer of without CORS headers, and this server sends none to
other sites) but not change anything: POST, PUT, DELETE, PATCH and CORS
preflights (OPTIONS) are refused, and so is socket.io (a WebSocket is not covered
by CORS, so a foreign page could otherwise talk to the widget's channel with the
customer's cookie). Same-origin requests, requests without an ``Origin``
(servers, curl) and the origins in ``GRACIOUS_ALLOWED_ORIGINS`` pass.
"""

from __future__ import annotations

from typing import Optional, Text, Tuple

UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
# socket.io refuses foreign origins for every method: the WebSocket upgrade is a GET.
ALWAYS_SAME_ORIGIN_PATHS = ("/socket.io",)


def origin_allowed(origin: Optional[Text], host: Optional[Text], allowed: Tuple[str, ...] = ()) -> bool:
    """Whether a request with this Origin comes from this site (or one we trust)."""
    if origin is None:
        return True  # not from a browser page: servers, curl, the tests
    origin = origin.strip().rstrip("/").lower()
    if origin in allowed:
        return True
    if "://" not in origin or not host:
        return False  # "null" (sandboxed pages, files) and anything odd
    return origin.split("://", 1)[1] == host.strip().lower()


def cross_site_refused(
    method: Text, path: Text, origin: Optional[Text], host: Optional[Text], allowed: Tuple[str, ...] = ()
) -> bool:
    """Whether to refuse a request as cross-site."""
    if origin_allowed(origin, host, allowed):
        return False
    return method.upper() in UNSAFE_METHODS or path.startswith(ALWAYS_SAME_ORIGIN_PATHS)
