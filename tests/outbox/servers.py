"""Real servers on loopback for the outbox tests: an SMTP server (aiosmtpd) and a webhook receiver (aiohttp)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, Dict, List, Optional

from aiohttp import web
from aiosmtpd.controller import Controller

from gracious.outbox import signing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; ``stall`` holds DATA unanswered."""

    def __init__(self, stall: bool = False) -> None:
        self.accepted: List[bytes] = []
        self.envelopes: List[Any] = []
        self.stall = stall
        self.stalled = threading.Event()  # set when a message is held in DATA
        self.release = threading.Event()  # set to answer the held message (with a refusal)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stall:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Not kept, try again later"
        self.accepted.append(bytes(envelope.content))
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> List[EmailMessage]:
        return [BytesParser(policy=policy.default).parsebytes(raw) for raw in self.accepted]  # type: ignore[misc]


def raw_header(message: EmailMessage, name: str) -> Optional[str]:
    """A header as written (the parsed Message-ID drops what follows a ':')."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())
    return None


class SmtpServer:
    """An aiosmtpd Controller on 127.0.0.1, a free port, for the length of a ``with``."""

    def __init__(self, inbox: Optional[Inbox] = None, **options: Any) -> None:
        self.inbox = inbox or Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.inbox.release.set()
        self.controller.stop()


class Receiver:
    """The company's side of the webhook on loopback: checks each signature, answers from a script,
    and applies each commitment once per Idempotency-Key (as a careful company would)."""

    def __init__(self, secret: bytes, answers: Optional[List[int]] = None) -> None:
        self.secret = secret
        self.answers = list(answers or [])
        self.tries: List[Dict[str, Any]] = []
        self.applied: Dict[str, Dict[str, Any]] = {}
        self.port = free_port()
        self.runner: Optional[web.AppRunner] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/gracious/commitments"

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        signed = signing.verify(body, request.headers.get(signing.HEADER), self.secret)
        key = request.headers.get(signing.KEY_HEADER)
        self.tries.append({"key": key, "signed": signed, "body": body, "type": request.content_type})
        if not signed:
            return web.json_response({"error": "bad signature"}, status=401)
        status = self.answers.pop(0) if self.answers else 200
        if status >= 300:
            return web.json_response({"error": "busy"}, status=status)
        if key not in self.applied:
            self.applied[str(key)] = json.loads(body)
        return web.json_response({"applied": key}, status=status)

    async def __aenter__(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/gracious/commitments", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *_: Any) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
