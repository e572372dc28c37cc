"""The demo company's website, served by the Rasa server itself, with the chat widget.

Mounted at /demo/ (server/http.py). Each page is its title and main content
(web/index.html, web/help.html) in the site's layout (web/layout.html), with the
"Demo sign-in" box (server/site/sign_in.py): POST /demo/sign-in and
/demo/sign-out from the site's own pages, and GET /demo/identity, the signed
identity the widget sends with every message. Every asset is served from this
machine: the widget comes from the rasa-webchat npm package that `make`
installs into node_modules/.
"""

from __future__ import annotations

import html
import re
import secrets
from pathlib import Path
from string import Template
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.settings import ROOT
from server.channels.sessions import BROWSER_COOKIE
from server.http import Site, secured, static_file
from server.site import sign_in

WEB = Path(__file__).resolve().parent / "web"
LAYOUT = WEB / "layout.html"
PAGES = {"": "index.html", "help": "help.html"}
# Where a sign-in or sign-out goes back to: one of our pages, never an address a request names.
BACK_TO = {f"/demo/{name}": f"/demo/{name}" for name in PAGES}
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
    "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
UNKNOWN_CUSTOMER = "We couldn't find that demo customer. Please go back and pick one of the names in the list."
CROSS_SITE = "This came from another website, so we didn't act on it. Please sign in or out from our own pages."


def render(page: Text, sign_in_box: Text = "") -> Text:
    """A page of the site (its first line the title, then the main content) in the layout."""
    title, main = (WEB / page).read_text(encoding="utf-8").split("\n", 1)
    return in_layout(title, main, page, sign_in_box)


def in_layout(title: Text, main: Text, page: Text = "", sign_in_box: Text = "") -> Text:
    """``title`` and ``main`` (HTML) in the site's layout, ``page`` marked current in the menu."""
    current = {f"current_{Path(other).stem}": "" for other in PAGES.values()}
    if page:
        current[f"current_{Path(page).stem}"] = ' aria-current="page"'
    return Template(LAYOUT.read_text(encoding="utf-8")).substitute(
        title=title, main=main.rstrip("\n"), sign_in=sign_in_box, **current
    )


def message_page(status: int, heading: Text, words: Text, back_to: Text = "/demo/") -> HTTPResponse:
    """A short page with our words and the way back, for a sign-in we could not do."""
    main = (
        f'  <main id="main">\n    <h1>{html.escape(heading, False)}</h1>\n    <p>{html.escape(words, False)}</p>\n'
        f'    <p><a href="{html.escape(back_to)}">Back to the website</a></p>\n  </main>'
    )
    page = in_layout(f"<title>{html.escape(heading)} | Larkspur &amp; Co.</title>", main)
    return secured(response.html(page, status=status), CSP, cache=False)


def form_fields(request: Request) -> Dict[Text, Any]:
    """The fields of a form post (or a JSON body): what a sign-in or sign-out sent."""
    if "json" in (request.content_type or ""):
        try:
            body = request.json
        except Exception:  # not JSON at all: nothing was sent
            return {}
        return body if isinstance(body, dict) else {}
    return {name: request.form.get(name) for name in request.form}


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
            found = await sign_in.signed_in(request)
            box = sign_in.control(await sign_in.demo_customers(), found and found[1], f"/demo/{name}")
            reply = response.html(render(PAGES[name], box))
            if request.cookies.get(sign_in.COOKIE) and not found:
                sign_in.forget(reply)  # expired, or signed with another secret: a guest again
            if not request.cookies.get(BROWSER_COOKIE):
                # The browser's own id: chat sessions are bound to it (server/channels/sessions.py).
                reply.cookies[BROWSER_COOKIE] = secrets.token_hex(16)
                reply.cookies[BROWSER_COOKIE]["httponly"] = True
                reply.cookies[BROWSER_COOKIE]["samesite"] = "Strict"
                reply.cookies[BROWSER_COOKIE]["path"] = "/"
                reply.cookies[BROWSER_COOKIE]["max-age"] = 60 * 60 * 24 * 365
            return secured(reply, CSP, cache=False)  # the sign-in box differs per visitor

        @site.route("/", methods=["GET"])
        async def home(request: Request) -> HTTPResponse:
            return await page(request, "")

        @site.route("/help", methods=["GET"])
        async def help_page(request: Request) -> HTTPResponse:
            return await page(request, "help")

        @site.route("/sign-in", methods=["POST"])
        async def sign_in_route(request: Request) -> HTTPResponse:
            if not sign_in.same_origin(request):
                return message_page(403, "Not signed in", CROSS_SITE)
            fields = form_fields(request)
            back_to = BACK_TO.get(str(fields.get("next")), "/demo/")
            customer = await sign_in.demo_customer(fields.get("customer"))
            if customer is None:
                return message_page(400, "Who would you like to be?", UNKNOWN_CUSTOMER, back_to)
            return sign_in.remember(
                secured(response.redirect(back_to, status=303), CSP, cache=False), request, customer
            )

        @site.route("/sign-out", methods=["POST"])
        async def sign_out_route(request: Request) -> HTTPResponse:
            if not sign_in.same_origin(request):
                return message_page(403, "Still signed in", CROSS_SITE)
            back_to = BACK_TO.get(str(form_fields(request).get("next")), "/demo/")
            return sign_in.forget(secured(response.redirect(back_to, status=303), CSP, cache=False))

        @site.route("/identity", methods=["GET"])
        async def current_identity(request: Request) -> HTTPResponse:
            # What the widget sends as customData.identity: the signed-in customer's, or nothing.
            ours = sign_in.same_origin(request)
            found = await sign_in.signed_in(request) if ours else None
            body = {"identity": found[0], "name": found[1].name, "customer": found[1].id} if found else {}
            reply = secured(response.json(body), CSP, cache=False)
            reply.headers["Cross-Origin-Resource-Policy"] = "same-origin"
            if ours and request.cookies.get(sign_in.COOKIE) and not found:
                sign_in.forget(reply)
            return reply

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
