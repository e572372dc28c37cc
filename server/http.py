"""Headers every page and API of ours carries."""

from __future__ import annotations

from sanic.response import HTTPResponse


def secured(reply: HTTPResponse, csp: str, cache: bool = True) -> HTTPResponse:
    """Add the Content-Security-Policy and the usual hardening headers to ``reply``."""
    reply.headers["Content-Security-Policy"] = csp
    reply.headers["X-Content-Type-Options"] = "nosniff"
    reply.headers["Referrer-Policy"] = "same-origin"
    if not cache:
        reply.headers["Cache-Control"] = "no-store"
    return reply
