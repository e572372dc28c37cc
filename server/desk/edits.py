"""``GET /desk/api/edits``: the designers' edits the running assistant refused, for the desk's banner.

A catalog (or wording) file saved with a mistake is not served: customers go on getting
the last good version (gracious/edits.py), and the banner says so; when there is no good
version at all, it says what still works (greetings, a person) and that complaints, orders
and policy questions cannot be answered until the file is fixed. Every desk page polls this (nav.js) and shows
each refusal as a banner, in words made here and written on the page as text only, so
nothing from the file can be read as markup.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.catalog import keep_first_catalog
from gracious.edits import Rejection, rejected_edits
from server.desk.agents import Agent

# What each designers' file is, in the banner's words ("Catalog edit rejected: ...").
KINDS = {"catalog/": "Catalog", "domain.yml": "Wording"}


def banner(rejection: Rejection) -> str:
    """The banner's sentence for one refused edit."""
    kind = next((word for start, word in KINDS.items() if rejection.file.startswith(start)), "Designer's")
    if rejection.served_last_good:
        then = "Customers are being served the last good version."
    else:
        then = (
            "There is no good version to fall back on: the assistant still greets customers and hands them to "
            "a person, but cannot look into complaints or orders, nor answer questions about a policy "
            "(opening hours among them), until it is fixed."
        )
    return f"{kind} edit rejected: {rejection.problem} ({rejection.file} line {rejection.line}). {then}"


def described(rejection: Rejection) -> Dict[str, Any]:
    return {"file": rejection.file, "line": rejection.line, "problem": rejection.problem, "banner": banner(rejection)}


def routes(desk: Blueprint, api: Any, secure: Any) -> None:
    @desk.listener("before_server_start")
    async def read_the_catalog(app: Any, loop: Any) -> None:
        keep_first_catalog()  # this server's fallback when a catalog edit is refused later

    @desk.route("/api/edits", methods=["GET"])
    @api
    async def edits(request: Request, agent: Agent) -> HTTPResponse:
        # Reading a changed file takes a few milliseconds: off the event loop.
        found: List[Rejection] = await asyncio.get_running_loop().run_in_executor(None, rejected_edits)
        return secure(response.json({"rejected": [described(r) for r in found]}))
