"""The demo company's receiver on a real Sanic server on loopback (no Rasa), and signed posts to it."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

from sanic import Sanic

from gracious.outbox import signing
from server.company.receiver import DemoCompanyReceiver


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ReceiverApp:
    """The receiver's blueprint served from a thread of its own, as the Rasa server mounts it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/company/demo-receiver"
        Sanic.test_mode = True  # (Sanic rewrites its HTTP methods once per process otherwise)
        self.app = Sanic(f"receiver_test_{uuid.uuid4().hex[:8]}")
        site = DemoCompanyReceiver()

        async def ignored(message: Any) -> None:
            return None

        self.app.blueprint(site.blueprint(ignored), url_prefix=site.url_prefix())
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.server: Any = None

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
        finally:
            self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> "ReceiverApp":
        self._thread.start()
        assert self._ready.wait(10) and self.server is not None, "the receiver did not start"
        return self

    def __exit__(self, *_: Any) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def post(
        self, body: bytes, signature: Optional[str] = None, key: Optional[str] = None, sign: bool = True
    ) -> Tuple[int, Dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        if sign:
            headers[signing.HEADER] = signature or signing.sign(body, signing.webhook_secret())
        if key is not None:
            headers[signing.KEY_HEADER] = key
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            content = error.read()
            return error.code, json.loads(content) if content.startswith(b"{") else {"raw": content.decode()}

    def commit(self, key: str, event: str, **data: Any) -> Tuple[int, Dict[str, Any]]:
        """A commitment as our outbox sends it: signed, with its Idempotency-Key."""
        message = {"id": key, "event": event, "occurred_at": "2026-12-01T14:00:00Z", "data": data}
        return self.post(signing.body(message), key=key)
