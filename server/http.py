"""What every page and API of ours shares: the hardening headers, static files, the mounting."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Text

from rasa.core.channels.channel import InputChannel
from sanic import response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

MIME_TYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript"}


def client_address(request: Request) -> Text:
    """The customer's address: the peer's, or the one our own nginx forwards.

    Sanic's ``remote_addr`` trusts a ``Forwarded`` header only when it carries the
    proxy secret (``FORWARDED_SECRET``, which only our nginx knows); a header a
    client wrote itself is ignored and the peer's address is used.
    """
    return request.remote_addr or request.ip or "unknown"


def secured(reply: HTTPResponse, csp: str, cache: bool = True) -> HTTPResponse:
    """Add the Content-Security-Policy and the usual hardening headers to ``reply``."""
    reply.headers["Content-Security-Policy"] = csp
    reply.headers["X-Content-Type-Options"] = "nosniff"
    reply.headers["Referrer-Policy"] = "same-origin"
    if not cache:
        reply.headers["Cache-Control"] = "no-store"
    return reply


async def static_file(path: Optional[Path], csp: str, cache: bool = True) -> HTTPResponse:
    """A file of ours (HTML, CSS or JavaScript, UTF-8), secured; 404 if there is none."""
    if path is None or path.suffix not in MIME_TYPES or not path.is_file():
        raise NotFound("No such file.")
    reply = await response.file(path, mime_type=f"{MIME_TYPES[path.suffix]}; charset=utf-8")
    return secured(reply, csp, cache)


class Site(InputChannel):
    """Pages and APIs served by the Rasa server at ``/<PATH>/``.

    Mounted like a channel (credentials.yml), Rasa's supported way to add routes
    to its server, but at the root rather than under /webhooks/.
    """

    PATH = ""

    @classmethod
    def name(cls) -> Text:
        return cls.PATH

    def url_prefix(self) -> Text:
        return f"/{self.PATH}"
