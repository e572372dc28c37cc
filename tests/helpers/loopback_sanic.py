"""One of our Rasa-server plugins on a real Sanic server on loopback, without Rasa.

For API tests below the whole servers: the plugin's blueprint is mounted as the
Rasa server mounts it (``url_prefix()``), served on a free port from a thread of
its own, and stopped with ``stop()`` (or as a context manager).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from typing import Any, Optional

from sanic import Sanic


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackSanic:
    """``plugin`` (an InputChannel of ours) served at ``self.base``."""

    def __init__(self, plugin: Any) -> None:
        self.plugin = plugin
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Sanic rewrites its HTTP methods once per process unless in test mode (its own test client's way).
        Sanic.test_mode = True
        self.app = Sanic(f"loopback_{type(plugin).__name__.lower()}_{uuid.uuid4().hex[:8]}")

        async def ignored(message: Any) -> None:
            return None

        self.app.blueprint(plugin.blueprint(ignored), url_prefix=plugin.url_prefix())
        self.server: Any = None
        self.problem: Optional[BaseException] = None
        self._ready = threading.Event()
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

    def start(self) -> "LoopbackSanic":
        self._thread.start()
        assert self._ready.wait(10) and self.problem is None, f"the server did not start: {self.problem!r}"
        return self

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> "LoopbackSanic":
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()
