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
import socket
import threading
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

from sanic import Sanic

from server.desk.web import DeskSite

PASSWORD = "plum-orchard-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


class DeskApp:
    """The desk's blueprint served on a free loopback port from a thread of its own."""

    def __init__(self) -> None:
        self.site = DeskSite()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Sanic rewrites its HTTP methods once per process unless in test mode (its own test client's way).
        Sanic.test_mode = True
        self.app = Sanic(f"desk_test_{uuid.uuid4().hex[:8]}")

        async def ignored(message: Any) -> None:
            return None

        self.app.blueprint(self.site.blueprint(ignored), url_prefix=self.site.url_prefix())
        self._ready = threading.Event()
        self.problem: Optional[BaseException] = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> Any:
            server = await self.app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
            )
            await server.startup()
            await server.start_serving()
            return server

        try:
            self.server = self._loop.run_until_complete(start())
        except BaseException as problem:
            self.problem = problem
            self._ready.set()
            raise
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> "DeskApp":
        self._thread.start()
        assert self._ready.wait(10) and self.problem is None, f"the desk did not start: {self.problem!r}"
        return self

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self.site.store.engine.dispose()

    def add_agent(self, name: str, display_name: str, lead: bool = False) -> None:
        asyncio.run(self.site.store.add_agent(name, display_name, PASSWORD, lead=lead))

    def client(self, name: Optional[str] = None) -> Client:
        made = Client(self.base)
        return made.sign_in(name) if name else made
