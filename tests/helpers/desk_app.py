"""The desk's routes on a real Sanic server on loopback, for API tests below the whole servers.

Only the desk is mounted (no Rasa agent): the routes that need a conversation
(a case's transcript, a reply) are for tests/e2e/; everything else answers as
it does in the Rasa server. ``DeskApp.client()`` is an agent's browser: a cookie
jar, the desk's JSON, and the status of every answer.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

from server.desk.web import DeskSite
from tests.helpers.loopback_sanic import LoopbackSanic, free_port  # noqa: F401 (free_port: for the tests)

PASSWORD = "plum-orchard-42"


class Client:
    """An agent's browser: the desk's cookie kept between calls."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def raw(self, path: str, body: Optional[Dict[str, Any]] = None) -> Tuple[int, Dict[str, str], bytes]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": "application/json"})
        try:
            with self.opener.open(request, timeout=10) as reply:
                return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def call(self, path: str, body: Optional[Dict[str, Any]] = None) -> Tuple[int, Any]:
        status, _, content = self.raw(path, body)
        return status, json.loads(content or b"null")

    def sign_in(self, name: str) -> "Client":
        status, body = self.call("/desk/login", {"name": name, "password": PASSWORD})
        assert status == 200, body
        return self


class DeskApp(LoopbackSanic):
    """The desk's blueprint served on a free loopback port from a thread of its own."""

    def __init__(self) -> None:
        self.site = DeskSite()
        super().__init__(self.site)

    def start(self) -> "DeskApp":
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        self.site.store.engine.dispose()

    def add_agent(self, name: str, display_name: str, lead: bool = False) -> None:
        asyncio.run(self.site.store.add_agent(name, display_name, PASSWORD, lead=lead))

    def client(self, name: Optional[str] = None) -> Client:
        made = Client(self.base)
        return made.sign_in(name) if name else made
