"""A real cluster for the tests: PostgreSQL, Redis, the action server, two Rasa instances, nginx.

Started once per test session on loopback ports of its own (about half a minute),
from Debian's packages, which scripts/ensure-cluster-packages installs.
"""

from __future__ import annotations

import asyncio
import json
import queue
import secrets
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import socketio

from launch.cluster.deployment import Cluster
from launch.launcher import ROOT, free_port
from server.channels.sessions import BROWSER_COOKIE
from tests.e2e.conftest import PASSWORD, model_path

TOKEN = "cluster-test-token"


def ensure_packages() -> None:
    """PostgreSQL, Redis and nginx from Debian's packages (does nothing when they are there)."""
    subprocess.run([str(ROOT / "scripts" / "ensure-cluster-packages")], check=True)


def call(
    url: str,
    body: Any = None,
    method: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
    raw: Optional[bytes] = None,
    timeout: float = 90,
) -> Tuple[int, Any, Dict[str, str]]:
    """One HTTP request: (status, JSON body or text, headers)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, payload, got = reply.status, reply.read(), dict(reply.headers)
    except urllib.error.HTTPError as error:
        status, payload, got = error.code, error.read(), dict(error.headers)
    try:
        return status, json.loads(payload or b"null"), got
    except ValueError:
        return status, payload.decode(errors="replace"), got


class Deployment:
    """The running cluster, as customers, agents and the HTTP API see it."""

    def __init__(self, cluster: Cluster, proxy: "SlowProxy") -> None:
        self.cluster = cluster
        self.proxy = proxy

    @property
    def base(self) -> str:
        return self.cluster.url

    def say(self, sender: str, text: str, base: Optional[str] = None, **extra: Any) -> List[Dict[str, Any]]:
        status, body, _ = call(
            f"{base or self.base}/webhooks/rest/webhook", {"sender": sender, "message": text, **extra}
        )
        assert status == 200, (status, body)
        return body

    def tracker(self, sender: str) -> Dict[str, Any]:
        status, body, _ = call(f"{self.base}/conversations/{sender}/tracker?token={TOKEN}")
        assert status == 200, body
        return body

    def user_texts(self, sender: str) -> List[str]:
        return [e["text"] for e in self.tracker(sender)["events"] if e["event"] == "user"]


class WidgetCustomer:
    """A customer's widget: a socket.io client with the browser's cookie, as rasa-webchat connects."""

    def __init__(self, base: str, browser: Optional[str] = None) -> None:
        self.base = base
        self.browser = browser or secrets.token_hex(16)
        self.messages: "queue.Queue[str]" = queue.Queue()
        self.confirmed: "queue.Queue[str]" = queue.Queue()
        self.session_id: Optional[str] = None
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", lambda data: self.messages.put((data or {}).get("text", "")))
        self.client.on("session_confirm", lambda sid: self.confirmed.put(sid))

    def connect(self, base: Optional[str] = None, transports: Tuple[str, ...] = ("websocket",)) -> str:
        """Connect (again) and ask for our session; returns the session id the server confirmed."""
        if self.client.connected:
            self.client.disconnect()
        self.client.connect(
            base or self.base,
            socketio_path="/socket.io",
            transports=list(transports),
            headers={"Cookie": f"{BROWSER_COOKIE}={self.browser}"},
            wait_timeout=30,
        )
        self.client.emit("session_request", {"session_id": self.session_id})
        self.session_id = self.confirmed.get(timeout=30)
        return self.session_id

    def say(self, text: str) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def wait_for(self, fragment: str, timeout: float = 60) -> List[str]:
        """Messages until one containing ``fragment``; all of them."""
        seen: List[str] = []
        while True:
            text = self.messages.get(timeout=timeout)
            seen.append(text)
            if fragment.lower() in text.lower():
                return seen

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


@contextmanager
def running_deployment(action_timeout: float = 6.0) -> Iterator[Deployment]:
    """A whole cluster in a temp dir of its own, on free loopback ports, removed afterwards."""
    ensure_packages()
    workdir = Path(tempfile.mkdtemp(prefix="gracious-cluster-"))
    action_port = free_port()
    proxy = SlowProxy(action_port).start()
    cluster = Cluster(
        model_path(),
        workdir,
        instances=2,
        extra_env={
            "RASA_AUTH_TOKEN": TOKEN,
            "GRACIOUS_CARE_HOURS": "mon-sun 0-24",
            # Rasa reaches the action server through a proxy the fault tests can slow down.
            "ACTION_PORT": str(action_port),
            "GRACIOUS_ACTION_URL": proxy.url,
            "GRACIOUS_ACTION_TIMEOUT": str(action_timeout),
            # The slow-proxy test's turn of five 2.5 s calls fits; a timed-out call still ends a turn at once.
            "GRACIOUS_TURN_DEADLINE_SECONDS": "25",
            "GRACIOUS_PATIENCE_SECONDS": "1.5",
            # Every test writes from 127.0.0.1, through nginx.
            "GRACIOUS_HANDOFFS_PER_ADDRESS": "100000",
            # No late-order check ticking into the soak's widgets at a moment no test chooses.
            "GRACIOUS_LATE_CHECK_SECONDS": "0",
        },
    )
    try:
        cluster.start()
    except Exception:
        for log in sorted((workdir / "logs").glob("*.log")):
            print(log.name, log.read_text(errors="replace")[-3000:])
        cluster.remove()
        raise
    from server.desk.store import DeskStore

    store = DeskStore(cluster.env["GRACIOUS_RECORDS_DB_URL"])
    asyncio.run(store.add_agent("sam", "Sam Lee", PASSWORD))
    store.engine.dispose()
    try:
        yield Deployment(cluster, proxy)
    finally:
        cluster.remove()


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    """Modules with a cluster of their own (marked ``own_cluster``) run first, and the shared
    cluster starts after theirs is removed: two clusters never share this 2-core machine."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("own_cluster") else 1)


@pytest.fixture(scope="session")
def deployment() -> Iterator[Deployment]:
    """The cluster the tests share. No test breaks it: tests/cluster/test_faults.py, which
    kills and restarts its parts, has a cluster of its own."""
    with running_deployment() as running:
        yield running


@pytest.fixture
def sender() -> str:
    return f"cluster-{uuid.uuid4().hex[:12]}"


class SlowProxy:
    """An HTTP proxy in front of the action server that can be told to answer slowly.

    Runs in a thread of the test process, on loopback: Rasa calls it as its action
    server; it passes each request on after ``delay`` seconds (health checks at once).
    """

    def __init__(self, target_port: int) -> None:
        from launch.launcher import free_port

        self.port = free_port()
        self.target = f"http://127.0.0.1:{target_port}"
        self.delay = 0.0
        # Action calls passed on and answered (health checks not counted): a test can tell
        # what a customer heard before the first slow call came back, with no clock.
        self.answered = 0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> "SlowProxy":
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def _serve(self) -> None:
        from aiohttp import ClientSession, ClientTimeout, web

        async def forward(request: web.Request) -> web.Response:
            if request.path != "/health":
                await asyncio.sleep(self.delay)
            headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
            try:
                async with ClientSession(timeout=ClientTimeout(total=600)) as session:
                    async with session.request(
                        request.method, self.target + request.path_qs, data=await request.read(), headers=headers
                    ) as reply:
                        body = await reply.read()
                        if request.path != "/health":
                            self.answered += 1
                        return web.Response(
                            status=reply.status, body=body, content_type=reply.content_type or "application/json"
                        )
            except OSError:
                return web.Response(status=502, text="action server unreachable")

        async def main() -> None:
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", forward)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            self._ready.set()
            while True:
                await asyncio.sleep(3600)

        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(main())
        except RuntimeError:
            pass
