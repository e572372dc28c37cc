"""The demo company's receiver on a real Sanic server on loopback (no Rasa), and signed posts to it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

from gracious.outbox import signing
from server.company.receiver import DemoCompanyReceiver
from tests.helpers.loopback_sanic import LoopbackSanic


class ReceiverApp(LoopbackSanic):
    """The receiver's blueprint served from a thread of its own, as the Rasa server mounts it."""

    def __init__(self) -> None:
        super().__init__(DemoCompanyReceiver())
        self.url = f"{self.base}/company/demo-receiver"

    def __enter__(self) -> "ReceiverApp":
        self.start()
        return self

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
