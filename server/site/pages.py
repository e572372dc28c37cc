"""The demo company's website, served by the Rasa server itself, with the chat widget.

Mounted at /demo/ (server/http.py). Each page is its title and main content
(web/index.html, web/help.html) in the site's layout (web/layout.html). Every
asset is served from this machine: the widget comes from the rasa-webchat npm
package that `make` installs into node_modules/.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from string import Template
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.settings import ROOT
from server.channels.sessions import BROWSER_COOKIE
from server.http import Site, secured, static_file

WEB = Path(__file__).resolve().parent / "web"
LAYOUT = WEB / "layout.html"
PAGES = {"": "index.html", "help": "help.html"}
WEBCHAT = ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
ASSETS = {
    "gracious-chat.js": WEB / "gracious-chat.js",
    "site.css": WEB / "site.css",
}
# rasa-webchat's bundle imports a web font from Google; the page uses system fonts
# and loads nothing from other hosts, so that import is taken out when served.
FONT_IMPORT = re.compile(rb"@import url\(https://fonts\.googleapis\.com/[^)]*\);")
# Scripts only from this server; the widget sets inline styles, hence style-src.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'"
)


def render(page: Text) -> Text:
    """A page of the site (its first line the title, then the main content) in the layout."""
    title, main = (WEB / page).read_text(encoding="utf-8").split("\n", 1)
    current = {f"current_{Path(other).stem}": "" for other in PAGES.values()}
    current[f"current_{Path(page).stem}"] = ' aria-current="page"'
    return Template(LAYOUT.read_text(encoding="utf-8")).substitute(title=title, main=main.rstrip("\n"), **current)


class DemoSite(Site):
    """The Larkspur & Co. demo pages and their assets, at /demo/."""

    PATH = "demo"

    def __init__(self) -> None:
        self._webchat: Optional[bytes] = None

    def webchat_bundle(self) -> bytes:
        """The widget's bundle without its web-font import, read once."""
        if self._webchat is None:
            self._webchat = FONT_IMPORT.sub(b"", WEBCHAT.read_bytes())
        return self._webchat

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        site = Blueprint("gracious_demo_site", __name__)

        async def page(request: Request, name: Text) -> HTTPResponse:
            reply = response.html(render(PAGES[name]))
            if not request.cookies.get(BROWSER_COOKIE):
                # The browser's own id: chat sessions are bound to it (server/channels/sessions.py).
                reply.cookies[BROWSER_COOKIE] = secrets.token_hex(16)
                reply.cookies[BROWSER_COOKIE]["httponly"] = True
                reply.cookies[BROWSER_COOKIE]["samesite"] = "Strict"
                reply.cookies[BROWSER_COOKIE]["path"] = "/"
                reply.cookies[BROWSER_COOKIE]["max-age"] = 60 * 60 * 24 * 365
            return secured(reply, CSP)

        @site.route("/", methods=["GET"])
        async def home(request: Request) -> HTTPResponse:
            return await page(request, "")

        @site.route("/help", methods=["GET"])
        async def help_page(request: Request) -> HTTPResponse:
            return await page(request, "help")

        @site.route("/static/webchat.js", methods=["GET"])
        async def webchat(request: Request) -> HTTPResponse:
            if not WEBCHAT.exists():
                raise NotFound("The chat widget is not installed: run `make install`.")
            body = self.webchat_bundle()
            return secured(response.raw(body, content_type="application/javascript; charset=utf-8"), CSP)

        @site.route("/static/<name>", methods=["GET"])
        async def asset(request: Request, name: Text) -> HTTPResponse:
            return await static_file(ASSETS.get(name), CSP)

        return site
